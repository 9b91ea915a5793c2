// Small text helpers: Pub 28 clean-up of a word run and a bounded edit distance for spell correction.

const memo = new Map<string, string>();

/** Upper case, accents folded, punctuation removed except "-" inside numbers/words, "/" in fractions and "#". */
export function pub28Words(s: string): string {
  if (s === '') return '';
  const plain = plainWords(s);
  if (plain === 1) return s;
  if (plain === 2) return s.toUpperCase();
  let v = memo.get(s);
  if (v === undefined) {
    v = computePub28Words(s);
    if (memo.size >= 20_000) memo.clear();
    memo.set(s, v);
  }
  return v;
}

/**
 * 1: already in Pub 28 form (A–Z, 0–9, "#", "&", single inner spaces); 2: the same once upper-cased;
 * 0: needs the full clean-up.
 */
function plainWords(s: string): 0 | 1 | 2 {
  let lower = false;
  let prevSpace = true;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 32) {
      if (prevSpace) return 0;
      prevSpace = true;
      continue;
    }
    prevSpace = false;
    if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 35 || c === 38) continue;
    if (c >= 97 && c <= 122) {
      lower = true;
      continue;
    }
    return 0;
  }
  if (prevSpace) return 0;
  return lower ? 2 : 1;
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


/** How many edits a name of this length may need to still count as a misspelling. */
export function spellingBudget(length: number): number {
  return length <= 4 ? 0 : length <= 8 ? 1 : 2;
}
