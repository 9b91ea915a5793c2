// Linear-chain CRF inference: Viterbi for the best label sequence and forward–backward for per-token
// marginals and the probability of the chosen sequence (the parser's calibrated confidences). The model
// (model/address-crf.json) is trained by scripts/train_crf.py on features from ./features.ts.
import { readFileSync } from 'node:fs';
import { CONTEXT_FEATURES, digitSignature, intrinsicFeatures, intrinsicSignature, neighbourFeatures, pairKeyOf, visitFeatures, type FeatureContext, type FeatureVisitor } from './features.js';
import { LABELS } from './labels.js';
import type { Token } from './tokens.js';

const LABEL_LITERAL = new Map<string, string>(LABELS.map((l) => [l, l]));

interface ModelFile {
  format: string;
  labels: string[];
  transitions: number[][];
  /** attribute → flat [labelIndex, weight, labelIndex, weight, …] */
  features: Record<string, number[]>;
  /** Temperature for probabilities (fitted on cross-validation folds by scripts/fit-temperature.ts); 1 if absent. */
  temperature?: number;
}

export interface Tagging {
  /** Label index per token. */
  labels: number[];
  /** Marginal probability of the chosen label, per token. */
  marginals: number[];
  /** Probability of the whole chosen sequence under the model. */
  sequenceProbability: number;
  /**
   * Probability of the chosen reading: the chosen sequence plus the sequences that differ from it only by
   * naming a secondary unit Subaddress… instead of Occupancy… or back (the training data labels "FL 25"
   * both ways; either gives the same fields and standardized line).
   */
  readingProbability: number;
}


/** Slot (offset + 2) of a neighbour feature prefix. */
const SLOT_OF_PREFIX: Record<string, number> = { p2: 0, p1: 1, n1: 3, n2: 4 };

/**
 * The model's feature weights live in one pool (L1 training leaves ~2 labels per feature): pool index k
 * holds label poolLabel[k], weight poolW[k] and its probability factor poolE[k] = exp(w / temperature).
 * A feature is a range of the pool, referenced as start * 32 + length (length ≤ 28 labels), or -1.
 */
const NO_REF = -1;
/** Distinct weighted-feature lists kept with their sums (cleared when full; ~750 on the benchmark inputs). */
const MAX_FEATURE_LISTS = 50_000;
/** Context-feature combinations kept with their summed weights (cleared when full). */
const MAX_CONTEXT_COMBOS = 8192;

function sameIds(a: Int32Array, b: Int32Array, count: number): boolean {
  if (a.length !== count) return false;
  for (let k = 0; k < count; k++) if (a[k] !== b[k]) return false;
  return true;
}
const refOf = (start: number, length: number) => start * 32 + length;

/**
 * A token's intrinsic feature weights summed per slot (offset d = -2…2 at slot d + 2; slot 2 is the
 * token itself), packed in one plain array (cheap to allocate, contiguous to read): p[s] … p[s + 1] are
 * the triple offsets of slot s; triples are (label, weight, exp(weight / temperature)).
 */
interface TokenWeights {
  packed: number[];
  /** What the word-pair feature keeps of this token (its word, or its shape). */
  pairKey: string;
}

class ScoreVisitor implements FeatureVisitor {
  score = new Float64Array(0);
  /** exp(score / temperature), accumulated as a product alongside the score. */
  emit = new Float64Array(0);
  tokens: Token[] = [];
  cached: TokenWeights[] = [];
  constructor(
    private readonly L: number,
    private readonly temperature: number,
    private readonly poolLabel: Int32Array,
    private readonly poolW: Float64Array,
    private readonly poolE: Float64Array,
    private readonly contextRef: Int32Array,
    private readonly pairRef: Map<string, Map<string, number>>,
  ) {
    this.comboSum = new Float64Array(L);
    this.comboSeen = new Uint8Array(L);
  }

