// Fits the probability temperature of the tagger on cross-validation folds of the TRAINING split (models
// trained without the fold, scored on it; the held-out split is never read) and writes it into the model.
// A temperature T > 1 softens overconfident CRF probabilities: confidence = P(labeling)^(1/T)-ish.
// Usage: node dist/scripts/fit-temperature.js <model.json to update> <foldModel.json> <i/k> [<foldModel.json> <i/k> …]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrfModel } from '../src/domain/crf.js';
import { AddressParser } from '../src/domain/parser.js';
import { scoreRecords } from './parse-accuracy.js';
import { dataDir, foldOf, isHeldOut, readLabeledXml } from './training-data.js';

const [, , target, ...pairs] = process.argv;
if (!target || pairs.length < 2) throw new Error('usage: fit-temperature.js <model.json> <foldModel.json> <i/k> […]');
const all = readLabeledXml(join(dataDir(), 'labeled', 'usaddress-train.xml')).filter((a) => !isHeldOut(a));
const grid = Array.from({ length: 31 }, (_, k) => 0.8 + k * 0.1);
const loss = new Array<number>(grid.length).fill(0);
let count = 0;
for (let p = 0; p < pairs.length; p += 2) {
  const [i, k] = pairs[p + 1]!.split('/').map(Number) as [number, number];
  const dev = all.filter((a) => foldOf(a, k) === i);
  const right = new Set<number>();
  {
    const parser = new AddressParser(CrfModel.load(pairs[p]!));
    const preds = dev.map((r) => parser.parse(r.text).tokens.map((t) => ({ start: t.start, end: t.end, label: t.label })));
    const { wrong } = scoreRecords(dev, preds);
    dev.forEach((_, r) => (wrong.includes(r) ? undefined : right.add(r)));
  }
  grid.forEach((t, g) => {
    const parser = new AddressParser(CrfModel.load(pairs[p]!, t));
    dev.forEach((r, idx) => {
      const c = Math.min(1 - 1e-6, Math.max(1e-6, parser.parse(r.text).confidence));
      loss[g]! -= right.has(idx) ? Math.log(c) : Math.log(1 - c);
    });
  });
  count += dev.length;
}
let best = 0;
for (let g = 1; g < grid.length; g++) if (loss[g]! < loss[best]!) best = g;
const temperature = Math.round(grid[best]! * 100) / 100;
const model = JSON.parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
model.temperature = temperature;
writeFileSync(target, JSON.stringify(model));
process.stdout.write(`${JSON.stringify({ temperature, devRecords: count, logLossPerRecord: Math.round((loss[best]! / count) * 1000) / 1000, atT1: Math.round((loss[grid.indexOf(1)] ?? loss[2]!) / count * 1000) / 1000 })}\n`);
