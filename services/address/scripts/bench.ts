// Development speed check, robust to a shared machine: alternates short calibration slices (a trivial
// float loop, ~4 cycles per iteration on an idle core) with 200 ms slices of the workload and expresses
// the workload's cost per address in calibration-loop iterations — a figure that stays comparable while
// the neighbours' load changes the machine's speed several-fold. Inputs: training-split records of
// usaddress-train.xml and IRS BMF one-line rows (never the held-out split). Prints JSON.
// Usage: node dist/scripts/bench.js [slices=10] [parse|validate]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AddressParser } from '../src/domain/parser.js';
import { LocalValidator } from '../src/domain/validate.js';
import { calibratedRate } from './speed.js';
import { dataDir, fnv1a, isHeldOut, readLabeledXml } from './training-data.js';

const slices = Number(process.argv[2] ?? 10);
const only = process.argv[3];
const train = readLabeledXml(join(dataDir(), 'labeled', 'usaddress-train.xml')).filter((a) => !isHeldOut(a)).map((a) => a.text);
const bmf: string[] = [];
const dir = join(dataDir(), 'suppliers', 'irs-eo-bmf');
for (const f of readdirSync(dir).filter((x) => /^eo_[a-z]{2}\.csv\.gz$/.test(x)).sort()) {
  for (const line of gunzipSync(readFileSync(join(dir, f))).toString('utf8').split('\n').slice(1)) {
    if (!line || fnv1a(line) % 89 !== 0 || line.includes('"')) continue;
    const c = line.split(',');
    if (c.length < 7) continue;
    bmf.push([c[2], c[3], c[4], c[5], c[6]].filter(Boolean).join(' '));
  }
}
const inputs = [...train, ...bmf.slice(0, 3000)];
const parser = new AddressParser();
const validator = new LocalValidator(parser);
const load0 = readFileSync('/proc/loadavg', 'utf8').trim();
const parse = only === 'validate' ? undefined : calibratedRate(inputs, (s) => parser.parse(s), slices);
const validate = only === 'parse' ? undefined : calibratedRate(inputs, (s) => validator.validate(s), slices);
process.stdout.write(`${JSON.stringify({ inputs: inputs.length, parse, validate, loadavg: [load0, readFileSync('/proc/loadavg', 'utf8').trim()] })}\n`);