  token(i: number, j: number, d: number): void {
    const p = this.cached[j]!.packed;
    const slot = d + 2;
    const end = p[slot + 1]!;
    const row = i * this.L;
    const score = this.score;
    const emit = this.emit;
    for (let k = p[slot]!; k < end; k += 3) {
      const at = row + p[k]!;
      score[at]! += p[k + 1]!;
      emit[at]! *= p[k + 2]!;
    }
  }

  /**
   * Context features arrive one by one for the current token; their summed weights are looked up per
   * distinct combination (the same few thousand recur across addresses) when the token is complete.
   */
  context(i: number, id: number): void {
    if (i !== this.ctxToken) this.flushContext();
    this.ctxToken = i;
    const ref = this.contextRef[id]!;
    if (ref === NO_REF) return;
    if (this.ctxCount === this.ctxIds.length) {
      // More context features than the combination key holds (not with today's features): add directly.
      this.addRange(i, ref);
      return;
    }
    this.ctxIds[this.ctxCount++] = id;
    this.ctxHash = (Math.imul(this.ctxHash, 0x01000193) ^ (id + 1)) | 0;
  }

  /** Adds the current token's context features (a cached combination, or one by one). */
  flushContext(): void {
    const i = this.ctxToken;
    const count = this.ctxCount;
    this.ctxToken = -1;
    this.ctxCount = 0;
    const hash = this.ctxHash;
    this.ctxHash = 0x811c9dc5;
    if (i < 0 || count === 0) return;
    const combos = this.combos;
    let combo = combos.get(hash);
    if (combo !== undefined && !sameIds(combo.ids, this.ctxIds, count)) {
      // A hash collision: add the features one by one.
      for (let k = 0; k < count; k++) this.addRange(i, this.contextRef[this.ctxIds[k]!]!);
      return;
    }
    if (combo === undefined) {
      combo = this.combine(count);
      if (combos.size >= MAX_CONTEXT_COMBOS) combos.clear();
      combos.set(hash, combo);
    }
    const p = combo.packed;
    const row = i * this.L;
    const score = this.score;
    const emit = this.emit;
    for (let k = 0; k < p.length; k += 3) {
      const at = row + p[k]!;
      score[at]! += p[k + 1]!;
      emit[at]! *= p[k + 2]!;
    }
  }

  private combine(count: number): { ids: Int32Array; packed: number[] } {
    const sum = this.comboSum;
    sum.fill(0);
    const seen = this.comboSeen;
    seen.fill(0);
    for (let k = 0; k < count; k++) {
      const ref = this.contextRef[this.ctxIds[k]!]!;
      for (let q = ref >> 5, end = (ref >> 5) + (ref & 31); q < end; q++) {
        sum[this.poolLabel[q]!]! += this.poolW[q]!;
        seen[this.poolLabel[q]!] = 1;
      }
    }
    const packed: number[] = [];
    for (let l = 0; l < this.L; l++) if (seen[l]) packed.push(l, sum[l]!, Math.exp(sum[l]! / this.temperature));
    return { ids: this.ctxIds.slice(0, count), packed };
  }

  private ctxToken = -1;
  private ctxCount = 0;
  private ctxHash = 0x811c9dc5;
  private readonly ctxIds = new Int32Array(64);
  private readonly combos = new Map<number, { ids: Int32Array; packed: number[] }>();
  private readonly comboSum: Float64Array;
  private readonly comboSeen: Uint8Array;

  pair(i: number): void {
    const ref = this.pairRef.get(this.tokens[i - 1]!.norm)?.get(this.cached[i]!.pairKey);
    if (ref !== undefined) this.addRange(i, ref);
  }

  private addRange(i: number, ref: number): void {
    const start = ref >> 5;
    const end = start + (ref & 31);
    const row = i * this.L;
    const score = this.score;
    const emit = this.emit;
    const label = this.poolLabel;
    const w = this.poolW;
    const e = this.poolE;
    for (let k = start; k < end; k++) {
      const at = row + label[k]!;
      score[at]! += w[k]!;
      emit[at]! *= e[k]!;
    }
  }
}

