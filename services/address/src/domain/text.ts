// Small text helpers: Pub 28 clean-up of a word run and a bounded edit distance for spell correction.

/** Upper case, accents folded, punctuation removed except "-" inside numbers/words, "/" in fractions and "#". */
export function pub28Words(s: string): string {
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
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[m]!, max + 1);
}

/** How many edits a name of this length may need to still count as a misspelling. */
export function spellingBudget(length: number): number {
  return length <= 4 ? 0 : length <= 8 ? 1 : 2;
}
