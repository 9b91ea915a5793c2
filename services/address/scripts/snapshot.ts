// Development check for refactors of the hot path: writes (or compares against) a JSON-lines snapshot of
// parse + local verdict for training-split records, IRS BMF rows, structured variants and random strings.
// Usage: node dist/scripts/snapshot.js write <file> | node dist/scripts/snapshot.js compare <file>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AddressParser, type AddressInput } from '../src/domain/parser.js';
import { LocalValidator } from '../src/domain/validate.js';
import { dataDir, fnv1a, isHeldOut, readLabeledXml } from './training-data.js';

const [, , mode, file] = process.argv;
const inputs: Array<AddressInput | string> = readLabeledXml(join(dataDir(), 'labeled', 'usaddress-train.xml')).filter((a) => !isHeldOut(a)).map((a) => a.text);
const dir = join(dataDir(), 'suppliers', 'irs-eo-bmf');
for (const f of readdirSync(dir).filter((x) => /^eo.*\.csv\.gz$/.test(x)).sort()) {
  for (const line of gunzipSync(readFileSync(join(dir, f))).toString('utf8').split('\n').slice(1)) {
    if (!line || fnv1a(line) % 131 !== 7 || line.includes('"')) continue;
    const c = line.split(',');
    if (c.length < 7) continue;
    inputs.push([c[2], c[3], c[4], c[5], c[6]].filter(Boolean).join(' '));
    inputs.push({ recipient: c[2], line1: c[3], city: c[4], state: c[5], postalCode: c[6] });
  }
}
let seed = 7;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefgh 0123456789 ,.#-/&%()\n;ÀÉñ東京Ω😀';
for (let k = 0; k < 2000; k++) {
  let s = '';
  for (let j = 0, n = Math.floor(rand() * 60); j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
  inputs.push(s);
}
const parser = new AddressParser();
const validator = new LocalValidator(parser);
const lines = inputs.map((inp) => JSON.stringify(validator.validate(inp)));
if (mode === 'write') {
  writeFileSync(file!, `${lines.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ written: lines.length })}\n`);
} else {
  const old = readFileSync(file!, 'utf8').split('\n');
  let diff = 0;
  lines.forEach((l, k) => {
    if (l !== old[k]) {
      diff += 1;
      if (diff <= 5) process.stdout.write(`DIFF ${JSON.stringify(inputs[k])}\n  old ${old[k]!.slice(0, 600)}\n  new ${l.slice(0, 600)}\n`);
    }
  });
  process.stdout.write(`${JSON.stringify({ compared: lines.length, different: diff })}\n`);
}