export class CrfModel {
  readonly labels: string[];
  readonly labelIndex: Map<string, number>;
  private readonly L: number;
  private readonly trans: Float64Array;
  /** Probabilities come from scores / temperature (the best path does not depend on it). */
  readonly temperature: number;
  /** Feature string → pool reference (see refOf). */
  private readonly weights = new Map<string, number>();
  private readonly poolLabel: Int32Array;
  private readonly poolW: Float64Array;
  private readonly poolE: Float64Array;
  /** Feature (without offset prefix) → its pool references by slot (offset + 2), for summing a new token's features. */
  private readonly featureRows = new Map<string, Int32Array>();
  private readonly sumScratch: Float64Array;
  /** Summed intrinsic weights by the token's list of weighted features (see tokenWeights). */
  private readonly packedByFeatures = new Map<string, number[]>();
  /** Weights of letterless tokens by signature (a few dozen shapes). */
  private readonly bySignature = new Map<string, TokenWeights>();
  private readonly visitor: ScoreVisitor;

  constructor(model: ModelFile) {
    if (model.format !== 'clarity-address-crf/1') throw new Error(`unsupported model format ${model.format}`);
    // The source literals of labels.ts are internalized strings; labels read from the model's JSON are not,
    // and every `t.label === 'StreetName'` downstream (parser, standardization, verdict) would then compare
    // characters in a builtin call instead of pointers. Same text either way.
    this.labels = model.labels.map((l) => LABEL_LITERAL.get(l) ?? l);
    this.L = model.labels.length;
    this.labelIndex = new Map(model.labels.map((l, i) => [l, i]));
    this.sumScratch = new Float64Array(this.L);
    this.trans = new Float64Array(this.L * this.L);
    model.transitions.forEach((row, a) => row.forEach((w, b) => (this.trans[a * this.L + b] = w)));
    this.temperature = model.temperature && model.temperature > 0 ? model.temperature : 1;
    const t = this.temperature;
    // Sparse transitions: exp(T/t) = 1 + S, S = expm1(T/t) where T is not 0.
    const L = this.L;
    if (L > 32) throw new Error('at most 32 labels (zero-transition masks are 32-bit)');
    const colStart = new Int32Array(L + 1);
    const rowStart = new Int32Array(L + 1);
    const zeroMask = new Uint32Array(L);
    const entries: Array<[number, number]> = [];
    for (let x = 0; x < L; x++) for (let y = 0; y < L; y++) {
      if (this.trans[x * L + y] === 0) zeroMask[y] = (zeroMask[y]! | (1 << x)) >>> 0;
      else entries.push([x, y]);
    }
    const T = (x: number, y: number) => this.trans[x * L + y]!;
    const byCol = [...entries].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const colFrom = new Int32Array(byCol.length);
    const colS = new Float64Array(byCol.length);
    byCol.forEach(([x, y], p) => {
      colFrom[p] = x;
      colS[p] = Math.expm1(T(x, y) / t);
      colStart[y + 1]! += 1;
    });
    const vit = [...entries].sort((a, b) => a[1] - b[1] || T(b[0], b[1]) - T(a[0], a[1]) || a[0] - b[0]);
    const vitFrom = new Int32Array(vit.length);
    const vitT = new Float64Array(vit.length);
    vit.forEach(([x, y], p) => {
      vitFrom[p] = x;
      vitT[p] = T(x, y);
    });
    const rowTo = new Int32Array(entries.length);
    const rowS = new Float64Array(entries.length);
    entries.forEach(([x, y], p) => {
      rowTo[p] = y;
      rowS[p] = Math.expm1(T(x, y) / t);
      rowStart[x + 1]! += 1;
    });
    for (let k = 0; k < L; k++) {
      colStart[k + 1]! += colStart[k]!;
      rowStart[k + 1]! += rowStart[k]!;
    }
    this.viterbiStep = compileViterbiStep(L, zeroMask, colStart, vitFrom, vitT);
    this.forwardStep = compileForwardStep(L, colStart, colFrom, colS);
    this.backwardStep = compileBackwardStep(L, rowStart, rowTo, rowS);
    const attrs = Object.entries(model.features);
    const size = attrs.reduce((n, [, flat]) => n + flat.length / 2, 0);
    this.poolLabel = new Int32Array(size);
    this.poolW = new Float64Array(size);
    this.poolE = new Float64Array(size);
    const pairRef = new Map<string, Map<string, number>>();
    let at = 0;
    for (const [attr, flat] of attrs) {
      const k = flat.length / 2;
      const ref = refOf(at, k);
      for (let j = 0; j < k; j++, at++) {
        this.poolLabel[at] = flat[2 * j]!;
        this.poolW[at] = flat[2 * j + 1]!;
        this.poolE[at] = Math.exp(flat[2 * j + 1]! / this.temperature);
      }
      this.weights.set(attr, ref);
      const prefixed = /^(p2|p1|n1|n2):/.exec(attr);
      const base = prefixed ? attr.slice(3) : attr;
      let row = this.featureRows.get(base);
      if (!row) this.featureRows.set(base, (row = new Int32Array(5).fill(NO_REF)));
      row[prefixed ? SLOT_OF_PREFIX[prefixed[1]!]! : 2] = ref;
      if (attr.startsWith('pw=')) {
        // "pw=<previous norm>|<word or shape>": the second part never holds "|".
        const bar = attr.lastIndexOf('|');
        const prev = attr.slice(3, bar);
        let m = pairRef.get(prev);
        if (!m) pairRef.set(prev, (m = new Map()));
        m.set(attr.slice(bar + 1), ref);
      }
    }
    const contextRef = Int32Array.from(CONTEXT_FEATURES, (f) => this.weights.get(f) ?? NO_REF);
    this.visitor = new ScoreVisitor(this.L, this.temperature, this.poolLabel, this.poolW, this.poolE, contextRef, pairRef);
  }

