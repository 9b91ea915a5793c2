// String similarities used by candidate generation and the rerank. Allocation-free on the hot path.
import { distance } from 'fastest-levenshtein';
import { boundedEditDistance } from '@clarity/kit/similarity';

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

/** Only ASCII digits, at least one (as /^[0-9]+$/, without a regex call per comparison on the hot path). */
function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

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
    const d = boundedEditDistance(a, b, budget);
    if (d <= budget) return 1 - d / Math.max(la, lb) < 0.6 ? 0.6 : 1 - d / Math.max(la, lb);
  }
  if (short.length >= 3 && long.startsWith(short)) return 0.8;
  if (short.length >= 3 && isAbbreviationOf(short, long)) return 0.7;
  return 0;
}
