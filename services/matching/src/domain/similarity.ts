// String similarities used by candidate generation and the rerank. Allocation-free on the hot path.
import { distance } from 'fastest-levenshtein';

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

function ensureRows(n: number): void {
  if (rowA.length > n) return;
  const size = Math.max(n + 1, rowA.length * 2);
  rowA = new Int32Array(size);
  rowB = new Int32Array(size);
  rowC = new Int32Array(size);
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), giving up once the
 * distance must exceed `max` (returns max + 1 then).
 */
export function boundedDamerau(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  ensureRows(lb);
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = prev[j - 1]! + cost;
      const del = prev[j]! + 1;
      if (del < v) v = del;
      const ins = cur[j - 1]! + 1;
      if (ins < v) v = ins;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const tr = prev2[j - 2]! + 1;
        if (tr < v) v = tr;
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}

/** Plain Levenshtein distance (bit-parallel, for whole normalized names). */
export function levenshtein(a: string, b: string): number {
  return a === b ? 0 : distance(a, b);
}

/** 1 - distance / longer length, in [0,1]. */
export function editSimilarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  if (n === 0) return 1;
  return 1 - levenshtein(a, b) / n;
}

/** Edits a token of this length may carry and still count as the same word. */
export function allowedEdits(length: number): number {
  if (length < 4) return 0;
  if (length < 6) return 1;
  return 2;
}

const isDigits = (s: string) => /^[0-9]+$/.test(s);

/** True when `short` is an in-order subsequence of `long` starting with the same letter ("BLDG" ⊂ "BUILDING"). */
export function isAbbreviationOf(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || short.charCodeAt(0) !== long.charCodeAt(0)) return false;
  let j = 1;
  for (let i = 1; i < short.length; i++) {
    const c = short.charCodeAt(i);
    while (j < long.length && long.charCodeAt(j) !== c) j++;
    if (j >= long.length) return false;
    j++;
  }
  return true;
}

/**
 * Similarity of two canonical tokens in [0,1]: 1 identical; typo distance within the length budget;
 * prefix truncation ("CONSTR"/"CONSTRUCTION") 0.8; consonant-style abbreviation 0.7; a lone initial
 * against a word with that initial 0.5; numbers must be equal.
 */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  const short = la <= lb ? a : b;
  const long = la <= lb ? b : a;
  if (isDigits(a) || isDigits(b)) return 0;
  if (short.length === 1) return long.charCodeAt(0) === short.charCodeAt(0) ? 0.5 : 0;
  const budget = allowedEdits(Math.min(la, lb) + (la === lb ? 0 : 1));
  if (budget > 0) {
    const d = boundedDamerau(a, b, budget);
    if (d <= budget) return 1 - d / Math.max(la, lb) < 0.6 ? 0.6 : 1 - d / Math.max(la, lb);
  }
  if (short.length >= 3 && long.startsWith(short)) return 0.8;
  if (short.length >= 3 && isAbbreviationOf(short, long)) return 0.7;
  return 0;
}
