// The statistical tier: multinomial logistic regression over hashed features of the normalized name
// (character 2-5-grams, words, word pairs, first/last word, and the name's lexicon shape such as
// "first-name initial surname"). The artifact (data/model.json + data/model-weights.bin) is trained by
// scripts/train-model.ts; scoring is a few hundred integer hashes and float adds, no allocation beyond
// one scratch buffer.
import { readFileSync } from 'node:fs';
import { PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { FNV_OFFSET, fnvChar, fnvString } from './hash.js';
import { DATA_DIR, type Lexicons } from './lexicons.js';
import type { NormalizedName } from './normalize.js';

/** The classes, in weight-matrix column order. */
export const MODEL_CLASSES = [PayeeType.PAYEE_TYPE_INDIVIDUAL, PayeeType.PAYEE_TYPE_BUSINESS, PayeeType.PAYEE_TYPE_GOVERNMENT] as const;
export const NUM_CLASSES = 3;

const SEED_CHAR = FNV_OFFSET ^ 0x5bd1e995;
const SEED_WORD = FNV_OFFSET ^ 0x1b873593;
const SEED_FIRST = FNV_OFFSET ^ 0x2c1b3c6d;
const SEED_LAST = FNV_OFFSET ^ 0x297a2d39;
const SEED_PAIR = FNV_OFFSET ^ 0x6b43a9b5;
const SEED_SHAPE = FNV_OFFSET ^ 0x3c6ef372;
const SEED_LEX = FNV_OFFSET ^ 0x7f4a7c15;
const SEED_HIT = FNV_OFFSET ^ 0x165667b1;

/** Lexicon class of one word, used in shape features. */
function wordClass(token: string, lex: Lexicons): number {
  if (token.length === 1) return 1; // initial
  if (lex.orgWords.has(token)) return 2;
  let hasDigit = false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      hasDigit = true;
      break;
    }
  }
  if (hasDigit) return 3;
  const s = lex.names.get(token);
  if (!s) return 4; // unknown word
  const first = s.firstCount >= 20_000 ? 2 : s.firstCount >= 1_000 ? 1 : 0;
  const sur = s.surnameRank > 0 && s.surnameRank <= 5_000 ? 2 : s.surnameRank > 0 ? 1 : 0;
  return 5 + first * 3 + sur; // 5..13
}

export const MAX_FEATURES = 512;

/**
 * Writes the feature hashes of a name into `out` (unsigned 32-bit values) and returns how many.
 * Stops at `out.length`.
 */
export function extractFeatures(norm: NormalizedName, lex: Lexicons, out: Uint32Array, hitKeys: readonly string[] = []): number {
  let n = 0;
  const cap = out.length;
  const tokens = norm.tokens;
  const text = `<${norm.display}>`;
  const len = text.length;
  // Character n-grams, n = 2..5, including the boundary marks.
  for (let i = 0; i < len - 1 && n < cap; i++) {
    let h = SEED_CHAR;
    h = fnvChar(h, text.charCodeAt(i));
    const end = Math.min(len, i + 5);
    for (let j = i + 1; j < end && n < cap; j++) {
      h = fnvChar(h, text.charCodeAt(j));
      out[n++] = h >>> 0;
    }
  }
  const nt = tokens.length;
  let shape = SEED_SHAPE;
  for (let t = 0; t < nt && n < cap - 4; t++) {
    const tok = tokens[t]!;
    out[n++] = fnvString(SEED_WORD, tok) >>> 0;
    if (t + 1 < nt) out[n++] = fnvString(fnvChar(fnvString(SEED_PAIR, tok), 32), tokens[t + 1]!) >>> 0;
    const cls = wordClass(tok, lex);
    // Word class by position: first word, last word, any word.
    const pos = t === 0 ? 1 : t === nt - 1 ? 2 : 3;
    out[n++] = fnvChar(fnvChar(SEED_LEX, pos), cls) >>> 0;
    if (t < 6) shape = fnvChar(shape, cls);
  }
  if (nt > 0 && n < cap - 4) {
    out[n++] = fnvString(SEED_FIRST, tokens[0]!) >>> 0;
    out[n++] = fnvString(SEED_LAST, tokens[nt - 1]!) >>> 0;
    // The whole shape: word classes in order, the comma position, the word count.
    shape = fnvChar(shape, 100 + (norm.commas.length > 0 ? norm.commas[0]! : 9));
    out[n++] = fnvChar(shape, 200 + Math.min(nt, 7)) >>> 0;
    out[n++] = fnvChar(fnvChar(SEED_SHAPE, 300 + Math.min(nt, 7)), norm.commas.length > 0 ? 1 : 0) >>> 0;
  }
  // What the rule tiers saw (rule ids and tier/type combinations), so the model learns how far to trust them.
  for (let k = 0; k < hitKeys.length && n < cap; k++) out[n++] = fnvString(SEED_HIT, hitKeys[k]!) >>> 0;
  return n;
}

