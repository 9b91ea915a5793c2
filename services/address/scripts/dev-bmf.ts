// Development check on real payee data (tuning loop): IRS EO BMF rows as one-line "ICO STREET CITY ST ZIP+4"
// strings, scored on recovering the file's own recipient / city / state / ZIP+4 columns. The rows are a
// different hash slice from the evaluation's sample (evaluate.ts takes FNV-1a % 97 == 0; this takes == 1),
// so tuning never sees the evaluation rows. Usage: node dist/scripts/dev-bmf.js [model.json] [--show]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CrfModel } from '../src/domain/crf.js';
import { AddressParser } from '../src/domain/parser.js';
import { dataDir, fnv1a } from './training-data.js';

const args = process.argv.slice(2);
const show = args.includes('--show');
const modelPath = args.find((a) => !a.startsWith('--'));
const parser = new AddressParser(modelPath ? CrfModel.load(new URL(`file://${modelPath}`)) : CrfModel.load());
const dir = join(dataDir(), 'suppliers', 'irs-eo-bmf');
const rows: Array<{ ico: string; street: string; city: string; state: string; zip: string }> = [];
for (const f of readdirSync(dir).filter((x) => /^eo_[a-z]{2}\.csv\.gz$/.test(x)).sort()) {
  for (const line of gunzipSync(readFileSync(join(dir, f))).toString('utf8').split('\n').slice(1)) {
    if (!line || fnv1a(line) % 97 !== 1 || line.includes('"')) continue;
    const c = line.split(',');
    if (c.length < 7 || !c[3] || !c[4] || !/^\d{5}-\d{4}$/.test(c[6]!)) continue;
    rows.push({ ico: c[2]!, street: c[3]!, city: c[4]!, state: c[5]!, zip: c[6]! });
  }
}
const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9%/ ]/g, '').replace(/\s+/g, ' ').trim();
const who = (x: string) => norm(x.replace(/^\s*(%|C\/O|ATTN:?)\s*/i, ''));
let ok = 0;
const field = { recipient: 0, city: 0, state: 0, zip: 0 };
for (const r of rows.slice(0, 3000)) {
  const text = [r.ico, r.street, r.city, r.state, r.zip].filter(Boolean).join(' ');
  const f = parser.parse(text).fields;
  const rc = who(f.recipient) === who(r.ico);
  const c = norm(f.city) === norm(r.city);
  const s = norm(f.state) === r.state;
  const z = `${f.zip}-${f.zip4}` === r.zip;
  field.recipient += +rc;
  field.city += +c;
  field.state += +s;
  field.zip += +z;
  if (rc && c && s && z) ok += 1;
  else if (show) process.stdout.write(`  ${text}  →  rcp=${f.recipient} | city=${f.city} | st=${f.state} | zip=${f.zip}-${f.zip4}\n`);
}
const n = Math.min(3000, rows.length);
const r4 = (x: number) => Math.round((x / n) * 10000) / 10000;
process.stdout.write(`${JSON.stringify({ rows: n, allFieldsRight: r4(ok), recipient: r4(field.recipient), city: r4(field.city), state: r4(field.state), zipPlus4: r4(field.zip) })}\n`);
