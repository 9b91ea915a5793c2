// Linear-chain CRF inference: Viterbi for the best label sequence and forward–backward for per-token
// marginals and the probability of the chosen sequence (the parser's calibrated confidences). The model
// (model/address-crf.json) is trained by scripts/train_crf.py on features from ./features.ts.
import { readFileSync } from 'node:fs';
import { intrinsicFeatures, neighbourFeatures, NEIGHBOUR_OFFSETS, OFFSET_PREFIX, visitFeatures, type FeatureContext } from './features.js';
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

/** Labels whose own evidence trails the best label by more than this (nats) are pruned from the lattice. */
export const PRUNE = { margin: 10 };

interface TokenWeights {
  own: Float64Array[];
  byOffset: Map<number, Float64Array[]>;
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
      tw = { own: pick(own), byOffset: new Map(NEIGHBOUR_OFFSETS.map((d) => [d, pick(seen.map((f) => OFFSET_PREFIX[d]! + f))])) };
      if (this.tokenCache.size >= 200_000) this.tokenCache.clear();
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
        const ws = d === 0 ? cached[j]!.own : cached[j]!.byOffset.get(d)!;
        for (const w of ws) add(i, w);
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
    // Prune the lattice: per token, only labels whose state score is within PRUNE_MARGIN of the best
    // (a label 20 nats behind on its own evidence almost never wins; transitions here stay within a few
    // nats). Viterbi and forward–backward then run over a handful of labels per token instead of all.
    const cand: Int32Array[] = new Array(n);
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let l = 0; l < L; l++) if (score[i * L + l]! > m) m = score[i * L + l]!;
      const keep: number[] = [];
      for (let l = 0; l < L; l++) if (score[i * L + l]! >= m - PRUNE.margin) keep.push(l);
      cand[i] = Int32Array.from(keep);
    }
    const T = this.trans;
    const E = this.expTrans;
    // Viterbi over candidates; best/back are indexed by candidate position.
    const best: Float64Array[] = new Array(n);
    const back: Int32Array[] = new Array(n);
    best[0] = Float64Array.from(cand[0]!, (l) => score[l]!);
    for (let i = 1; i < n; i++) {
      const ci = cand[i]!;
      const cp = cand[i - 1]!;
      const bp = best[i - 1]!;
      const bi = new Float64Array(ci.length);
      const ki = new Int32Array(ci.length);
      for (let y = 0; y < ci.length; y++) {
        const b = ci[y]!;
        let m = -Infinity;
        let arg = 0;
        for (let x = 0; x < cp.length; x++) {
          const v = bp[x]! + T[cp[x]! * L + b]!;
          if (v > m) {
            m = v;
            arg = x;
          }
        }
        bi[y] = m + score[i * L + b]!;
        ki[y] = arg;
      }
      best[i] = bi;
      back[i] = ki;
    }
    const pos = new Int32Array(n);
    const lastBest = best[n - 1]!;
    for (let y = 1; y < lastBest.length; y++) if (lastBest[y]! > lastBest[pos[n - 1]!]!) pos[n - 1] = y;
    for (let i = n - 1; i > 0; i--) pos[i - 1] = back[i]![pos[i]!]!;
    const labels = Array.from(pos, (y, i) => cand[i]![y]!);
    const bestScore = lastBest[pos[n - 1]!]!;

    // Forward–backward over the same lattice, in probability space with per-position scaling.
    const emit: Float64Array[] = new Array(n);
    const shift = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ci = cand[i]!;
      let m = -Infinity;
      for (let y = 0; y < ci.length; y++) if (score[i * L + ci[y]!]! > m) m = score[i * L + ci[y]!]!;
      shift[i] = m;
      emit[i] = Float64Array.from(ci, (l) => Math.exp(score[i * L + l]! - m));
    }
    const alpha: Float64Array[] = new Array(n);
    const beta: Float64Array[] = new Array(n);
    const scale = new Float64Array(n);
    alpha[0] = Float64Array.from(emit[0]!);
    let z = alpha[0].reduce((a, b) => a + b, 0);
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
    const marginals = Array.from(pos, (y, i) => Math.min(1, alpha[i]![y]! * beta[i]![y]!));
    return { labels, marginals, sequenceProbability: Math.min(1, Math.exp(bestScore - logZ)) };
  }
}
