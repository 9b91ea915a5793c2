// Linear-chain CRF inference: Viterbi for the best label sequence and forward–backward for per-token
// marginals and the probability of the chosen sequence (the parser's calibrated confidences). The model
// (model/address-crf.json) is trained by scripts/train_crf.py on features from ./features.ts.
import { readFileSync } from 'node:fs';
import { CONTEXT_FEATURES, intrinsicFeatures, intrinsicSignature, neighbourFeatures, NEIGHBOUR_OFFSETS, OFFSET_PREFIX, pairKeyOf, visitFeatures, type FeatureContext, type FeatureVisitor } from './features.js';
import type { Token } from './tokens.js';

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
}

/** Beam of the decoder: labels kept per token, and how far behind (in nats of score) a label may fall. */
export interface Beam {
  /** At most this many labels per token. */
  width: number;
  /** A label whose own state score is this far below the token's best is not extended. */
  margin: number;
  /** A surviving path this far behind the best path at that token is dropped. */
  pathMargin: number;
}
export const BEAM: Beam = { width: 10, margin: 15, pathMargin: Infinity };

/** Token texts per cache generation (each entry holds 5 × labels doubles: ~1.2 kB). */
const TOKEN_CACHE_GENERATION = 8_000;

/** A feature's weights: only the labels it has a weight for (L1 training leaves ~2 of 28). */
interface Sparse {
  idx: Int32Array;
  w: Float64Array;
}

interface TokenWeights {
  /** Sum of the token's own intrinsic feature weights (dense), or null when none has a weight. */
  own: Float64Array | null;
  /** Same for its features as seen from offsets -2, -1, 1, 2 (indexed by offset + 2). */
  byOffset: Array<Float64Array | null>;
  /** What the word-pair feature keeps of this token (its word, or its shape). */
  pairKey: string;
}

/** Adds feature weights into a score matrix (tokens × labels) as visitFeatures walks them. */
class ScoreVisitor implements FeatureVisitor {
  score = new Float64Array(0);
  tokens: Token[] = [];
  cached: TokenWeights[] = [];
  constructor(
    private readonly L: number,
    private readonly contextWeights: Array<Sparse | null>,
    private readonly pairWeights: Map<string, Map<string, Sparse>>,
  ) {}

  token(i: number, j: number, d: number): void {
    const tw = this.cached[j]!;
    const w = d === 0 ? tw.own : tw.byOffset[d + 2]!;
    if (w === null) return;
    const row = i * this.L;
    const score = this.score;
    for (let l = 0; l < this.L; l++) score[row + l]! += w[l]!;
  }

  context(i: number, id: number): void {
    const sp = this.contextWeights[id];
    if (sp) this.addSparse(i, sp);
  }

  pair(i: number): void {
    const sp = this.pairWeights.get(this.tokens[i - 1]!.norm)?.get(this.cached[i]!.pairKey);
    if (sp !== undefined) this.addSparse(i, sp);
  }

  private addSparse(i: number, sp: Sparse): void {
    const row = i * this.L;
    const score = this.score;
    for (let j = 0; j < sp.idx.length; j++) score[row + sp.idx[j]!]! += sp.w[j]!;
  }
}

export class CrfModel {
  readonly labels: string[];
  readonly labelIndex: Map<string, number>;
  private readonly L: number;
  private readonly trans: Float64Array;
  private readonly expTrans: Float64Array;
  /** Probabilities come from scores / temperature (the best path does not depend on it). */
  readonly temperature: number;
  private readonly weights = new Map<string, Sparse>();
  private youngWeights = new Map<string, TokenWeights>();
  private oldWeights = new Map<string, TokenWeights>();
  private readonly visitor: ScoreVisitor;