export interface ModelMeta {
  version: string;
  bits: number;
  /** Multiply the stored int16 weights by this. */
  scale: number;
  bias: number[];
  /** Isotonic map from the raw top probability to P(correct), fitted on the calibration split. */
  calibration: { x: number[]; y: number[] };
  trainedOn: Record<string, unknown>;
}

export interface ModelScore {
  /** Probabilities per class (MODEL_CLASSES order). */
  probs: [number, number, number];
  best: number;
  /** The raw top probability. */
  raw: number;
  /** Calibrated probability that the best class is right. */
  confidence: number;
}

export class NameModel {
  private readonly mask: number;
  private readonly scratch = new Uint32Array(MAX_FEATURES);

  /** Quantized weights, bucket-major: q[bucket * 3 + class] · meta.scale. Kept as int16 (half the cache footprint). */
  private readonly q: Int16Array;

  constructor(
    readonly meta: ModelMeta,
    /** Weights, bucket-major: weights[bucket * 3 + class] (quantized to int16 with meta.scale on construction). */
    weights: Float32Array | Int16Array,
    private readonly lex: Lexicons,
  ) {
    this.mask = (1 << meta.bits) - 1;
    if (weights.length !== (1 << meta.bits) * NUM_CLASSES) throw new Error('model weights do not match the declared size');
    if (weights instanceof Int16Array) this.q = weights;
    else {
      this.q = new Int16Array(weights.length);
      for (let i = 0; i < weights.length; i++) this.q[i] = Math.max(-32767, Math.min(32767, Math.round(weights[i]! / meta.scale)));
    }
  }

  /** Loads `<name>.json` and `<name>-weights.bin` from the data directory. */
  static load(lex: Lexicons, dir = DATA_DIR, name = 'model'): NameModel {
    const meta = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as ModelMeta;
    const buf = readFileSync(`${dir}${name}-weights.bin`);
    const q = new Int16Array(buf.byteLength / 2);
    for (let i = 0; i < q.length; i++) q[i] = buf.readInt16LE(i * 2);
    return new NameModel(meta, q, lex);
  }

  /** Raw class scores (logits) into `z`. */
  logits(norm: NormalizedName, z: Float64Array, hitKeys: readonly string[] = []): void {
    const n = extractFeatures(norm, this.lex, this.scratch, hitKeys);
    this.logitsOf(this.scratch, n, z);
  }

  /** Logits of already extracted feature hashes (shared by models that use the same features). */
  logitsOf(f: Uint32Array, n: number, z: Float64Array): void {
    const w = this.q;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < n; i++) {
      const o = (f[i]! & this.mask) * 3;
      z0 += w[o]!;
      z1 += w[o + 1]!;
      z2 += w[o + 2]!;
    }
    const scale = this.meta.scale;
    z[0] = this.meta.bias[0]! + z0 * scale;
    z[1] = this.meta.bias[1]! + z1 * scale;
    z[2] = this.meta.bias[2]! + z2 * scale;
  }

  private readonly z = new Float64Array(3);

  score(norm: NormalizedName, hitKeys: readonly string[] = []): ModelScore {
    const n = extractFeatures(norm, this.lex, this.scratch, hitKeys);
    return this.scoreFeatures(this.scratch, n);
  }

  scoreFeatures(f: Uint32Array, n: number): ModelScore {
    const z = this.z;
    this.logitsOf(f, n, z);
    const m = Math.max(z[0]!, z[1]!, z[2]!);
    const e0 = Math.exp(z[0]! - m);
    const e1 = Math.exp(z[1]! - m);
    const e2 = Math.exp(z[2]! - m);
    const s = e0 + e1 + e2;
    const probs: [number, number, number] = [e0 / s, e1 / s, e2 / s];
    const best = probs[0] >= probs[1] ? (probs[0] >= probs[2] ? 0 : 2) : probs[1] >= probs[2] ? 1 : 2;
    const raw = probs[best];
    return { probs, best, raw, confidence: calibrate(this.meta.calibration, raw) };
  }
}

/** Piecewise-linear interpolation of an isotonic map (x ascending). */
export function calibrate(map: { x: number[]; y: number[] }, p: number): number {
  const { x, y } = map;
  if (x.length === 0) return p;
  if (p <= x[0]!) return y[0]!;
  if (p >= x[x.length - 1]!) return y[y.length - 1]!;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= p) lo = mid;
    else hi = mid;
  }
  const t = (p - x[lo]!) / (x[hi]! - x[lo]! || 1);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}
