// The tagger's optimized inference against plain reference implementations, on a fixture of training-split
// records and real payee rows plus random strings:
//   - scores: the fast path (features as integer ids, weights summed once per token text, pooled) equals
//     the sum of the weights of the feature strings the trainer sees;
//   - decoding: the sparse exact Viterbi / forward–backward (transitions that are 0 skipped, emission
//     factors accumulated as products) equals a dense O(n·L²) Viterbi and a log-space forward–backward.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { extractFeatures } from '../src/domain/features.js';
import { AddressParser } from '../src/domain/parser.js';
import { tokenize } from '../src/domain/tokens.js';

const samples = readFileSync(new URL('../../test/fixtures/address-samples.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.replace(/\\n/g, '\n'));
let seed = 99;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefgh 0123456789 ,.#-/&%()\n;ÀÉñ東京Ω😀½';
const random = Array.from({ length: 300 }, () => {
  let s = '';
  for (let j = 0, n = Math.floor(rand() * 50); j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
});
const inputs = [...samples, ...random];

const parser = new AddressParser();
const model = parser.model;
const ctx = { zipdb: parser.zipdb };
const file = JSON.parse(readFileSync(new URL('../../model/address-crf.json', import.meta.url), 'utf8')) as { transitions: number[][] };
const T = file.transitions;
const L = model.labels.length;
const temp = model.temperature;

/** Dense reference: Viterbi (first maximum wins ties) and log-space forward–backward. */
function reference(score: Float64Array, n: number): { labels: number[]; marginals: number[]; sequenceProbability: number } {
  const delta = new Float64Array(n * L);
  const back = new Int32Array(n * L);
  for (let y = 0; y < L; y++) delta[y] = score[y]!;
  for (let i = 1; i < n; i++) {
    for (let y = 0; y < L; y++) {
      let m = -Infinity;
      let arg = 0;
      for (let x = 0; x < L; x++) {
        const v = delta[(i - 1) * L + x]! + T[x]![y]!;
        if (v > m) {
          m = v;
          arg = x;
        }
      }
      delta[i * L + y] = m + score[i * L + y]!;
      back[i * L + y] = arg;
    }
  }
  let best = 0;
  for (let y = 1; y < L; y++) if (delta[(n - 1) * L + y]! > delta[(n - 1) * L + best]!) best = y;
  const labels = new Array<number>(n);
  labels[n - 1] = best;
  for (let i = n - 1; i > 0; i--) labels[i - 1] = back[i * L + labels[i]!]!;
  const lse = (xs: number[]) => {
    const m = Math.max(...xs);
    return m === -Infinity ? m : m + Math.log(xs.reduce((s, v) => s + Math.exp(v - m), 0));
  };
  const a: number[][] = [Array.from({ length: L }, (_, y) => score[y]! / temp)];
  for (let i = 1; i < n; i++) a.push(Array.from({ length: L }, (_, y) => lse(a[i - 1]!.map((v, x) => v + T[x]![y]! / temp)) + score[i * L + y]! / temp));
  const b: number[][] = new Array(n);
  b[n - 1] = new Array<number>(L).fill(0);
  for (let i = n - 2; i >= 0; i--) b[i] = Array.from({ length: L }, (_, x) => lse(b[i + 1]!.map((v, y) => v + T[x]![y]! / temp + score[(i + 1) * L + y]! / temp)));
  const logZ = lse(a[n - 1]!);
  return {
    labels,
    marginals: labels.map((y, i) => Math.exp(a[i]![y]! + b[i]![y]! - logZ)),
    sequenceProbability: Math.exp(delta[(n - 1) * L + best]! / temp - logZ),
  };
}

describe('optimized inference = reference', () => {
  it('fast scores equal the sum of the weights of the exported feature strings', () => {
    assert.ok(inputs.length >= 600);
    for (let round = 0; round < 2; round++) {
      // Twice: the second round reads the per-text caches.
      for (const s of inputs) {
        const tokens = tokenize(s);
        const fast = model.scores(tokens, ctx);
        const slow = model.scoresFromFeatures(tokens.length, (emit) => extractFeatures(tokens, ctx, emit));
        assert.equal(fast.length, slow.length);
        for (let k = 0; k < fast.length; k++) assert.ok(Math.abs(fast[k]! - slow[k]!) < 1e-9, `${JSON.stringify(s)} @${k}: ${fast[k]} vs ${slow[k]}`);
      }
    }
  });

  it('the sparse exact decoder gives the dense reference path, marginals and sequence probability', () => {
    let checked = 0;
    for (const s of inputs) {
      const tokens = tokenize(s);
      if (tokens.length === 0) continue;
      const score = model.scores(tokens, ctx);
      const fast = model.tag(tokens, ctx);
      const ref = reference(score, tokens.length);
      assert.deepEqual(fast.labels, ref.labels, JSON.stringify(s));
      fast.marginals.forEach((m, i) => assert.ok(Math.abs(m - ref.marginals[i]!) < 1e-9, `${JSON.stringify(s)} marginal @${i}: ${m} vs ${ref.marginals[i]}`));
      assert.ok(Math.abs(fast.sequenceProbability - ref.sequenceProbability) < 1e-9, `${JSON.stringify(s)} P: ${fast.sequenceProbability} vs ${ref.sequenceProbability}`);
      checked += 1;
    }
    assert.ok(checked > 500);
  });

  it('constrained decoding (structured fields) equals the reference with the excluded labels masked', () => {
    const place = model.labelIndex.get('PlaceName')!;
    const zip = model.labelIndex.get('ZipCode')!;
    for (const s of samples.slice(0, 120)) {
      const tokens = tokenize(s);
      if (tokens.length < 2) continue;
      // The last token must be a ZIP code, the one before a place name.
      const allowed = tokens.map((_, i) => (i === tokens.length - 1 ? new Set([zip]) : i === tokens.length - 2 ? new Set([place]) : undefined));
      const score = model.scores(tokens, ctx);
      for (let l = 0; l < L; l++) {
        if (l !== zip) score[(tokens.length - 1) * L + l] = -1e9;
        if (l !== place) score[(tokens.length - 2) * L + l] = -1e9;
      }
      const fast = model.tag(tokens, ctx, allowed);
      const ref = reference(score, tokens.length);
      assert.deepEqual(fast.labels, ref.labels, s);
      assert.equal(fast.labels[tokens.length - 1], zip);
      fast.marginals.forEach((m, i) => assert.ok(Math.abs(m - ref.marginals[i]!) < 1e-9, `${s} @${i}`));
    }
  });
});