  constructor(model: ModelFile) {
    if (model.format !== 'clarity-address-crf/1') throw new Error(`unsupported model format ${model.format}`);
    this.labels = model.labels;
    this.L = model.labels.length;
    this.labelIndex = new Map(model.labels.map((l, i) => [l, i]));
    this.trans = new Float64Array(this.L * this.L);
    model.transitions.forEach((row, a) => row.forEach((w, b) => (this.trans[a * this.L + b] = w)));
    this.temperature = model.temperature && model.temperature > 0 ? model.temperature : 1;
    const t = this.temperature;
    this.expTrans = this.trans.map((w) => Math.exp(w / t));
    const pairWeights = new Map<string, Map<string, Sparse>>();
    for (const [attr, flat] of Object.entries(model.features)) {
      const k = flat.length / 2;
      const sp: Sparse = { idx: new Int32Array(k), w: new Float64Array(k) };
      for (let j = 0; j < k; j++) {
        sp.idx[j] = flat[2 * j]!;
        sp.w[j] = flat[2 * j + 1]!;
      }
      this.weights.set(attr, sp);
      if (attr.startsWith('pw=')) {
        // "pw=<previous norm>|<word or shape>": the second part never holds "|".
        const bar = attr.lastIndexOf('|');
        const prev = attr.slice(3, bar);
        let m = pairWeights.get(prev);
        if (!m) pairWeights.set(prev, (m = new Map()));
        m.set(attr.slice(bar + 1), sp);
      }
    }
    const contextWeights = CONTEXT_FEATURES.map((f) => this.weights.get(f) ?? null);
    this.visitor = new ScoreVisitor(this.L, contextWeights, pairWeights);
  }

  static load(path: URL | string = new URL('../../../model/address-crf.json', import.meta.url), temperature?: number): CrfModel {
    const file = JSON.parse(readFileSync(path, 'utf8')) as ModelFile;
    return new CrfModel(temperature === undefined ? file : { ...file, temperature });
  }

  /** Dense sum of the weights of `features` (null when none has a weight). */
  private denseSum(features: string[]): Float64Array | null {
    let out: Float64Array | null = null;
    for (const f of features) {
      const sp = this.weights.get(f);
      if (!sp) continue;
      out ??= new Float64Array(this.L);
      for (let j = 0; j < sp.idx.length; j++) out[sp.idx[j]!]! += sp.w[j]!;
    }
    return out;
  }

  /**
   * Weights of a token's intrinsic features, own and as seen by neighbours, summed and cached per text
   * (or per signature, for tokens whose features do not depend on their exact text). Two generations: a
   * text seen again is promoted, so the working vocabulary stays while one-off texts age out.
   */
  private tokenWeights(t: Token, ctx: FeatureContext): TokenWeights {
    const key = intrinsicSignature(t, ctx) ?? t.raw;
    let tw = this.youngWeights.get(key);
    if (tw !== undefined) return tw;
    tw = this.oldWeights.get(key);
    if (tw === undefined) {
      const own = intrinsicFeatures(t, ctx);
      const seen = neighbourFeatures(own);
      const byOffset: Array<Float64Array | null> = [null, null, null, null, null];
      for (const d of NEIGHBOUR_OFFSETS) byOffset[d + 2] = this.denseSum(seen.map((f) => OFFSET_PREFIX[d]! + f));
      tw = { own: this.denseSum(own), byOffset, pairKey: pairKeyOf(t.norm) };
    }
    if (this.youngWeights.size >= TOKEN_CACHE_GENERATION) {
      this.oldWeights = this.youngWeights;
      this.youngWeights = new Map();
    }
    this.youngWeights.set(key, tw);
    return tw;
  }

  /** Per-token, per-label state scores (the sum of the weights of every feature). */
  scores(tokens: Token[], ctx: FeatureContext): Float64Array {
    const v = this.visitor;
    v.score = new Float64Array(tokens.length * this.L);
    v.tokens = tokens;
    const cached = v.cached;
    cached.length = tokens.length;
    for (let i = 0; i < tokens.length; i++) cached[i] = this.tokenWeights(tokens[i]!, ctx);
    visitFeatures(tokens, ctx, v);
    const score = v.score;
    v.tokens = [];
    return score;
  }

  /** Scores from plain feature strings (consistency checks against the training export). */
  scoresFromFeatures(n: number, features: (emit: (i: number, f: string) => void) => void): Float64Array {
    const L = this.L;
    const score = new Float64Array(n * L);
    features((i, f) => {
      const sp = this.weights.get(f);
      if (sp !== undefined) for (let j = 0; j < sp.idx.length; j++) score[i * L + sp.idx[j]!]! += sp.w[j]!;
    });
    return score;
  }

