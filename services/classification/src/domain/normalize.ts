// One normalization pass over a payee name: upper-case ASCII words, accents folded, "&"/"+" → AND,
// periods and apostrophes dropped, other punctuation a word break, commas remembered (they carry the
// "LAST, FIRST" shape). Every tier and the model see this same form, so the source's casing is gone.

export interface NormalizedName {
  /** Canonical display form: words separated by one space, a comma kept after the word it follows ("VERA, ELIZABETH"). */
  display: string;
  /** The words joined by single spaces, without commas ("VERA ELIZABETH"): what keywords and patterns match. */
  key: string;
  tokens: string[];
  /** For each comma, the index of the word it follows. */
  commas: number[];
  latinLetters: number;
  digits: number;
  /** Letters of non-Latin scripts (they are not part of `tokens`). */
  otherLetters: number;
  /** The non-Latin letters, words separated by spaces (for non-Latin legal forms such as "株式会社", "ООО"). */
  otherText: string;
  /** Name of the first non-Latin script seen ("Cyrillic", "Han"...), if any. */
  otherScript?: string;
}

const enum Kind {
  Break = 0,
  Letter = 1,
  Digit = 2,
  Drop = 3,
  Comma = 4,
  And = 5,
}

// ASCII classification table, built once.
const ASCII_KIND = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) ASCII_KIND[c] = Kind.Letter;
  else if (c >= 48 && c <= 57) ASCII_KIND[c] = Kind.Digit;
  else if (c === 46 || c === 39 || c === 96) ASCII_KIND[c] = Kind.Drop; // . ' `
  else if (c === 44) ASCII_KIND[c] = Kind.Comma;
  else if (c === 38 || c === 43) ASCII_KIND[c] = Kind.And; // & +
  else ASCII_KIND[c] = Kind.Break;
}

// Letters that NFD does not decompose to ASCII.
const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'SS', ẞ: 'SS', Æ: 'AE', æ: 'AE', Ø: 'O', ø: 'O', Œ: 'OE', œ: 'OE', Ł: 'L', ł: 'L', Đ: 'D', đ: 'D',
  Þ: 'TH', þ: 'TH', Ð: 'D', ð: 'D', ı: 'I', Ħ: 'H', ħ: 'H', Ŀ: 'L', ŀ: 'L', Ŧ: 'T', ŧ: 'T', ĸ: 'K', Ŋ: 'NG', ŋ: 'NG',
};
const APOSTROPHES = new Set([0x2018, 0x2019, 0x201b, 0x02bc, 0x02b9, 0x00b4]);
const SCRIPTS = ['Cyrillic', 'Greek', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Arabic', 'Hebrew', 'Thai', 'Devanagari', 'Armenian', 'Georgian', 'Ethiopic', 'Bengali', 'Tamil'] as const;
const SCRIPT_RES = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);
const LETTER_RE = /\p{L}/u;
const MARK_RE = /\p{M}/u;

type Fold = { kind: Kind; text: string; script?: string };
const foldCache = new Map<number, Fold>();

function foldNonAscii(cp: number): Fold {
  let f = foldCache.get(cp);
  if (f) return f;
  const ch = String.fromCodePoint(cp);
  if (APOSTROPHES.has(cp)) f = { kind: Kind.Drop, text: '' };
  else if (SPECIAL_FOLDS[ch]) f = { kind: Kind.Letter, text: SPECIAL_FOLDS[ch]! };
  else if (MARK_RE.test(ch)) f = { kind: Kind.Drop, text: '' };
  else {
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    if (/^[A-Za-z]+$/.test(base)) f = { kind: Kind.Letter, text: base.toUpperCase() };
    else if (/^[0-9]$/.test(base)) f = { kind: Kind.Digit, text: base };
    else if (LETTER_RE.test(ch)) {
      const script = SCRIPT_RES.find(([, re]) => re.test(ch))?.[0] ?? 'non-Latin';
      f = { kind: Kind.Break, text: ch, script };
    } else if (cp === 0xff06) f = { kind: Kind.And, text: '' }; // fullwidth &
    else f = { kind: Kind.Break, text: '' };
  }
  if (foldCache.size < 20_000) foldCache.set(cp, f);
  return f;
}

/** Normalizes a (cleaned) payee name. Linear in the input, allocation-light on ASCII input. */
export function normalizeName(input: string): NormalizedName {
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) >= 128) return normalizeGeneral(input);
  return normalizeAscii(input);
}

/** Company-form words that may close a name after a comma. */
const LEGAL_FORM_TAIL = new Set(['INC', 'INCORPORATED', 'LLC', 'LC', 'LLP', 'LLLP', 'PLLP', 'LP', 'LTD', 'LIMITED', 'CORP', 'CORPORATION', 'CO', 'COMPANY', 'PC', 'PLLC', 'PLC', 'PA', 'NA']);

