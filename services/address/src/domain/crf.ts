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
export const BEAM = { width: 10 };

interface TokenWeights {
  own: Float64Array[];
  /** Indexed by offset + 2 (offsets -2, -1, 1, 2). */
  byOffset: Float64Array[][];
  /** Word-pair weights by the previous token's normalized text (null: no such feature); created on use. */
  pairs?: Map<string, Float64Array | null>;
}

export class CrfModel {
  readonly labels: string[];
  readonly labelIndex: Map<string, number>;
  private readonly L: number;
  private readonly trans: Float64Array;
  private readonly expTrans: Float64Array;
  private readonly weights = new Map<string, Float64Array>();
  private readonly tokenCache = new Map<string, TokenWeights>();

  constructor(model: ModelFile) {
    if (model.format !== 'clarity-address-crf/1') throw new Error(`unsupported model format ${model.format}`);
    this.labels = model.labels;
    this.L = model.labels.length;
    this.labelIndex = new Map(model.labels.map((l, i) => [l, i]));
    this.trans = new Float64Array(this.L * this.L);
    model.transitions.forEach((row, a) => row.forEach((w, b) => (this.trans[a * this.L + b] = w)));
    this.expTrans = this.trans.map(Math.exp);
    for (const [attr, flat] of Object.entries(model.features)) {
      const w = new Float64Array(this.L);
      for (let k = 0; k < flat.length; k += 2) w[flat[k]!] = flat[k + 1]!;
      this.weights.set(attr, w);
    }
  }

  static load(path = new URL('../../../model/address-crf.json', import.meta.url)): CrfModel {
    return new CrfModel(JSON.parse(readFileSync(path, 'utf8')) as ModelFile);
  }

