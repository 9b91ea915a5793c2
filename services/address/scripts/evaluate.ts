// npm run eval:address — the evaluation, printed as one JSON document:
//   1. parse accuracy on the fixed held-out split of usaddress-train.xml (whole-address exact and per
//      component; the rule is in parse-accuracy.ts), for Clarity and for Python usaddress (PyPI) — stock
//      (whose model was trained on these very records) and retrained on our training split (fair);
//   1b. the synthetic OSM records the training export left out (regular one-line addresses), for Clarity
//      and both usaddress variants (stock usaddress was trained on them);
//   2. real data neither parser was trained on: IRS EO BMF rows as one-line "% ICO STREET CITY ST ZIP+4"
//      strings, scored on recovering the file's own CITY / STATE / ZIP / ICO columns (usaddress via tag(),
//      its exceptions counted as failures);
//   3. verdict coverage (every input gets a verdict), single-core speed of parse + standardize + local
//      verdict, and the RSS of the running service after validating the real-data sample over gRPC;
//   4. machine load and a CPU calibration figure, since the machine is shared.
// Flags: --no-usaddress (skip Python), --quick (smaller samples).
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createServiceClient } from '@clarity/kit';
import { freePort } from '@clarity/kit/testing';
import { AddressServiceDefinition, PossibleNextAction } from '@clarity/proto/clarity/address/v1/address.js';
import { PostalAddress } from '@clarity/proto/clarity/common/v1/payee.js';
import { AddressParser } from '../src/domain/parser.js';
import { LocalValidator } from '../src/domain/validate.js';
import { scoreRecords, type PredictedToken } from './parse-accuracy.js';
import { calibratedRate, IDLE_CALIBRATION_NS } from './speed.js';
import { dataDir, EXPORT_OSM_SHARE, EXPORT_SEED, fnv1a, isHeldOut, osmSplit, readLabeledXml, seededRandom } from './training-data.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const here = new URL('.', import.meta.url).pathname;
const pyScripts = join(here, '..', '..', 'scripts');
const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();

/** CPU nanoseconds per iteration of a trivial float loop (~1-2 ns on an idle modern core). */
function calibrationNsPerOp(): number {
  let s = 0;
  const c = process.cpuUsage();
  for (let i = 0; i < 1e8; i++) s += i * 0.5;
  const used = process.cpuUsage(c);
  return s > 0 ? Math.round(((used.user + used.system) * 1000) / 1e8 * 100) / 100 : 0;
}
const calibration = calibrationNsPerOp();

// ---- 1. held-out split --------------------------------------------------------------------------------
const all = readLabeledXml(join(dataDir(), 'labeled', 'usaddress-train.xml'));
const heldOut = all.filter(isHeldOut);
const trainPart = all.filter((a) => !isHeldOut(a));
const parser = new AddressParser();
const validator = new LocalValidator(parser);
const parses = heldOut.map((r) => parser.parse(r.text));
const ours = parses.map((p) => p.tokens.map((t): PredictedToken => ({ start: t.start, end: t.end, label: t.label })));
const { wrong, ...clarity } = scoreRecords(heldOut, ours);
// Does the parse confidence mean what it says? Exact-parse rate per confidence bucket, and the expected
// calibration error (|confidence − accuracy| weighted by bucket size).
const wrongSet = new Set(wrong);
const buckets = [0, 0.5, 0.8, 0.95, 0.99, 1.0001].slice(0, -1).map((lo, k) => ({ lo, hi: [0.5, 0.8, 0.95, 0.99, 1.0001][k]!, n: 0, right: 0, conf: 0 }));
parses.forEach((p, r) => {
  const b = buckets.find((x) => p.confidence >= x.lo && p.confidence < x.hi)!;
  b.n += 1;
  b.conf += p.confidence;
  if (!wrongSet.has(r)) b.right += 1;
});
const confidenceCalibration = {
  buckets: buckets.filter((b) => b.n > 0).map((b) => ({ confidence: `${b.lo}-${Math.min(1, b.hi)}`, records: b.n, meanConfidence: round4(b.conf / b.n), exactParseRate: round4(b.right / b.n) })),
  expectedCalibrationError: round4(buckets.reduce((e, b) => e + (b.n ? Math.abs(b.conf / b.n - b.right / b.n) * b.n : 0), 0) / parses.length),
};

