// Development loop (tuning): accuracy of a model on one cross-validation fold of the TRAINING part of
// usaddress-train.xml. The held-out split is never read here.
// Usage: node dist/scripts/dev-eval.js <model.json> <i/k> [--show]
import { join } from 'node:path';
import { CrfModel } from '../src/domain/crf.js';
import { AddressParser } from '../src/domain/parser.js';
import { scoreRecords } from './parse-accuracy.js';
import { dataDir, foldOf, isHeldOut, readLabeledXml } from './training-data.js';

const [, , modelPath, fold, flag] = process.argv;
const [i, k] = fold!.split('/').map(Number) as [number, number];
const records = readLabeledXml(join(dataDir(), 'labeled', 'usaddress-train.xml')).filter((a) => !isHeldOut(a) && foldOf(a, k) === i);
const parser = new AddressParser(CrfModel.load(new URL(`file://${modelPath}`)));
const preds = records.map((r) => parser.parse(r.text).tokens.map((t) => ({ start: t.start, end: t.end, label: t.label })));
const { wrong, ...report } = scoreRecords(records, preds);
process.stdout.write(`${JSON.stringify({ fold, ...report, perComponent: undefined })}\n`);
if (flag === '--show') {
  for (const r of wrong) {
    const rec = records[r]!;
    const pred = preds[r]!;
    const line = rec.gold.map((g) => {
      const p = pred.find((t) => g.start >= t.start && g.start < t.end) ?? pred.find((t) => t.start >= g.start && t.start < g.end);
      return p?.label === g.label ? g.text : `${g.text}[${g.label}≠${p?.label ?? '-'}]`;
    });
    process.stdout.write(`  ${line.join(' ')}\n`);
  }
}