  static load(path: URL | string = new URL('../../../model/address-crf.json', import.meta.url), temperature?: number): CrfModel {
    const file = JSON.parse(readFileSync(path, 'utf8')) as ModelFile;
    return new CrfModel(temperature === undefined ? file : { ...file, temperature });
  }

  /** Appends to `packed` the sum of the weights of `features` as seen from `slot`, as (label, w, e) triples. */
  private packSum(features: readonly string[], slot: number, packed: number[]): void {
    const sum = this.sumScratch;
    let any = false;
    for (const f of features) {
      const ref = this.featureRows.get(f)?.[slot] ?? NO_REF;
      if (ref === NO_REF) continue;
      if (!any) sum.fill(0);
      any = true;
      for (let k = ref >> 5, end = (ref >> 5) + (ref & 31); k < end; k++) sum[this.poolLabel[k]!]! += this.poolW[k]!;
    }
    if (!any) return;
    for (let l = 0; l < this.L; l++) if (sum[l] !== 0) packed.push(l, sum[l]!, Math.exp(sum[l]! / this.temperature));
  }

  /**
   * Weights of a token's intrinsic features, own and as seen by neighbours, summed once per distinct text
   * (kept on the token's lexeme) or per signature, for tokens whose features do not depend on their exact
   * text (numbers: see intrinsicSignature).
   */
  private tokenWeights(t: Token, ctx: FeatureContext): TokenWeights {
    const lx = t.lexeme;
    if (lx.modelOwner === this) return lx.modelData as TokenWeights;
    const signature = lx.digits ? digitSignature(t, ctx) : intrinsicSignature(t, ctx);
    let tw = signature === undefined ? undefined : this.bySignature.get(signature);
    if (tw === undefined) {
      const own = intrinsicFeatures(t, ctx);
      // Most words share their weighted features with many others (the model keeps few words), so the
      // sums are kept once per list of weighted features: a few hundred lists instead of thousands of
      // copies, small enough to stay in cache. The sums are a function of that list alone.
      let key = '';
      for (const f of own) if (this.featureRows.has(f)) key = key === '' ? f : `${key} ${f}`;
      let packed = this.packedByFeatures.get(key);
      if (packed === undefined) {
        const seen = neighbourFeatures(own);
        packed = [6, 6, 6, 6, 6, 6];
        for (let slot = 0; slot < 5; slot++) {
          this.packSum(slot === 2 ? own : seen, slot, packed);
          packed[slot + 1] = packed.length;
        }
        if (this.packedByFeatures.size >= MAX_FEATURE_LISTS) this.packedByFeatures.clear();
        this.packedByFeatures.set(key, packed);
      }
      tw = { packed, pairKey: pairKeyOf(t.norm) };
      if (signature !== undefined) this.bySignature.set(signature, tw);
    }
    if (!lx.digits) {
      lx.modelOwner = this;
      lx.modelData = tw;
    }
    return tw;
  }