// ---- 1b. synthetic OSM records the model never saw ------------------------------------------------------
// Regular "NUMBER STREET, CITY, ST ZIP" addresses (OpenStreetMap-derived, usaddress's synthetic sets); the
// training export used a 12 % sample of each set, drawn first from its seeded generator: the rest is unseen.
const osmUnseen = osmSplit(EXPORT_OSM_SHARE, seededRandom(EXPORT_SEED)).unused.filter((_, i) => i % (quick ? 40 : 4) === 0);
const osmOurs = scoreRecords(osmUnseen, osmUnseen.map((r) => parser.parse(r.text).tokens.map((t): PredictedToken => ({ start: t.start, end: t.end, label: t.label }))));
const syntheticOsmUnseen: Record<string, unknown> = {
  note: `records of labeled/usaddress-train-synthetic-osm*.xml.gz outside the 12 % sample the training export draws (every ${quick ? 40 : 4}th of them); the two files label a few records differently (e.g. "406 D South Boulevard": D as OccupancyIdentifier in one, AddressNumber in the other), which caps every parser`,
  records: osmUnseen.length,
  clarity: { wholeAddressAccuracy: osmOurs.wholeAddressAccuracy, tokenAccuracy: osmOurs.tokenAccuracy },
};

let usaddressStock: unknown = 'skipped (--no-usaddress)';
let usaddressRetrained: unknown = 'skipped (--no-usaddress)';
let usaddressVersion = '';
const python = process.env.PYTHON ?? 'python3';
function ensureUsaddress(): void {
  try {
    usaddressVersion = execFileSync(python, ['-c', 'import importlib.metadata as m; print(m.version("usaddress"))']).toString().trim();
  } catch {
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', 'usaddress==0.5.16'], { stdio: 'inherit' });
    usaddressVersion = execFileSync(python, ['-c', 'import importlib.metadata as m; print(m.version("usaddress"))']).toString().trim();
  }
}
type UsaddressOut = { tokens?: PredictedToken[]; tagError?: string | null; error?: string };
const runPy = (script: string, input: unknown): UsaddressOut[] =>
  JSON.parse(execFileSync(python, [join(pyScripts, script)], { input: JSON.stringify(input), maxBuffer: 1 << 28 }).toString()) as UsaddressOut[];