function legalTail(tokens: readonly string[], from: number): boolean {
  if (from >= tokens.length) return false;
  for (let t = from; t < tokens.length; t++) if (!LEGAL_FORM_TAIL.has(tokens[t]!)) return false;
  return true;
}

function finish(tokens: string[], commas: number[], latinLetters: number, digits: number, otherLetters: number, otherText: string, otherScript: string | undefined): NormalizedName {
  // A trailing comma says nothing about shape, nor does one before a closing legal form ("ACME, INC." is
  // "ACME INC"): sources differ in that comma alone, and a model must not learn the source from it.
  while (commas.length > 0 && commas[commas.length - 1] === tokens.length - 1) commas.pop();
  while (commas.length > 0 && legalTail(tokens, commas[commas.length - 1]! + 1)) commas.pop();
  const key = tokens.join(' ');
  let display = key;
  if (commas.length > 0) {
    let s = '';
    let ci = 0;
    for (let t = 0; t < tokens.length; t++) {
      if (t > 0) s += ' ';
      s += tokens[t];
      if (ci < commas.length && commas[ci] === t) {
        s += ',';
        ci++;
      }
    }
    display = s;
  }
  return { display, key, tokens, commas, latinLetters, digits, otherLetters, otherText, otherScript };
}

/** ASCII input: words are slices of the upper-cased input (no per-character string building). */
function normalizeAscii(input: string): NormalizedName {
  const up = input.toUpperCase();
  const tokens: string[] = [];
  const commas: number[] = [];
  let start = -1;
  let piece = '';
  let latinLetters = 0;
  let digits = 0;
  let lastWasAnd = false;
  const flush = (end: number) => {
    const tok = start >= 0 ? (piece === '' ? up.slice(start, end) : piece + up.slice(start, end)) : piece;
    start = -1;
    piece = '';
    if (tok !== '') {
      if (!(lastWasAnd && tok === 'AMP')) tokens.push(tok);
      lastWasAnd = false;
    }
  };
  const len = up.length;
  for (let i = 0; i < len; i++) {
    const kind = ASCII_KIND[up.charCodeAt(i)] as Kind;
    if (kind === Kind.Letter || kind === Kind.Digit) {
      if (start < 0) start = i;
      if (kind === Kind.Letter) latinLetters++;
      else digits++;
    } else if (kind === Kind.Drop) {
      if (start >= 0) {
        piece += up.slice(start, i);
        start = -1;
      }
    } else {
      flush(i);
      if (kind === Kind.Comma) {
        if (tokens.length > 0 && commas[commas.length - 1] !== tokens.length - 1) commas.push(tokens.length - 1);
      } else if (kind === Kind.And) {
        tokens.push('AND');
        lastWasAnd = true;
      }
    }
  }
  flush(len);
  return finish(tokens, commas, latinLetters, digits, 0, '', undefined);
}

function normalizeGeneral(input: string): NormalizedName {
  const tokens: string[] = [];
  const commas: number[] = [];
  let current = '';
  let latinLetters = 0;
  let digits = 0;
  let otherLetters = 0;
  let otherText = '';
  let otherScript: string | undefined;
  let lastWasAnd = false;
  const flush = () => {
    if (current !== '') {
      // "&amp;" (an HTML entity left in exported data) is one AND, not "AND AMP".
      if (!(current === 'AMP' && lastWasAnd)) tokens.push(current);
      lastWasAnd = false;
      current = '';
    }
  };
  const len = input.length;
  for (let i = 0; i < len; i++) {
    let c = input.charCodeAt(i);
    let kind: Kind;
    let text: string | undefined;
    if (c < 128) {
      kind = ASCII_KIND[c] as Kind;
      if (kind === Kind.Letter && c >= 97) c -= 32;
    } else {
      let cp = c;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
        cp = input.codePointAt(i)!;
        if (cp > 0xffff) i++;
      }
      const f = foldNonAscii(cp);
      kind = f.kind;
      text = f.text;
      if (f.script) {
        otherLetters++;
        if (current !== '' && otherText !== '' && !otherText.endsWith(' ')) otherText += ' ';
        otherText += f.text;
        otherScript ??= f.script;
        flush();
        continue;
      }
    }
    switch (kind) {
      case Kind.Letter:
        if (text === undefined) {
          current += String.fromCharCode(c);
          latinLetters++;
        } else {
          current += text;
          latinLetters += text.length;
        }
        break;
      case Kind.Digit:
        current += text ?? String.fromCharCode(c);
        digits++;
        break;
      case Kind.Drop:
        break;
      case Kind.Comma:
        flush();
        if (tokens.length > 0 && commas[commas.length - 1] !== tokens.length - 1) commas.push(tokens.length - 1);
        break;
      case Kind.And:
        flush();
        tokens.push('AND');
        lastWasAnd = true;
        break;
      default:
        flush();
        if (otherText !== '' && !otherText.endsWith(' ')) otherText += ' ';
    }
  }
  flush();
  return finish(tokens, commas, latinLetters, digits, otherLetters, otherText.trim(), otherScript);
}