  /** Weight vectors of a token's intrinsic features, own and as seen by neighbours, cached per text. */
  private tokenWeights(t: Token, ctx: FeatureContext): TokenWeights {
    let tw = this.tokenCache.get(t.raw);
    if (tw === undefined) {
      const own = intrinsicFeatures(t, ctx);
      const seen = neighbourFeatures(own);
      const pick = (fs: string[]) => fs.map((f) => this.weights.get(f)).filter((w): w is Float64Array => w !== undefined);
      const byOffset: Float64Array[][] = [[], [], [], [], []];
      for (const d of NEIGHBOUR_OFFSETS) byOffset[d + 2] = pick(seen.map((f) => OFFSET_PREFIX[d]! + f));
      tw = { own: pick(own), byOffset };
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
    const add = (i: number, w: Float64Array) => {
      const row = i * L;
      for (let l = 0; l < L; l++) score[row + l]! += w[l]!;
    };
    const cached = tokens.map((t) => this.tokenWeights(t, ctx));
    visitFeatures(tokens, ctx, {
      token: (i, j, d) => {
        const ws = d === 0 ? cached[j]!.own : cached[j]!.byOffset[d + 2]!;
        for (let k = 0; k < ws.length; k++) add(i, ws[k]!);
      },
      pair: (i) => {
        const prev = tokens[i - 1]!;
        const tw = cached[i]!;
        let w = tw.pairs?.get(prev.norm);
        if (w === undefined) {
          w = this.weights.get(pairFeature(prev, tokens[i]!)) ?? null;
          tw.pairs ??= new Map();
          if (tw.pairs.size < 64) tw.pairs.set(prev.norm, w);
        }
        if (w !== null) add(i, w);
      },
      feature: (i, f) => {
        const w = this.weights.get(f);
        if (w !== undefined) add(i, w);
      },
    });
    return score;
  }

  /** Scores from plain feature strings (consistency checks against the training export). */
  scoresFromFeatures(n: number, features: (emit: (i: number, f: string) => void) => void): Float64Array {
    const L = this.L;
    const score = new Float64Array(n * L);
    features((i, f) => {
      const w = this.weights.get(f);
      if (w !== undefined) for (let l = 0; l < L; l++) score[i * L + l]! += w[l]!;
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
    // Beam Viterbi: at each token, every label is extended from the surviving labels of the previous
    // token, and only the BEAM best (by path score) survive. Forward–backward then runs over the
    // surviving lattice. With BEAM = 10 of 28 labels the best path matches exact Viterbi on all training
    // records; the cost is n·L·BEAM instead of n·L².
    const K = Math.min(BEAM.width, L);
    const T = this.trans;
    const E = this.expTrans;
    const cand: Int32Array[] = new Array(n);
    const best: Float64Array[] = new Array(n);
    const back: Int32Array[] = new Array(n);
    const full = new Float64Array(L);
    const fullArg = new Int32Array(L);
    const keepTop = (i: number) => {
      // Indices of the K largest of `full` (ties by label order), skipping impossible (-1e9) labels.
      const idx = new Int32Array(K);
      const val = new Float64Array(K);
      let size = 0;
      for (let l = 0; l < L; l++) {
        const v = full[l]!;
        if (v < -1e8) continue;
        if (size < K) {
          let p = size++;
          while (p > 0 && val[p - 1]! < v) {
            val[p] = val[p - 1]!;
            idx[p] = idx[p - 1]!;
            p--;
          }
          val[p] = v;
          idx[p] = l;
        } else if (v > val[K - 1]!) {
          let p = K - 1;
          while (p > 0 && val[p - 1]! < v) {
            val[p] = val[p - 1]!;
            idx[p] = idx[p - 1]!;
            p--;
          }
          val[p] = v;
          idx[p] = l;
        }
      }
      if (size === 0) {
        // Every label was excluded: keep the best raw one so a path always exists.
        let b = 0;
        for (let l = 1; l < L; l++) if (full[l]! > full[b]!) b = l;
        idx[0] = b;
        val[0] = full[b]!;
        size = 1;
      }
      cand[i] = idx.slice(0, size);
      best[i] = val.slice(0, size);
      const bk = new Int32Array(size);
      for (let y = 0; y < size; y++) bk[y] = fullArg[idx[y]!]!;
      back[i] = bk;
    };
    for (let l = 0; l < L; l++) {
      full[l] = score[l]!;
      fullArg[l] = 0;
    }
    keepTop(0);
    for (let i = 1; i < n; i++) {
      const cp = cand[i - 1]!;
      const bp = best[i - 1]!;
      for (let b = 0; b < L; b++) {
        let m = -Infinity;
        let arg = 0;
        for (let x = 0; x < cp.length; x++) {
          const v = bp[x]! + T[cp[x]! * L + b]!;
          if (v > m) {
            m = v;
            arg = x;
          }
        }
        full[b] = m + score[i * L + b]!;
        fullArg[b] = arg;
      }
      keepTop(i);
    }
    const pos = new Int32Array(n);
    const lastBest = best[n - 1]!;
    pos[n - 1] = 0; // best[] is sorted: the first survivor is the best
    for (let i = n - 1; i > 0; i--) pos[i - 1] = back[i]![pos[i]!]!;
    const labels = new Array<number>(n);
    for (let i = 0; i < n; i++) labels[i] = cand[i]![pos[i]!]!;
    const bestScore = lastBest[0]!;

    // Forward–backward over the same lattice, in probability space with per-position scaling.
    const emit: Float64Array[] = new Array(n);
    const shift = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ci = cand[i]!;
      let m = -Infinity;
      for (let y = 0; y < ci.length; y++) if (score[i * L + ci[y]!]! > m) m = score[i * L + ci[y]!]!;
      shift[i] = m;
      const e = new Float64Array(ci.length);
      for (let y = 0; y < ci.length; y++) e[y] = Math.exp(score[i * L + ci[y]!]! - m);
      emit[i] = e;
    }
    const alpha: Float64Array[] = new Array(n);
    const beta: Float64Array[] = new Array(n);
    const scale = new Float64Array(n);
    alpha[0] = emit[0]!.slice();
    let z = 0;
    for (let y = 0; y < alpha[0].length; y++) z += alpha[0][y]!;
    scale[0] = z;
    for (let y = 0; y < alpha[0].length; y++) alpha[0][y]! /= z;
    for (let i = 1; i < n; i++) {
      const ci = cand[i]!;
      const cp = cand[i - 1]!;
      const ap = alpha[i - 1]!;
      const ai = new Float64Array(ci.length);
      z = 0;
      for (let y = 0; y < ci.length; y++) {
        const b = ci[y]!;
        let acc = 0;
        for (let x = 0; x < cp.length; x++) acc += ap[x]! * E[cp[x]! * L + b]!;
        ai[y] = acc * emit[i]![y]!;
        z += ai[y]!;
      }
      scale[i] = z;
      for (let y = 0; y < ci.length; y++) ai[y]! /= z;
      alpha[i] = ai;
    }
    beta[n - 1] = new Float64Array(cand[n - 1]!.length).fill(1);
    for (let i = n - 2; i >= 0; i--) {
      const ci = cand[i]!;
      const cn = cand[i + 1]!;
      const bn = beta[i + 1]!;
      const en = emit[i + 1]!;
      const bi = new Float64Array(ci.length);
      for (let x = 0; x < ci.length; x++) {
        const a = ci[x]!;
        let acc = 0;
        for (let y = 0; y < cn.length; y++) acc += E[a * L + cn[y]!]! * en[y]! * bn[y]!;
        bi[x] = acc / scale[i + 1]!;
      }
      beta[i] = bi;
    }
    // log Z = Σ log scale + Σ shift (every path picks up every position's shift once).
    let logZ = 0;
    for (let i = 0; i < n; i++) logZ += Math.log(scale[i]!) + shift[i]!;
    const marginals = new Array<number>(n);
    for (let i = 0; i < n; i++) marginals[i] = Math.min(1, alpha[i]![pos[i]!]! * beta[i]![pos[i]!]!);
    return { labels, marginals, sequenceProbability: Math.min(1, Math.exp(bestScore - logZ)) };
  }
}