if (!args.has('--no-usaddress')) {
  ensureUsaddress();
  const stock = runPy('usaddress_parse.py', heldOut.map((r) => r.text));
  const parseOnly = scoreRecords(heldOut, stock.map((o) => o.tokens ?? null));
  // The rule: a record whose structured parse (usaddress.tag) raises counts as a failure.
  const withExceptions = scoreRecords(heldOut, stock.map((o) => (o.tokens && !o.tagError ? o.tokens : null)));
  usaddressStock = {
    version: usaddressVersion,
    note: 'the stock model was trained on all of usaddress-train.xml, this held-out split included: these are training-set figures',
    wholeAddressAccuracy: withExceptions.wholeAddressAccuracy,
    exceptions: stock.filter((o) => o.tagError || o.error).length,
    wholeAddressAccuracyIgnoringExceptions: parseOnly.wholeAddressAccuracy,
    tokenAccuracy: parseOnly.tokenAccuracy,
    perComponent: parseOnly.perComponent,
  };
  const extra = [
    ...readLabeledXml(join(dataDir(), 'labeled', 'usaddress-train-us50.xml')),
    ...readLabeledXml(join(dataDir(), 'labeled', 'usaddress-train-multi-word-state.xml')),
  ];
  const retrained = runPy('usaddress_retrained.py', { train: [...trainPart, ...extra], test: [...heldOut, ...osmUnseen].map((r) => r.text) });
  const { wrong: _r, ...rs } = scoreRecords(heldOut, retrained.slice(0, heldOut.length).map((o) => o.tokens ?? null));
  const osmRetrained = scoreRecords(osmUnseen, retrained.slice(heldOut.length).map((o) => o.tokens ?? null));
  const osmStock = runPy('usaddress_parse.py', osmUnseen.map((r) => r.text));
  const osmStockScore = scoreRecords(osmUnseen, osmStock.map((o) => (o.tokens && !o.tagError ? o.tokens : null)));
  syntheticOsmUnseen.usaddressStock = {
    note: 'trained on every record of these sets: training-set figures; tag() exceptions count as failures',
    wholeAddressAccuracy: osmStockScore.wholeAddressAccuracy,
    tokenAccuracy: osmStockScore.tokenAccuracy,
    exceptions: osmStock.filter((o) => o.tagError || o.error).length,
  };
  syntheticOsmUnseen.usaddressRetrainedOnOurSplit = {
    note: 'trained without any synthetic OSM record (Clarity saw the 12 % sample)',
    wholeAddressAccuracy: osmRetrained.wholeAddressAccuracy,
    tokenAccuracy: osmRetrained.tokenAccuracy,
  };
  usaddressRetrained = {
    note: "usaddress's tokenizer, features and CRF settings trained on our training split only (no synthetic data): the like-for-like baseline",
    wholeAddressAccuracy: rs.wholeAddressAccuracy,
    tokenAccuracy: rs.tokenAccuracy,
    perComponent: rs.perComponent,
  };
}

// ---- 2. real data: IRS EO BMF ---------------------------------------------------------------------------
interface BmfRow { ico: string; street: string; city: string; state: string; zip: string }
function bmfSample(limit: number): BmfRow[] {
  const dir = join(dataDir(), 'suppliers', 'irs-eo-bmf');
  const rows: BmfRow[] = [];
  for (const f of readdirSync(dir).filter((x) => /^eo_[a-z]{2}\.csv\.gz$/.test(x)).sort()) {
    const lines = gunzipSync(readFileSync(join(dir, f))).toString('utf8').split('\n');
    for (const line of lines.slice(1)) {
      if (!line || fnv1a(line) % 97 !== 0 || line.includes('"')) continue;
      const c = line.split(',');
      if (c.length < 7 || !c[3] || !c[4] || !/^\d{5}-\d{4}$/.test(c[6]!)) continue;
      rows.push({ ico: c[2]!, street: c[3]!, city: c[4]!, state: c[5]!, zip: c[6]! });
    }
  }
  return rows.slice(0, limit);
}
const bmf = bmfSample(quick ? 500 : 3000);
const bmfText = (r: BmfRow) => [r.ico, r.street, r.city, r.state, r.zip].filter(Boolean).join(' ');
const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9%/ ]/g, '').replace(/\s+/g, ' ').trim();
function bmfScore(get: (r: BmfRow, i: number) => { recipient: string; city: string; state: string; zip: string; zip4: string } | null) {
  let ok = 0;
  let fails = 0;
  const field = { recipient: 0, city: 0, state: 0, zip: 0 };
  bmf.forEach((r, i) => {
    const p = get(r, i);
    if (!p) {
      fails += 1;
      return;
    }
    // Care-of markers are ignored on both sides (usaddress drops a lone "%").
    const who = (x: string) => norm(x.replace(/^\s*(%|C\/O|ATTN:?)\s*/i, ''));
    const rc = who(p.recipient) === who(r.ico);
    const c = norm(p.city) === norm(r.city);
    const s = norm(p.state) === r.state;
    const z = `${p.zip}-${p.zip4}` === r.zip;
    field.recipient += rc ? 1 : 0;
    field.city += c ? 1 : 0;
    field.state += s ? 1 : 0;
    field.zip += z ? 1 : 0;
    if (rc && c && s && z) ok += 1;
  });
  const n = bmf.length;
  return {
    rows: n,
    allFieldsRight: round4(ok / n),
    failures: fails,
    fieldAccuracy: { recipient: round4(field.recipient / n), city: round4(field.city / n), state: round4(field.state / n), zipPlus4: round4(field.zip / n) },
  };
}
const clarityBmf = bmfScore((r) => {
  const f = parser.parse(bmfText(r)).fields;
  return { recipient: f.recipient, city: f.city, state: f.state, zip: f.zip, zip4: f.zip4 };
});
let usaddressBmf: unknown = 'skipped (--no-usaddress)';
if (!args.has('--no-usaddress')) {
  const tagged = JSON.parse(
    execFileSync(python, ['-c', `
import json, sys, usaddress
out = []
for t in json.load(sys.stdin):
    try:
        d, _ = usaddress.tag(t)
        out.append(d)
    except Exception:
        out.append(None)
json.dump(out, sys.stdout)
`], { input: JSON.stringify(bmf.map(bmfText)), maxBuffer: 1 << 28 }).toString(),
  ) as Array<Record<string, string> | null>;
  usaddressBmf = bmfScore((_r, i) => {
    const d = tagged[i];
    if (!d) return null;
    const [zip, zip4 = ''] = (d.ZipCode ?? '').split('-');
    return { recipient: d.Recipient ?? '', city: d.PlaceName ?? '', state: d.StateName ?? '', zip: zip ?? '', zip4: d.ZipPlus4 ?? zip4 };
  });
}

