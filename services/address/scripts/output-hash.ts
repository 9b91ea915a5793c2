// Proof that a speed-only change leaves every output identical: runs parse + standardize + validate over
// every usaddress-train.xml record (held-out and training), the other labeled XML files, and IRS BMF rows
// (the dev slice, FNV-1a % 97 == 1, and the bench slice, % 89 == 0) as one-line text and as structured
// fields, and hashes the complete JSON outputs (token labels and marginals, components, fields, kind,
// confidences with numbers at full precision, the validation verdict with its standardized form).
// Prints JSON: { inputs, sha256 }. Usage: node dist/scripts/output-hash.js [--dump file]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AddressParser, type AddressInput } from '../src/domain/parser.js';
import { LocalValidator } from '../src/domain/validate.js';
import { dataDir, fnv1a, readLabeledXml } from './training-data.js';

const dumpAt = process.argv.indexOf('--dump');
const dumpPath = dumpAt >= 0 ? process.argv[dumpAt + 1] : undefined;
const labeled = join(dataDir(), 'labeled');
const inputs: Array<AddressInput | string> = [];
for (const f of readdirSync(labeled).filter((x) => /^usaddress-.*\.xml(\.gz)?$/.test(x)).sort()) {
  for (const a of readLabeledXml(join(labeled, f))) inputs.push(a.text);
}
const dir = join(dataDir(), 'suppliers', 'irs-eo-bmf');
for (const f of readdirSync(dir).filter((x) => /^eo_[a-z]{2}\.csv\.gz$/.test(x)).sort()) {
  for (const line of gunzipSync(readFileSync(join(dir, f))).toString('utf8').split('\n').slice(1)) {
    if (!line || line.includes('"')) continue;
    const h = fnv1a(line);
    if (h % 97 !== 1 && h % 89 !== 0) continue;
    const c = line.split(',');
    if (c.length < 7) continue;
    inputs.push([c[2], c[3], c[4], c[5], c[6]].filter(Boolean).join(' '));
    inputs.push({ recipient: c[2], line1: c[3], city: c[4], state: c[5], postalCode: c[6] });
  }
}
const parser = new AddressParser();
const validator = new LocalValidator(parser);
const hash = createHash('sha256');
const lines: string[] = [];
for (const input of inputs) {
  const parse = parser.parse(input);
  // Tokens carry their lexeme (shared caches): keep what the parser decided about each token.
  const tokens = parse.tokens.map((t) => [t.raw, t.label, t.confidence]);
  const out = JSON.stringify({ input, tokens, components: parse.components, fields: parse.fields, kind: parse.kind, confidence: parse.confidence, zipRepair: parse.zipRepair, validation: validator.validate(input) });
  hash.update(out);
  hash.update('\n');
  if (dumpPath) lines.push(out);
}
if (dumpPath) writeFileSync(dumpPath, `${lines.join('\n')}\n`);
process.stdout.write(`${JSON.stringify({ inputs: inputs.length, sha256: hash.digest('hex') })}\n`);