  /**
   * Tags `tokens`. `allowed[i]`, when given, restricts token i to a set of label indexes (structured
   * input: the caller said which field the token came from).
   */
  tag(tokens: Token[], ctx: FeatureContext, allowed?: Array<ReadonlySet<number> | undefined>, beam: Beam = BEAM): Tagging {
    const n = tokens.length;
    const L = this.L;
    if (n === 0) return { labels: [], marginals: [], sequenceProbability: 1 };
    const score = this.scores(tokens, ctx);
    if (allowed) {
      for (let i = 0; i < n; i++) {
        const set = allowed[i];
        if (!set || set.size === 0) continue;
        for (let l = 0; l < L; l++) if (!set.has(l)) score[i * L + l] = -1e9;
      }
    }
    return this.decode(score, n, beam);
  }

  /**
   * Beam Viterbi + forward–backward over the surviving lattice. At each token every label within
   * `beam.margin` of the token's best state score is extended from the surviving labels of the previous
   * token; of those, at most `beam.width` survive, and only those within `beam.pathMargin` of the best
   * path score there (a path that far behind practically never recovers, and its probability share is
   * below e^(-pathMargin/T)). Buffers are flat and reused across calls (the service is single-threaded).
   */
  decode(score: Float64Array, n: number, beam: Beam = BEAM): Tagging {
    const L = this.L;
    const K = Math.min(beam.width, L);
    const emitMargin = beam.margin;
    const pathMargin = beam.pathMargin;
    const b = this.buffers(n, K);
    const cand = b.cand;
    const len = b.len;
    const best = b.best;
    const back = b.back;
    const full = b.full;
    const fullArg = b.fullArg;
    const T = this.trans;
    for (let i = 0; i < n; i++) {
      const so = i * L;
      let top = -Infinity;
      for (let y = 0; y < L; y++) if (score[so + y]! > top) top = score[so + y]!;
      const floor = top - emitMargin;
      let fullTop = -Infinity;
      if (i === 0) {
        for (let y = 0; y < L; y++) {
          const v = score[y]!;
          full[y] = v;
          fullArg[y] = 0;
          if (v > fullTop) fullTop = v;
        }
      } else {
        const po = (i - 1) * K;
        const pl = len[i - 1]!;
        for (let y = 0; y < L; y++) {
          const e = score[so + y]!;
          // Labels far behind on their own evidence are not extended at all.
          if (e < floor) {
            full[y] = -1e9;
            continue;
          }
          let m = best[po]! + T[cand[po]! * L + y]!;
          let arg = 0;
          for (let x = 1; x < pl; x++) {
            const v = best[po + x]! + T[cand[po + x]! * L + y]!;
            if (v > m) {
              m = v;
              arg = x;
            }
          }
          const v = m + e;
          full[y] = v;
          fullArg[y] = arg;
          if (v > fullTop) fullTop = v;
        }
      }
      // Keep the K best of `full` within pathMargin of the best (sorted, best first), skipping labels
      // excluded by `allowed`.
      const keepFloor = Math.max(fullTop - pathMargin, -1e8);
      const o = i * K;
      let size = 0;
      for (let l = 0; l < L; l++) {
        const v = full[l]!;
        if (v < keepFloor || (size === K && v <= best[o + K - 1]!)) continue;
        let q = size < K ? size++ : K - 1;
        while (q > 0 && best[o + q - 1]! < v) {
          best[o + q] = best[o + q - 1]!;
          cand[o + q] = cand[o + q - 1]!;
          q--;
        }
        best[o + q] = v;
        cand[o + q] = l;
      }
      if (size === 0) {
        // Every label was excluded: keep the best raw one so a path always exists.
        let bl = 0;
        for (let l = 1; l < L; l++) if (full[l]! > full[bl]!) bl = l;
        best[o] = full[bl]!;
        cand[o] = bl;
        size = 1;
      }
      len[i] = size;
      for (let y = 0; y < size; y++) back[o + y] = fullArg[cand[o + y]!]!;
    }
    const pos = b.pos;
    pos[n - 1] = 0;
    for (let i = n - 1; i > 0; i--) pos[i - 1] = back[i * K + pos[i]!]!;
    const labels = new Array<number>(n);
    for (let i = 0; i < n; i++) labels[i] = cand[i * K + pos[i]!]!;
    const bestScore = best[(n - 1) * K]!;
    const { marginals, logZ } = this.forwardBackward(score, n, K, pos);
    return { labels, marginals, sequenceProbability: Math.min(1, Math.exp(bestScore / this.temperature - logZ)) };
  }