// ---- 3. coverage, speed, memory ---------------------------------------------------------------------------
const inputs = [...heldOut.map((r) => r.text), ...bmf.map(bmfText)];
let verdicts = 0;
for (const s of inputs) if (validator.validate(s).verdict?.possibleNextAction !== PossibleNextAction.POSSIBLE_NEXT_ACTION_UNSPECIFIED) verdicts += 1;
// What the verdict says on real payee addresses (IRS BMF rows as one-line strings).
const actions: Record<string, number> = {};
for (const r of bmf) {
  const a = PossibleNextAction[validator.validate(bmfText(r)).verdict!.possibleNextAction].replace('POSSIBLE_NEXT_ACTION_', '');
  actions[a] = (actions[a] ?? 0) + 1;
}
/**
 * Throughput in 40 slices of 200 ms: addresses per wall-clock second over the whole run, and per CPU
 * second of this thread — the median slice and the best slice (the least disturbed by the other
 * processes sharing the cores; CPU time still includes their cache and hyper-thread interference).
 */
function rate(fn: (s: string) => unknown, slices: number): { wall: number; cpuMedian: number; cpuBest: number } {
  for (let k = 0; k < 3000; k++) fn(inputs[k % inputs.length]!);
  const perItemUs: number[] = [];
  let n = 0;
  const t = performance.now();
  for (let k = 0; k < slices; k++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let m = 0;
    while (performance.now() - t0 < 200) {
      for (let j = 0; j < 20; j++) fn(inputs[(n + j) % inputs.length]!);
      n += 20;
      m += 20;
    }
    const c = process.cpuUsage(cpu0);
    perItemUs.push((c.user + c.system) / m);
  }
  const wallS = (performance.now() - t) / 1000;
  perItemUs.sort((a, b) => a - b);
  return { wall: Math.round(n / wallS), cpuMedian: Math.round(1e6 / perItemUs[perItemUs.length >> 1]!), cpuBest: Math.round(1e6 / perItemUs[0]!) };
}
const validateRate = rate((s) => validator.validate(s), quick ? 10 : 40);
const parseRate = rate((s) => parser.parse(s), quick ? 5 : 20);
// The same workload in slices paired with a calibration loop (scripts/speed.ts): cost per address in
// calibration iterations, turned into an estimate of the rate on an idle core of this machine.
const validateCalibrated = calibratedRate(inputs, (s) => validator.validate(s), quick ? 6 : 20);