  /** Per-token, per-label state scores (the sum of the weights of every feature), in a fresh array. */
  scores(tokens: Token[], ctx: FeatureContext): Float64Array {
    return this.scoreInto(tokens, ctx).slice(0, tokens.length * this.L);
  }

  /**
   * The same into a reused buffer (valid until the next call): a typed array of more than 64 bytes costs
   * V8 an off-heap allocation of several microseconds, more than scoring a short address.
   */
  private scoreInto(tokens: Token[], ctx: FeatureContext): Float64Array {
    const v = this.visitor;
    const size = tokens.length * this.L;
    if (this.scoreBuffer.length < size) {
      this.scoreBuffer = new Float64Array(Math.max(size, 64 * this.L));
      this.emitBuffer = new Float64Array(this.scoreBuffer.length);
    }
    const score = this.scoreBuffer;
    score.fill(0, 0, size);
    this.emitBuffer.fill(1, 0, size);
    v.score = score;
    v.emit = this.emitBuffer;
    v.tokens = tokens;
    const cached = v.cached;
    cached.length = tokens.length;
    for (let i = 0; i < tokens.length; i++) cached[i] = this.tokenWeights(tokens[i]!, ctx);
    visitFeatures(tokens, ctx, v);
    v.flushContext();
    v.tokens = [];
    return score;
  }

  private scoreBuffer = new Float64Array(0);
  private emitBuffer = new Float64Array(0);

  /** Scores from plain feature strings (consistency checks against the training export). */
  scoresFromFeatures(n: number, features: (emit: (i: number, f: string) => void) => void): Float64Array {
    const L = this.L;
    const score = new Float64Array(n * L);
    features((i, f) => {
      const ref = this.weights.get(f);
      if (ref === undefined) return;
      for (let k = ref >> 5, end = (ref >> 5) + (ref & 31); k < end; k++) score[i * L + this.poolLabel[k]!]! += this.poolW[k]!;
    });
    return score;
  }

  /**
   * Tags `tokens`. `allowed[i]`, when given, restricts token i to a set of label indexes (structured
   * input: the caller said which field the token came from).
   */
  tag(tokens: Token[], ctx: FeatureContext, allowed?: Array<ReadonlySet<number> | undefined>): Tagging {
    const n = tokens.length;
    const L = this.L;
    if (n === 0) return { labels: [], marginals: [], sequenceProbability: 1, readingProbability: 1 };
    const score = this.scoreInto(tokens, ctx);
    const emit = this.emitBuffer;
    if (allowed) {
      for (let i = 0; i < n; i++) {
        const set = allowed[i];
        if (!set || set.size === 0) continue;
        for (let l = 0; l < L; l++) {
          if (set.has(l)) continue;
          score[i * L + l] = -1e9;
          emit[i * L + l] = 0;
        }
      }
    }
    return this.decode(score, emit, n);
  }