  /** Forward–backward over the beam lattice, in probability space with per-position scaling. */
  private forwardBackward(score: Float64Array, n: number, K: number, pos: Int32Array): { marginals: number[]; logZ: number } {
    const L = this.L;
    const { cand, len, emit, alpha, beta, scale, shift } = this.scratch!;
    const E = this.expTrans;
    for (let i = 0; i < n; i++) {
      const o = i * K;
      const so = i * L;
      const li = len[i]!;
      let m = -Infinity;
      for (let y = 0; y < li; y++) if (score[so + cand[o + y]!]! > m) m = score[so + cand[o + y]!]!;
      shift[i] = m;
      for (let y = 0; y < li; y++) emit[o + y] = Math.exp((score[so + cand[o + y]!]! - m) / this.temperature);
    }
    let z = 0;
    for (let y = 0; y < len[0]!; y++) z += alpha[y] = emit[y]!;
    scale[0] = z;
    for (let y = 0; y < len[0]!; y++) alpha[y]! /= z;
    for (let i = 1; i < n; i++) {
      const o = i * K;
      const po = o - K;
      const li = len[i]!;
      const pl = len[i - 1]!;
      z = 0;
      for (let y = 0; y < li; y++) {
        const col = cand[o + y]!;
        let acc = 0;
        for (let x = 0; x < pl; x++) acc += alpha[po + x]! * E[cand[po + x]! * L + col]!;
        const v = acc * emit[o + y]!;
        alpha[o + y] = v;
        z += v;
      }
      scale[i] = z;
      for (let y = 0; y < li; y++) alpha[o + y]! /= z;
    }
    for (let y = 0; y < len[n - 1]!; y++) beta[(n - 1) * K + y] = 1;
    for (let i = n - 2; i >= 0; i--) {
      const o = i * K;
      const no = o + K;
      const li = len[i]!;
      const nl = len[i + 1]!;
      for (let x = 0; x < li; x++) {
        const row = cand[o + x]! * L;
        let acc = 0;
        for (let y = 0; y < nl; y++) acc += E[row + cand[no + y]!]! * emit[no + y]! * beta[no + y]!;
        beta[o + x] = acc / scale[i + 1]!;
      }
    }
    // log Z = Σ log scale + Σ shift (every path picks up every position's shift once).
    let logZ = 0;
    for (let i = 0; i < n; i++) logZ += Math.log(scale[i]!) + shift[i]! / this.temperature;
    const marginals = new Array<number>(n);
    for (let i = 0; i < n; i++) marginals[i] = Math.min(1, alpha[i * K + pos[i]!]! * beta[i * K + pos[i]!]!);
    return { marginals, logZ };
  }

  private scratch?: { n: number; K: number; pos: Int32Array; cand: Int32Array; len: Int32Array; best: Float64Array; back: Int32Array; emit: Float64Array; alpha: Float64Array; beta: Float64Array; scale: Float64Array; shift: Float64Array; full: Float64Array; fullArg: Int32Array };

  /** Reused lattice buffers (the service is single-threaded; a call never overlaps another). */
  private buffers(n: number, K: number) {
    const s = this.scratch;
    if (s && s.n >= n && s.K === K) return s;
    const cap = Math.max(n, 64);
    this.scratch = {
      n: cap, K, pos: new Int32Array(cap),
      cand: new Int32Array(cap * K), len: new Int32Array(cap), best: new Float64Array(cap * K), back: new Int32Array(cap * K),
      emit: new Float64Array(cap * K), alpha: new Float64Array(cap * K), beta: new Float64Array(cap * K),
      scale: new Float64Array(cap), shift: new Float64Array(cap), full: new Float64Array(this.L), fullArg: new Int32Array(this.L),
    };
    return this.scratch;
  }
}
