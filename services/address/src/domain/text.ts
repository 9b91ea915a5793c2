// Small text helpers: Pub 28 clean-up of a word run and a bounded edit distance for spell correction.

const memo = new Map<string, string>();

/** Upper case, accents folded, punctuation removed except "-" inside numbers/words, "/" in fractions and "#". */
export function pub28Words(s: string): string {
  if (s === '') return '';
  let v = memo.get(s);
  if (v === undefined) {
    v = computePub28Words(s);
    if (memo.size >= 20_000) memo.clear();
    memo.set(s, v);
  }
  return v;
}

function computePub28Words(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/½/g, ' 1/2')
    .replace(/['’`]/g, '')
    .replace(/(?<=[A-Z0-9])-(?=[A-Z0-9])/g, '\u0001')
    .replace(/(?<=\d)\/(?=\d)/g, '\u0002')
    .replace(/[^A-Z0-9#&\u0001\u0002]+/g, ' ')
    .replace(/\u0001/g, '-')
    .replace(/\u0002/g, '/')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), or `max + 1` as soon
 * as the distance is known to exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (m + 1 > rowA.length) return naiveDistance(a, b, max);
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[m]!, max + 1);
}

// Rows reused across calls (the service is single-threaded): no allocation per comparison.
const rowA = new Int32Array(128);
const rowB = new Int32Array(128);
const rowC = new Int32Array(128);

function naiveDistance(a: string, b: string, max: number): number {
  // Very long names: plain Levenshtein with fresh rows.
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/** How many edits a name of this length may need to still count as a misspelling. */
export function spellingBudget(length: number): number {
  return length <= 4 ? 0 : length <= 8 ? 1 : 2;
}