  /**
   * Exact Viterbi and forward–backward over all labels. L1 training leaves most transition weights at
   * exactly 0 (659 of 784), so exp(T/temperature) = 1 + S with S sparse: a step of the forward pass is the
   * previous column's sum plus the sparse corrections, O(L + nnz) instead of O(L²); likewise backward and,
   * for Viterbi, "the best previous label with a zero transition" plus the sparse ones. Ties go to the
   * lower label index, as a plain dense Viterbi would choose. `emit` holds exp(score / temperature),
   * accumulated by scoring as products of per-feature factors, so decoding computes no exponential. Each
   * step runs as code generated for this model's transitions (compileViterbiStep, compileForwardStep,
   * compileBackwardStep: constants instead of index arrays, ~2.5× faster than the loops over them).
   */
  decode(score: Float64Array, emit: Float64Array, n: number): Tagging {
    const L = this.L;
    const b = this.buffers(n);
    const { delta, back, alpha, beta, scale } = b;
    const viterbiStep = this.viterbiStep;
    const forwardStep = this.forwardStep;
    const backwardStep = this.backwardStep;
    // Position 0.
    let z = 0;
    for (let y = 0; y < L; y++) {
      delta[y] = score[y]!;
      z += emit[y]!;
    }
    scale[0] = z;
    for (let y = 0; y < L; y++) alpha[y] = emit[y]! / z;
    for (let i = 1; i < n; i++) {
      const po = (i - 1) * L;
      const o = i * L;
      viterbiStep(delta, back, score, po, o);
      // Forward: the previous column sums to 1 (normalized), the "1" of 1 + S; then S's entries.
      z = forwardStep(alpha, emit, po, o);
      scale[i] = z;
      const inv = 1 / z;
      for (let y = 0; y < L; y++) alpha[o + y]! *= inv;
    }
    const last = (n - 1) * L;
    let yBest = 0;
    for (let y = 1; y < L; y++) if (delta[last + y]! > delta[last + yBest]!) yBest = y;
    const bestScore = delta[last + yBest]!;
    const labels = new Array<number>(n);
    labels[n - 1] = yBest;
    for (let i = n - 1; i > 0; i--) labels[i - 1] = back[i * L + labels[i]!]!;

    // Backward.
    for (let y = 0; y < L; y++) beta[last + y] = 1;
    for (let i = n - 2; i >= 0; i--) {
      backwardStep(beta, emit, i * L, 1 / scale[i + 1]!);
    }
    // log Z = Σ log scale (the emission factors are exp(score / T) themselves, unshifted).
    let logZ = 0;
    for (let i = 0; i < n; i++) logZ += Math.log(scale[i]!);
    const marginals = new Array<number>(n);
    for (let i = 0; i < n; i++) marginals[i] = Math.min(1, alpha[i * L + labels[i]!]! * beta[i * L + labels[i]!]!);
    const sequenceProbability = Math.min(1, Math.exp(bestScore / this.temperature - logZ));
    return { labels, marginals, sequenceProbability, readingProbability: this.readingProbability(labels, score, logZ, sequenceProbability) };
  }

  /** Label → its unit twin (SubaddressType ↔ OccupancyType, SubaddressIdentifier ↔ OccupancyIdentifier), or -1. */
  private unitTwinOf?: Int32Array;

  private readingProbability(labels: number[], score: Float64Array, logZ: number, sequenceProbability: number): number {
    const twin = (this.unitTwinOf ??= this.unitTwins());
    const at: number[] = [];
    for (let i = 0; i < labels.length && at.length <= 4; i++) if (twin[labels[i]!]! >= 0) at.push(i);
    if (at.length === 0 || at.length > 4) return sequenceProbability;
    const L = this.L;
    const alt = labels.slice();
    let total = sequenceProbability;
    // Every renaming of the k unit tokens (k ≤ 4) but the chosen one.
    for (let mask = 1; mask < 1 << at.length; mask++) {
      for (let b = 0; b < at.length; b++) alt[at[b]!] = mask & (1 << b) ? twin[labels[at[b]!]!]! : labels[at[b]!]!;
      let pathScore = score[alt[0]!]!;
      for (let i = 1; i < alt.length; i++) pathScore += this.trans[alt[i - 1]! * L + alt[i]!]! + score[i * L + alt[i]!]!;
      total += Math.exp(pathScore / this.temperature - logZ);
    }
    return Math.min(1, total);
  }

  private unitTwins(): Int32Array {
    const twin = new Int32Array(this.L).fill(-1);
    const pair = (a: string, b: string) => {
      const x = this.labelIndex.get(a);
      const y = this.labelIndex.get(b);
      if (x === undefined || y === undefined) return;
      twin[x] = y;
      twin[y] = x;
    };
    pair('SubaddressType', 'OccupancyType');
    pair('SubaddressIdentifier', 'OccupancyIdentifier');
    return twin;
  }

