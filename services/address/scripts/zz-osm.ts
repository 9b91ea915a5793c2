import { join } from 'node:path';
import { CrfModel } from '../src/domain/crf.js';
import { AddressParser } from '../src/domain/parser.js';

import { scoreRecords } from './parse-accuracy.js';
import { dataDir, readLabeledXml } from './training-data.js';
function seededRandom(seed: number): () => number {
  return () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const rand = seededRandom(12345);
const dir = join(dataDir(), 'labeled');
const unused: any[] = [];
for (const f of ['usaddress-train-synthetic-osm.xml.gz', 'usaddress-train-synthetic-osm-clean.xml.gz']) {
  const rs = readLabeledXml(join(dir, f));
  const u = rs.filter(() => !(rand() < 0.12));
  unused.push(u);
}
const parser = new AddressParser(process.argv[2] ? CrfModel.load(new URL(`file://${process.argv[2]}`)) : CrfModel.load());
for (const [i, recs] of unused.entries()) {
  const sample = recs.filter((_: any, j: number) => j % 5 === 0);
  const preds = sample.map((r: any) => parser.parse(r.text).tokens.map((t: any) => ({ start: t.start, end: t.end, label: t.label })));
  const { wrong, ...rep } = scoreRecords(sample, preds);
  console.log(i, JSON.stringify({ ...rep, perComponent: undefined }));
  if (process.env.SHOW) for (const r of wrong.slice(0, 30)) { const rec = sample[r]; const pred = preds[r]; console.log('  ' + rec.gold.map((g: any) => { const p = pred.find((t: any) => g.start >= t.start && g.start < t.end); return p?.label === g.label ? g.text : `${g.text}[${g.label}≠${p?.label ?? '-'}]`; }).join(' ')); }
}
