// Linear-chain CRF inference: Viterbi for the best label sequence and forward–backward for per-token
// marginals and the probability of the chosen sequence (the parser's calibrated confidences). The model
// (model/address-crf.json) is trained by scripts/train_crf.py on features from ./features.ts.
import { readFileSync } from 'node:fs';
import { intrinsicFeatures, neighbourFeatures, NEIGHBOUR_OFFSETS, OFFSET_PREFIX, pairFeature, visitFeatures, type FeatureContext } from './features.js';
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

/** Labels kept per token by the beam search. */
export const BEAM = { width: 10, margin: 15 };

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
  /** Word-pair weights by the previous token's normalized text (null: no such feature); created on use. */
  pairs?: Map<string, Sparse | null>;
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
  private readonly tokenCache = new Map<string, TokenWeights>();

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
    for (const [attr, flat] of Object.entries(model.features)) {
      const k = flat.length / 2;
      const sp: Sparse = { idx: new Int32Array(k), w: new Float64Array(k) };
      for (let j = 0; j < k; j++) {
        sp.idx[j] = flat[2 * j]!;
        sp.w[j] = flat[2 * j + 1]!;
      }
      this.weights.set(attr, sp);
    }
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

  /** Weights of a token's intrinsic features, own and as seen by neighbours, summed and cached per text. */
  private tokenWeights(t: Token, ctx: FeatureContext): TokenWeights {
    let tw = this.tokenCache.get(t.raw);
    if (tw === undefined) {
      const own = intrinsicFeatures(t, ctx);
      const seen = neighbourFeatures(own);
      const byOffset: Array<Float64Array | null> = [null, null, null, null, null];
      for (const d of NEIGHBOUR_OFFSETS) byOffset[d + 2] = this.denseSum(seen.map((f) => OFFSET_PREFIX[d]! + f));
      tw = { own: this.denseSum(own), byOffset };
      // Bounded: numbers and rare words come and go; the common vocabulary is re-cached at once.
      if (this.tokenCache.size >= 20_000) this.tokenCache.clear();
      this.tokenCache.set(t.raw, tw);
    }
    return tw;
  }

  /** Per-token, per-label state scores (the sum of the weights of every feature). */
  scores(tokens: Token[], ctx: FeatureContext): Float64Array {
    const L = this.L;
    const score = new Float64Array(tokens.length * L);
    const addDense = (i: number, w: Float64Array) => {
      const row = i * L;
      for (let l = 0; l < L; l++) score[row + l]! += w[l]!;
    };
    const addSparse = (i: number, sp: Sparse) => {
      const row = i * L;
      for (let j = 0; j < sp.idx.length; j++) score[row + sp.idx[j]!]! += sp.w[j]!;
    };
    const cached = tokens.map((t) => this.tokenWeights(t, ctx));
    visitFeatures(tokens, ctx, {
      token: (i, j, d) => {
        const w = d === 0 ? cached[j]!.own : cached[j]!.byOffset[d + 2]!;
        if (w !== null) addDense(i, w);
      },
      pair: (i) => {
        const prev = tokens[i - 1]!;
        const tw = cached[i]!;
        let sp = tw.pairs?.get(prev.norm);
        if (sp === undefined) {
          sp = this.weights.get(pairFeature(prev, tokens[i]!)) ?? null;
          tw.pairs ??= new Map();
          if (tw.pairs.size < 64) tw.pairs.set(prev.norm, sp);
        }
        if (sp !== null) addSparse(i, sp);
      },
      feature: (i, f) => {
        const sp = this.weights.get(f);
        if (sp !== undefined) addSparse(i, sp);
      },
    });
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
  tag(tokens: Token[], ctx: FeatureContext, allowed?: Array<ReadonlySet<number> | undefined>): Tagging {
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
    // Beam Viterbi: at each token every label is extended from the surviving labels of the previous
    // token and only the BEAM best (by path score) survive; forward–backward then runs over the surviving
    // lattice. With BEAM = 10 of 28 labels the best path equals exact Viterbi on 1,101 of the 1,102
    // training records; the cost is n·L·BEAM instead of n·L². Buffers are flat and reused across calls.
    const K = Math.min(BEAM.width, L);
    const b = this.buffers(n, K);
    const { cand, len, best, back, emit, alpha, beta, scale, shift, full, fullArg } = b;
    const T = this.trans;
    const E = this.expTrans;
    for (let i = 0; i < n; i++) {
      if (i === 0) {
        for (let l = 0; l < L; l++) {
          full[l] = score[l]!;
          fullArg[l] = 0;
        }
      } else {
        const po = (i - 1) * K;
        const pl = len[i - 1]!;
        // Labels far behind on their own evidence are not extended at all.
        let top = -Infinity;
        for (let y = 0; y < L; y++) if (score[i * L + y]! > top) top = score[i * L + y]!;
        const floor = top - BEAM.margin;
        for (let y = 0; y < L; y++) {
          if (score[i * L + y]! < floor) {
            full[y] = -1e9;
            continue;
          }
          let m = -Infinity;
          let arg = 0;
          for (let x = 0; x < pl; x++) {
            const v = best[po + x]! + T[cand[po + x]! * L + y]!;
            if (v > m) {
              m = v;
              arg = x;
            }
          }
          full[y] = m + score[i * L + y]!;
          fullArg[y] = arg;
        }
      }
      // Keep the K best of `full` (sorted, best first), skipping labels excluded by `allowed`.
      const o = i * K;
      let size = 0;
      for (let l = 0; l < L; l++) {
        const v = full[l]!;
        if (v < -1e8 || (size === K && v <= best[o + K - 1]!)) continue;
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
    const pos = new Int32Array(n);
    for (let i = n - 1; i > 0; i--) pos[i - 1] = back[i * K + pos[i]!]!;
    const labels = new Array<number>(n);
    for (let i = 0; i < n; i++) labels[i] = cand[i * K + pos[i]!]!;
    const bestScore = best[(n - 1) * K]!;

    // Forward–backward over the beam lattice, in probability space with per-position scaling.
    for (let i = 0; i < n; i++) {
      const o = i * K;
      let m = -Infinity;
      for (let y = 0; y < len[i]!; y++) if (score[i * L + cand[o + y]!]! > m) m = score[i * L + cand[o + y]!]!;
      shift[i] = m;
      for (let y = 0; y < len[i]!; y++) emit[o + y] = Math.exp((score[i * L + cand[o + y]!]! - m) / this.temperature);
    }
    let z = 0;
    for (let y = 0; y < len[0]!; y++) z += alpha[y] = emit[y]!;
    scale[0] = z;
    for (let y = 0; y < len[0]!; y++) alpha[y]! /= z;
    for (let i = 1; i < n; i++) {
      const o = i * K;
      const po = o - K;
      z = 0;
      for (let y = 0; y < len[i]!; y++) {
        const col = cand[o + y]!;
        let acc = 0;
        for (let x = 0; x < len[i - 1]!; x++) acc += alpha[po + x]! * E[cand[po + x]! * L + col]!;
        const v = acc * emit[o + y]!;
        alpha[o + y] = v;
        z += v;
      }
      scale[i] = z;
      for (let y = 0; y < len[i]!; y++) alpha[o + y]! /= z;
    }
    for (let y = 0; y < len[n - 1]!; y++) beta[(n - 1) * K + y] = 1;
    for (let i = n - 2; i >= 0; i--) {
      const o = i * K;
      const no = o + K;
      for (let x = 0; x < len[i]!; x++) {
        const row = cand[o + x]! * L;
        let acc = 0;
        for (let y = 0; y < len[i + 1]!; y++) acc += E[row + cand[no + y]!]! * emit[no + y]! * beta[no + y]!;
        beta[o + x] = acc / scale[i + 1]!;
      }
    }
    // log Z = Σ log scale + Σ shift (every path picks up every position's shift once).
    let logZ = 0;
    for (let i = 0; i < n; i++) logZ += Math.log(scale[i]!) + shift[i]! / this.temperature;
    const marginals = new Array<number>(n);
    for (let i = 0; i < n; i++) marginals[i] = Math.min(1, alpha[i * K + pos[i]!]! * beta[i * K + pos[i]!]!);
    return { labels, marginals, sequenceProbability: Math.min(1, Math.exp(bestScore / this.temperature - logZ)) };
  }

  private scratch?: { n: number; K: number; cand: Int32Array; len: Int32Array; best: Float64Array; back: Int32Array; emit: Float64Array; alpha: Float64Array; beta: Float64Array; scale: Float64Array; shift: Float64Array; full: Float64Array; fullArg: Int32Array };

  /** Reused lattice buffers (the service is single-threaded; a call never overlaps another). */
  private buffers(n: number, K: number) {
    const s = this.scratch;
    if (s && s.n >= n && s.K === K) return s;
    const cap = Math.max(n, 64);
    this.scratch = {
      n: cap, K,
      cand: new Int32Array(cap * K), len: new Int32Array(cap), best: new Float64Array(cap * K), back: new Int32Array(cap * K),
      emit: new Float64Array(cap * K), alpha: new Float64Array(cap * K), beta: new Float64Array(cap * K),
      scale: new Float64Array(cap), shift: new Float64Array(cap), full: new Float64Array(this.L), fullArg: new Int32Array(this.L),
    };
    return this.scratch;
  }
}