  /** Decodes plain scores (tests and tools): the emission factors are computed from them. */
  decodeScores(score: Float64Array, n: number): Tagging {
    const emit = score.map((v) => Math.exp(v / this.temperature));
    return this.decode(score, emit, n);
  }

  /** One Viterbi / forward / backward step, compiled for this model's sparse transitions (see compileForwardStep). */
  private readonly viterbiStep: ViterbiStepFunction;
  private readonly forwardStep: StepFunction;
  private readonly backwardStep: StepFunction;

  private scratch?: { n: number; delta: Float64Array; back: Int32Array; alpha: Float64Array; beta: Float64Array; scale: Float64Array };

  /** Reused lattice buffers (the service is single-threaded; a call never overlaps another). */
  private buffers(n: number) {
    const s = this.scratch;
    if (s && s.n >= n) return s;
    const cap = Math.max(n, 64);
    const L = this.L;
    this.scratch = {
      n: cap,
      delta: new Float64Array(cap * L), back: new Int32Array(cap * L),
      alpha: new Float64Array(cap * L), beta: new Float64Array(cap * L), scale: new Float64Array(cap),
    };
    return this.scratch;
  }
}

/** (lattice, emit, offset, extra) → number; see compileForwardStep / compileBackwardStep. */
type StepFunction = (lattice: Float64Array, emit: Float64Array, offset: number, extra: number) => number;

/**
 * The forward step for position i, specialized for the model's sparse transitions: straight-line code with
 * the previous column in locals and the S entries as constants (no index arrays to load, no inner loops),
 * the same additions in the same order as the generic loop (so bit-identical results). Fills
 * alpha[o + y] = (1 + Σ_x alpha[po + x] · S[x][y]) · emit[o + y] and returns their sum.
 * Called as step(alpha, emit, po, o). The code is generated from the model's numbers only.
 */
function compileForwardStep(L: number, colStart: Int32Array, colFrom: Int32Array, colS: Float64Array): StepFunction {
  const lines: string[] = [];
  for (let x = 0; x < L; x++) lines.push(`const a${x} = alpha[po + ${x}];`);
  lines.push('let z = 0;', 'let v = 0;');
  for (let y = 0; y < L; y++) {
    let acc = '1';
    for (let p = colStart[y]!; p < colStart[y + 1]!; p++) acc = `(${acc} + a${colFrom[p]} * ${num(colS[p]!)})`;
    lines.push(`v = ${acc} * emit[o + ${y}];`, `alpha[o + ${y}] = v;`, 'z += v;');
  }
  lines.push('return z;');
  return new Function('alpha', 'emit', 'po', 'o', lines.join('\n')) as StepFunction;
}

/**
 * The backward step for position i (the counterpart of compileForwardStep): with g[y] = emit[no + y] ·
 * beta[no + y] and sum = Σ g, fills beta[o + x] = (sum + Σ_y S[x][y] · g[y]) · inv. Called as
 * step(beta, emit, o, inv) with no = o + L; returns 0.
 */
function compileBackwardStep(L: number, rowStart: Int32Array, rowTo: Int32Array, rowS: Float64Array): StepFunction {
  const lines: string[] = ['let sum = 0;'];
  for (let y = 0; y < L; y++) lines.push(`const g${y} = emit[o + ${L + y}] * beta[o + ${L + y}];`, `sum += g${y};`);
  for (let x = 0; x < L; x++) {
    let acc = 'sum';
    for (let p = rowStart[x]!; p < rowStart[x + 1]!; p++) acc = `(${acc} + ${num(rowS[p]!)} * g${rowTo[p]})`;
    lines.push(`beta[o + ${x}] = ${acc} * inv;`);
  }
  lines.push('return 0;');
  return new Function('beta', 'emit', 'o', 'inv', lines.join('\n')) as StepFunction;
}

/** A finite double as JavaScript source that reads back as the same double. */
function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`non-finite transition factor ${x}`);
  return Object.is(x, -0) ? '-0' : `(${String(x)})`;
}

