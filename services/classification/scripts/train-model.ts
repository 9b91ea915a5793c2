// Trains the statistical tier: multinomial logistic regression (AdaGrad, L2) over the runtime's own
// hashed features, on the TRAIN split of labeled/payee-names-train.csv.gz, with sources rebalanced
// (IRS nonprofits would otherwise be two thirds of everything) and noisy labels down-weighted. Then fits
// the isotonic confidence map on the CALIBRATION split, on the names the rule tiers leave to the model.
// Writes data/model.json and data/model-weights.bin (int16). Deterministic: same data, same artifact.
//   node dist/scripts/train-model.js [--bits 18] [--epochs 6]
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { PayeeClassifier, collectRuleHits, modelHitKeys } from '../src/domain/classifier.js';
import { defaultExclusionRuleData } from '../src/domain/exclusion-defaults.js';
import { ExclusionMatcher } from '../src/domain/exclusions.js';
import { Lexicons } from '../src/domain/lexicons.js';
import { MAX_FEATURES, MODEL_CLASSES, NUM_CLASSES, NameModel, extractFeatures, type ModelMeta } from '../src/domain/model.js';
import { OverrideMatcher } from '../src/domain/overrides.js';
import { RuleStats } from '../src/domain/rule-stats.js';
import { TYPE_NAMES } from '../src/domain/types.js';
import { LABELS, loadLabeled, serviceRoot, type Label, type LabeledName } from './lib/dataset.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const BITS = arg('bits', 18);
const EPOCHS = arg('epochs', 6);
const LR = arg('lr', 0.2);
const L2 = arg('l2', 2e-6);
const NOISY_WEIGHT = arg('noisy', 0.15);

// --target subtype trains the BUSINESS subtype model instead (business / nonprofit / financial_institution),
// on clean BUSINESS names, written to data/subtype-model*.
const SUBTYPE = process.argv.includes('--target') && process.argv[process.argv.indexOf('--target') + 1] === 'subtype';
const SUBTYPE_CLASSES = ['business', 'nonprofit', 'financial_institution'];
const lex = Lexicons.load();
const loaded = await loadLabeled();
// In subtype mode the "label" is the subtype (kept in the same field so the weighting code is shared).
const all = SUBTYPE
  ? loaded.filter((r) => r.label === 'BUSINESS' && r.quality === 'clean' && SUBTYPE_CLASSES.includes(r.subtype)).map((r) => ({ ...r, label: r.subtype as Label }))
  : loaded;
const CLASS_NAMES: readonly string[] = SUBTYPE ? SUBTYPE_CLASSES : LABELS;
const train = all.filter((r) => r.split === 'train');
const calib = all.filter((r) => r.split === 'calib');

// Sample weights: every class weighs the same; within a class each source weighs ∝ sqrt(its size).
const count = new Map<string, number>();
for (const r of train) count.set(`${r.label}|${r.source}`, (count.get(`${r.label}|${r.source}`) ?? 0) + 1);
const classMass = new Map<string, number>();
for (const [k, n] of count) classMass.set(k.split('|')[0]!, (classMass.get(k.split('|')[0]!) ?? 0) + Math.sqrt(n));
const weightOf = (r: LabeledName) => {
  const n = count.get(`${r.label}|${r.source}`)!;
  const w = (Math.sqrt(n) / classMass.get(r.label)! / n) * (train.length / CLASS_NAMES.length);
  return r.quality === 'noisy' ? w * NOISY_WEIGHT : w;
};

// Features once.
const mask = (1 << BITS) - 1;
const scratch = new Uint32Array(MAX_FEATURES);
const offsets = new Uint32Array(train.length + 1);
const featureChunks: Uint32Array[] = [];
let total = 0;
const matcher = new ExclusionMatcher(defaultExclusionRuleData(), 'default');
for (let i = 0; i < train.length; i++) {
  const n = extractFeatures(train[i]!.norm, lex, scratch, modelHitKeys(collectRuleHits(train[i]!.norm, lex, matcher)));
  const f = new Uint32Array(n);
  for (let k = 0; k < n; k++) f[k] = scratch[k]! & mask;
  featureChunks.push(f);
  total += n;
  offsets[i + 1] = total;
}
const features = new Uint32Array(total);
featureChunks.forEach((f, i) => features.set(f, offsets[i]!));
featureChunks.length = 0;
const labels = new Uint8Array(train.map((r) => CLASS_NAMES.indexOf(r.label)));
const weights = new Float32Array(train.map(weightOf));

const W = new Float32Array((1 << BITS) * NUM_CLASSES);
const G = new Float32Array(W.length).fill(1e-8);
const bias = new Float64Array(NUM_CLASSES);
const biasG = new Float64Array(NUM_CLASSES).fill(1e-8);

