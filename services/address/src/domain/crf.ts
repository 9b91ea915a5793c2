// Linear-chain CRF inference: Viterbi for the best label sequence and forward–backward for per-token
// marginals and the probability of the chosen sequence (the parser's calibrated confidences). The model
// (model/address-crf.json) is trained by scripts/train_crf.py on features from ./features.ts.
import { readFileSync } from 'node:fs';
import { extractFeatures, type FeatureContext } from './features.js';
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

export class CrfModel {
  readonly labels: string[];
  readonly labelIndex: Map<string, number>;
  private readonly L: number;
  private readonly trans: Float64Array;
  private readonly weights = new Map<string, Float64Array>();

  constructor(model: ModelFile) {
    if (model.format !== 'clarity-address-crf/1') throw new Error(`unsupported model format ${model.format}`);
    this.labels = model.labels;
    this.L = model.labels.length;
    this.labelIndex = new Map(model.labels.map((l, i) => [l, i]));
    this.trans = new Float64Array(this.L * this.L);
    model.transitions.forEach((row, a) => row.forEach((w, b) => (this.trans[a * this.L + b] = w)));
    for (const [attr, flat] of Object.entries(model.features)) {
      const w = new Float64Array(this.L);
      for (let k = 0; k < flat.length; k += 2) w[flat[k]!] = flat[k + 1]!;
      this.weights.set(attr, w);
    }
  }

  static load(path = new URL('../../../model/address-crf.json', import.meta.url)): CrfModel {
    return new CrfModel(JSON.parse(readFileSync(path, 'utf8')) as ModelFile);
  }

  /**
   * Tags `tokens`. `allowed[i]`, when given, restricts token i to a set of label indexes (structured
   * input: the caller said which field the token came from).
   */
  tag(tokens: Token[], ctx: FeatureContext, allowed?: Array<ReadonlySet<number> | undefined>): Tagging {
    const n = tokens.length;
    const L = this.L;
    if (n === 0) return { labels: [], marginals: [], sequenceProbability: 1 };
    const score = new Float64Array(n * L);
    extractFeatures(tokens, ctx, (i, f) => {
      const w = this.weights.get(f);
      if (w === undefined) return;
      const row = i * L;
      for (let l = 0; l < L; l++) score[row + l]! += w[l]!;
    });
    if (allowed) {
      for (let i = 0; i < n; i++) {
        const set = allowed[i];
        if (!set || set.size === 0) continue;
        for (let l = 0; l < L; l++) if (!set.has(l)) score[i * L + l] = -1e9;
      }
    }
    // Viterbi.
    const best = new Float64Array(n * L);
    const back = new Int32Array(n * L);
    for (let l = 0; l < L; l++) best[l] = score[l]!;
    for (let i = 1; i < n; i++) {
      for (let b = 0; b < L; b++) {
        let m = -Infinity;
        let arg = 0;
        for (let a = 0; a < L; a++) {
          const v = best[(i - 1) * L + a]! + this.trans[a * L + b]!;
          if (v > m) {
            m = v;
            arg = a;
          }
        }
        best[i * L + b] = m + score[i * L + b]!;
        back[i * L + b] = arg;
      }
    }
    const labels = new Array<number>(n);
    let last = 0;
    for (let l = 1; l < L; l++) if (best[(n - 1) * L + l]! > best[(n - 1) * L + last]!) last = l;
    labels[n - 1] = last;
    for (let i = n - 1; i > 0; i--) labels[i - 1] = back[i * L + labels[i]!]!;
    const bestScore = best[(n - 1) * L + last]!;

    // Forward–backward in log space.
    const alpha = new Float64Array(n * L);
    const beta = new Float64Array(n * L);
    const tmp = new Float64Array(L);
    for (let l = 0; l < L; l++) alpha[l] = score[l]!;
    for (let i = 1; i < n; i++) {
      for (let b = 0; b < L; b++) {
        for (let a = 0; a < L; a++) tmp[a] = alpha[(i - 1) * L + a]! + this.trans[a * L + b]!;
        alpha[i * L + b] = logSumExp(tmp) + score[i * L + b]!;
      }
    }
    for (let l = 0; l < L; l++) beta[(n - 1) * L + l] = 0;
    for (let i = n - 2; i >= 0; i--) {
      for (let a = 0; a < L; a++) {
        for (let b = 0; b < L; b++) tmp[b] = this.trans[a * L + b]! + score[(i + 1) * L + b]! + beta[(i + 1) * L + b]!;
        beta[i * L + a] = logSumExp(tmp);
      }
    }
    for (let l = 0; l < L; l++) tmp[l] = alpha[(n - 1) * L + l]!;
    const logZ = logSumExp(tmp);
    const marginals = labels.map((l, i) => Math.min(1, Math.exp(alpha[i * L + l]! + beta[i * L + l]! - logZ)));
    return { labels, marginals, sequenceProbability: Math.min(1, Math.exp(bestScore - logZ)) };
  }
}

function logSumExp(xs: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i]! > m) m = xs[i]!;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i]! - m);
  return m + Math.log(s);
}