type ViterbiStepFunction = (delta: Float64Array, back: Int32Array, score: Float64Array, po: number, o: number) => void;

/**
 * How many of the previous column's best labels the Viterbi step ranks before choosing, per label y, the best
 * one with a zero transition into y. A label has at most 14 non-zero incoming transitions, but on the bench
 * inputs the best zero-transition label is among the top 2 in all but 2.7 of 28 labels per column, among the
 * top 4 in all but 0.5 (each miss costs a scan of the whole column). 3 and 6 measured the same as 4 within
 * this machine's noise.
 */
const VITERBI_TOP = 4;

/**
 * The Viterbi step for position i, specialized like compileForwardStep: for each label y, the best previous
 * label with a zero transition (one pass ranks the VITERBI_TOP best previous labels, which are tried in
 * order; a scan of the zero-transition set otherwise, only for labels with that many non-zero incoming
 * transitions), then every non-zero transition into y as straight-line code with its weight as a constant.
 * Ties go to the lower previous label, as a dense Viterbi scanning x upwards with ">" chooses (the ranking
 * keeps equal values in index order; the result does not depend on the order the candidates are tried in).
 * Called as step(delta, back, score, po, o).
 */
function compileViterbiStep(L: number, zeroMask: Uint32Array, vitStart: Int32Array, vitFrom: Int32Array, vitT: Float64Array): ViterbiStepFunction {
  const K = Math.min(VITERBI_TOP, L);
  const lines: string[] = [];
  const used = new Set<number>();
  for (let p = 0; p < vitFrom.length; p++) used.add(vitFrom[p]!);
  for (const x of [...used].sort((a, b) => a - b)) lines.push(`const d${x} = delta[po + ${x}];`);
  // Ranking: r0 … r(K-1) are label indexes by decreasing delta (w0 … their values); -1 while unfilled.
  for (let k = 0; k < K; k++) lines.push(`let r${k} = -1;`, `let w${k} = 0;`);
  lines.push(`for (let x = 0; x < ${L}; x++) {`, '  const v = delta[po + x];', `  if (r${K - 1} >= 0 && !(v > w${K - 1})) continue;`);
  for (let k = 0; k < K; k++) {
    const shift: string[] = [];
    for (let q = K - 1; q > k; q--) shift.push(`r${q} = r${q - 1}; w${q} = w${q - 1};`);
    lines.push(`  ${k === 0 ? '' : 'else '}if (r${k} < 0 || v > w${k}) { ${shift.join(' ')} r${k} = x; w${k} = v; }`);
  }
  lines.push('}', 'let m = 0;', 'let arg = 0;', 'let v = 0;');
  for (let y = 0; y < L; y++) {
    const zm = zeroMask[y]! >>> 0;
    const nonZero = vitStart[y + 1]! - vitStart[y]!;
    if (zm === 0) lines.push('m = -Infinity; arg = -1;');
    else {
      for (let k = 0; k < K; k++) lines.push(`${k === 0 ? '' : 'else '}if ((${zm} >>> r${k}) & 1) { m = w${k}; arg = r${k}; }`);
      // Fewer non-zero transitions than ranked labels: one of the ranked labels has a zero transition.
      if (nonZero >= K) lines.push(`else { m = -Infinity; arg = -1; for (let x = 0; x < ${L}; x++) if ((${zm} >>> x) & 1 && delta[po + x] > m) { m = delta[po + x]; arg = x; } }`);
    }
    for (let p = vitStart[y]!; p < vitStart[y + 1]!; p++) {
      const x = vitFrom[p]!;
      lines.push(`v = d${x} + ${num(vitT[p]!)};`, `if (v > m || (v === m && ${x} < arg)) { m = v; arg = ${x}; }`);
    }
    lines.push(`delta[o + ${y}] = m + score[o + ${y}];`, `back[o + ${y}] = arg;`);
  }
  return new Function('delta', 'back', 'score', 'po', 'o', lines.join('\n')) as ViterbiStepFunction;
}