// Deterministic shuffle (xorshift32).
let seed = 0x9e3779b9;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
const order = Uint32Array.from({ length: train.length }, (_, i) => i);
const z = new Float64Array(NUM_CLASSES);
const started = performance.now();
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  let loss = 0;
  for (const i of order) {
    const a = offsets[i]!;
    const b = offsets[i + 1]!;
    for (let c = 0; c < NUM_CLASSES; c++) z[c] = bias[c]!;
    for (let k = a; k < b; k++) {
      const o = features[k]! * NUM_CLASSES;
      z[0] += W[o]!;
      z[1] += W[o + 1]!;
      z[2] += W[o + 2]!;
    }
    const m = Math.max(z[0]!, z[1]!, z[2]!);
    let s = 0;
    for (let c = 0; c < NUM_CLASSES; c++) s += (z[c] = Math.exp(z[c]! - m));
    const y = labels[i]!;
    const w = weights[i]!;
    loss -= w * Math.log(z[y]! / s);
    for (let c = 0; c < NUM_CLASSES; c++) {
      const g = w * (z[c]! / s - (c === y ? 1 : 0));
      biasG[c]! += g * g;
      bias[c]! -= (LR * g) / Math.sqrt(biasG[c]!);
      for (let k = a; k < b; k++) {
        const o = features[k]! * NUM_CLASSES + c;
        const gg = g + L2 * W[o]!;
        G[o]! += gg * gg;
        W[o]! -= (LR * gg) / Math.sqrt(G[o]!);
      }
    }
  }
  console.error(`epoch ${epoch + 1}/${EPOCHS}: weighted loss ${(loss / train.length).toFixed(4)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

// Quantize to int16.
let maxAbs = 0;
for (let i = 0; i < W.length; i++) maxAbs = Math.max(maxAbs, Math.abs(W[i]!));
const scale = maxAbs / 32767;
const q = new Int16Array(W.length);
for (let i = 0; i < W.length; i++) q[i] = Math.round(W[i]! / scale);
const deq = new Float32Array(q.length);
for (let i = 0; i < q.length; i++) deq[i] = q[i]! * scale;
const digest = createHash('sha256').update(Buffer.from(q.buffer)).digest('hex').slice(0, 12);

const meta: ModelMeta = {
  version: `model-${digest}`,
  bits: BITS,
  scale,
  bias: [...bias],
  calibration: { x: [], y: [] },
  trainedOn: {
    file: 'labeled/payee-names-train.csv.gz',
    split: 'train (fnv1a("split:" + normalized name) % 100 >= 30)',
    names: train.length,
    epochs: EPOCHS,
    learningRate: LR,
    l2: L2,
    noisyWeight: NOISY_WEIGHT,
    classes: MODEL_CLASSES.map((c) => TYPE_NAMES[c]),
  },
};

if (SUBTYPE) {
  meta.version = `subtype-${digest}`;
  meta.trainedOn.classes = SUBTYPE_CLASSES;
  const sub = new NameModel(meta, deq, lex);
  let ok = 0;
  for (const r of calib) {
    const s = sub.score(r.norm, modelHitKeys(collectRuleHits(r.norm, lex, matcher)));
    if (SUBTYPE_CLASSES[s.best] === r.label) ok++;
  }
  meta.trainedOn.calibAccuracy = Number((ok / calib.length).toFixed(4));
  writeFileSync(`${serviceRoot}data/subtype-model-weights.bin`, Buffer.from(q.buffer));
  writeFileSync(`${serviceRoot}data/subtype-model.json`, `${JSON.stringify(meta, null, 1)}\n`);
  console.log(JSON.stringify({ version: meta.version, bits: BITS, trainNames: train.length, calibNames: calib.length, calibAccuracy: meta.trainedOn.calibAccuracy }));
  process.exit(0);
}

// Isotonic calibration on the calibration split, over the names the rule tiers leave to the model.
const model = new NameModel(meta, deq, lex);
const classifier = new PayeeClassifier({
  lex, model, stats: RuleStats.load(), exclusions: matcher, overrides: new OverrideMatcher([]), minRulePrecision: 0.999,
});
// Decision offsets: per-class additions to the logits that maximize macro accuracy (mean per-class recall)
// on the clean calibration names, with the rule-decided names fixed. Two numbers, fitted on calib only.
const fixed = { n: [0, 0, 0], ok: [0, 0, 0] };
const open: Array<{ p: [number, number, number]; y: number; clean: boolean }> = [];
for (const r of calib) {
  const out = classifier.classify(r.name, { skipIndustry: true });
  const y = LABELS.indexOf(r.label);
  if (!out.model) {
    if (r.quality === 'clean') {
      fixed.n[y]!++;
      if (TYPE_NAMES[out.classification.payeeType] === r.label) fixed.ok[y]!++;
    }
    continue;
  }
  open.push({ p: out.model.probs, y, clean: r.quality === 'clean' });
}
const argmaxWith = (p: readonly number[], d0: number, d2: number) => {
  const a = Math.log(p[0]! + 1e-12) + d0;
  const b = Math.log(p[1]! + 1e-12);
  const c = Math.log(p[2]! + 1e-12) + d2;
  return a >= b ? (a >= c ? 0 : 2) : b >= c ? 1 : 2;
};
// Among offsets within 0.05 points of the best macro accuracy, the smallest ones (least prior shift).
const grid: Array<{ macro: number; d0: number; d2: number }> = [];
for (let d0 = -1.5; d0 <= 1.5001; d0 += 0.1) {
  for (let d2 = -1.5; d2 <= 4.0001; d2 += 0.1) {
    const n = [...fixed.n];
    const ok = [...fixed.ok];
    for (const o of open) {
      if (!o.clean) continue;
      n[o.y]!++;
      if (argmaxWith(o.p, d0, d2) === o.y) ok[o.y]!++;
    }
    grid.push({ macro: (ok[0]! / n[0]! + ok[1]! / n[1]! + ok[2]! / n[2]!) / 3, d0: Number(d0.toFixed(2)), d2: Number(d2.toFixed(2)) });
  }
}
const top = Math.max(...grid.map((g) => g.macro));
const chosen = grid.filter((g) => g.macro >= top - 0.0005).sort((a, b) => Math.abs(a.d0) + Math.abs(a.d2) - (Math.abs(b.d0) + Math.abs(b.d2)))[0]!;
const bestOffsets: [number, number] = [chosen.d0, chosen.d2];
const bestMacro = chosen.macro;
meta.bias[0]! += bestOffsets[0];
meta.bias[2]! += bestOffsets[1];
meta.trainedOn.decisionOffsets = bestOffsets;
meta.trainedOn.calibMacroAccuracy = Number(bestMacro.toFixed(4));

// Isotonic calibration of the (offset) top probability, on the calibration names the model decides.
const pairs: Array<[number, number]> = [];
let calibCorrect = 0;
for (const o of open) {
  const z = [Math.log(o.p[0] + 1e-12) + bestOffsets[0], Math.log(o.p[1] + 1e-12), Math.log(o.p[2] + 1e-12) + bestOffsets[1]];
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e[0]! + e[1]! + e[2]!;
  const best = argmaxWith(o.p, bestOffsets[0], bestOffsets[1]);
  const ok = best === o.y ? 1 : 0;
  calibCorrect += ok;
  pairs.push([e[best]! / sum, ok]);
}
pairs.sort((a, b) => a[0] - b[0]);
// Pool adjacent violators over blocks.
const blocks: Array<{ sum: number; n: number; lo: number; hi: number }> = [];
for (const [p, ok] of pairs) {
  blocks.push({ sum: ok, n: 1, lo: p, hi: p });
  while (blocks.length > 1 && blocks[blocks.length - 2]!.sum / blocks[blocks.length - 2]!.n >= blocks[blocks.length - 1]!.sum / blocks[blocks.length - 1]!.n) {
    const b = blocks.pop()!;
    const a = blocks[blocks.length - 1]!;
    a.sum += b.sum;
    a.n += b.n;
    a.hi = b.hi;
  }
}
// Knots at block midpoints, with a light prior toward the block's raw probability for tiny blocks.
const x: number[] = [];
const y: number[] = [];
for (const b of blocks) {
  const mid = (b.lo + b.hi) / 2;
  const v = (b.sum + 2 * mid) / (b.n + 2);
  if (x.length > 0 && mid <= x[x.length - 1]!) continue;
  x.push(Number(mid.toFixed(6)));
  y.push(Number(Math.max(y[y.length - 1] ?? 0, v).toFixed(6)));
}
meta.calibration = { x, y };
meta.trainedOn.calibrationNames = pairs.length;
meta.trainedOn.calibrationAccuracy = Number((calibCorrect / Math.max(1, pairs.length)).toFixed(4));

writeFileSync(`${serviceRoot}data/model-weights.bin`, Buffer.from(q.buffer));
writeFileSync(`${serviceRoot}data/model.json`, `${JSON.stringify(meta, null, 1)}\n`);
console.log(JSON.stringify({ version: meta.version, bits: BITS, trainNames: train.length, calibModelNames: pairs.length, calibModelAccuracy: meta.trainedOn.calibrationAccuracy, offsets: bestOffsets, calibMacro: meta.trainedOn.calibMacroAccuracy, knots: x.length }));