async function serviceRss(): Promise<{ rssMb: number; peakRssMb: number; validated: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(here, '..', 'src', 'main.js')], {
    env: { ...process.env, CLARITY_GRPC_PORT: String(port), CLARITY_METRICS_PORT: '0', CLARITY_LOG_LEVEL: 'warn', CLARITY_ADDRESS_VALIDATION_API_KEY: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const client = createServiceClient(AddressServiceDefinition, `127.0.0.1:${port}`, { defaultTimeoutMs: 120_000 });
  try {
    for (let k = 0; k < 100; k++) {
      try {
        await client.parse({ address: PostalAddress.fromPartial({ freeform: '1 MAIN ST' }) });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    let validated = 0;
    const addresses = bmf.map((r) => PostalAddress.fromPartial({ freeform: bmfText(r) }));
    for (let round = 0; round < (quick ? 1 : 4); round++) {
      for (let k = 0; k < addresses.length; k += 500) {
        const { results } = await client.validateBatch({ addresses: addresses.slice(k, k + 500) });
        validated += results.length;
      }
    }
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10, validated };
  } finally {
    client.close();
    child.kill('SIGTERM');
  }
}
const memory = await serviceRss();

const report = {
  dataset: {
    file: 'labeled/usaddress-train.xml',
    split: 'held-out = FNV-1a(lower-cased, space-collapsed text) % 5 == 0 (fixed; never tuned on)',
    heldOutRecords: heldOut.length,
    trainingRecords: trainPart.length,
    comparisonRule: 'gold tokens = XML elements; a gold token is right when the predicted token holding its first letter/digit has the same label (attached punctuation ignored); whole-address = every token right; per-component = per gold label recall; exceptions = all tokens wrong',
  },
  clarity: { ...clarity, parseConfidenceCalibration: confidenceCalibration },
  usaddressStock,
  usaddressRetrainedOnOurSplit: usaddressRetrained,
  syntheticOsmUnseen,
  realDataIrsBmf: {
    note: 'IRS EO BMF rows (1 in 97 by hash, 25 state files) as one-line "ICO STREET CITY ST ZIP+4"; a row is right when recipient (care-of marker ignored), city, state and ZIP+4 all match the file\'s columns',
    clarity: clarityBmf,
    usaddress: usaddressBmf,
  },
  verdictCoverage: { inputs: inputs.length, withVerdict: verdicts, share: round4(verdicts / inputs.length) },
  verdictsOnIrsBmfSample: actions,
  speed: {
    note: 'one thread, in process; inputs = held-out + BMF one-line strings; per wall-clock second, and per CPU second of the thread in 200 ms slices (median and best slice; the machine is shared: see machine)',
    parseStandardizeVerdict: { perWallSecond: validateRate.wall, perCpuSecondMedianSlice: validateRate.cpuMedian, perCpuSecondBestSlice: validateRate.cpuBest },
    parseOnly: { perWallSecond: parseRate.wall, perCpuSecondMedianSlice: parseRate.cpuMedian, perCpuSecondBestSlice: parseRate.cpuBest },
    parseStandardizeVerdictIdleCoreEstimate: {
      note: `cost per address in iterations of a calibration loop measured beside each 200 ms slice, × ${IDLE_CALIBRATION_NS} ns (that loop on an idle core of this machine): an estimate of the idle single-core rate, not a measurement`,
      ...validateCalibrated,
    },
  },
  serviceMemory: { ...memory, note: 'VmRSS / VmHWM of `node dist/src/main.js` after validating the BMF sample over gRPC (ValidateBatch of 500)' },
  machine: { loadavgBefore: loadBefore, loadavgAfter: readFileSync('/proc/loadavg', 'utf8').trim(), cores: (await import('node:os')).cpus().length, calibrationNsPerFloatAdd: calibration, node: process.version },
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
