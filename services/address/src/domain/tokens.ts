// Tokenization of address text with character offsets, line and comma-segment positions. Mirrors the
// usaddress tokenization (tokens start at a letter or digit; "#", "&" stand alone; trailing ".,;)" stay
// attached) and additionally keeps "%" (the IRS care-of marker) as a token.
import { STATE_CODE } from './tables.js';
export interface Token {
  /** Raw text as in the input, trailing punctuation included ("Street,"). */
  raw: string;
  /** Offset of the first character in the input. */
  start: number;
  end: number;
  /** Upper case, accents folded, surrounding punctuation and inner periods removed ("P.O." → "PO"). */
  norm: string;
  /** 0-based line of the input. */
  line: number;
  /** 0-based comma/semicolon/line segment. */
  segment: number;
  /** The token ends its segment (trailing comma/semicolon, or the next token is on another line). */
  endsSegment: boolean;
  /** The text without surrounding punctuation, as written ("Street," → "Street"). */
  text: string;
  /** Filled by the parser (present from the start so every token object has one shape). */
  label: string;
  confidence: number;
  /** The shared per-text data of this token. */
  lexeme: Lexeme;
}

/** What a token is (the reference the ASCII scanner in tokenize matches exactly). */
export const TOKEN = /\(*(?=[\p{L}\p{N}_½¼¾])[^\s,;#&()%]+[.,;)]*|[#&%]/gu;

export function foldAccents(s: string): string {
  // Fast path: plain ASCII needs no normalization.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s : s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** The normalized form used for features and tables. */
export function normalizeToken(raw: string): string {
  if (raw === '#' || raw === '&' || raw === '%') return raw;
  let s = raw.replace(/^\(+/, '').replace(/[.,;)]+$/, '');
  if (s.includes('.')) s = s.replace(/\./g, '');
  return foldAccents(s).toUpperCase();
}

/** What a token's raw text gives, computed once per distinct text (and shared by every token of that text). */
export interface Lexeme {
  norm: string;
  text: string;
  /** Ends with a comma or semicolon (possibly followed by "." or ")"). */
  endsWithSeparator: boolean;
  /** Has letters, none of them Latin (A–Z after folding): a non-Latin word. */
  nonLatin: boolean;
  /** Only ASCII digits (house numbers, ZIPs: such lexemes are not cached, their texts rarely repeat). */
  digits: boolean;
  /** 12345, 12345-6789 or 123456789. */
  zipLike: boolean;
  /** The first word of a multi-word state name ("NEW", "NORTH", "DIST"…). */
  stateFirst: boolean;
  /** City-name key of the token (ZIP database), filled on first use; '' when it has no Latin letter. */
  cityKey?: string;
  /**
   * What `cityPrefixOwner` (a ZIP database) knows of the city key, filled on first use: the states of the
   * place of that name, null when the key only starts longer place names, undefined when it starts none.
   */
  cityPrefixOwner?: object;
  cityPlace?: { has(state: string): boolean } | null;
  /** placeInfo of this key followed by another word's key, by that key (the same owner; filled on use). */
  cityNext?: Map<string, { has(state: string): boolean } | null | undefined>;
  /** Model data for this text (the model that computed it, and its value), filled by the tagger. */
  modelOwner?: object;
  modelData?: unknown;
}

function computeLexeme(raw: string): Lexeme {
  const norm = normalizeToken(raw);
  return {
    norm,
    text: tokenText(raw),
    endsWithSeparator: /[,;]\)?$/.test(raw) || /[,;][.)]*$/.test(raw),
    nonLatin: /\p{L}/u.test(norm) && !/[A-Z0-9]/.test(norm),
    digits: false,
    zipLike: isZipLike(norm),
    stateFirst: MULTI_WORD_STATE_FIRST.has(norm),
    cityKey: undefined,
    cityPrefixOwner: undefined,
    cityPlace: undefined,
    cityNext: undefined,
    modelOwner: undefined,
    modelData: undefined,
  };
}

/** 12345, 12345-6789 or 123456789. */
export function isZipLike(n: string): boolean {
  const len = n.length;
  if (len !== 5 && len !== 9 && len !== 10) return false;
  return /^\d{5}(-\d{4})?$/.test(n) || /^\d{9}$/.test(n);
}

/** First words of multi-word state names. */
export const MULTI_WORD_STATE_FIRST = new Set([...STATE_CODE.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]!));

function isDigits(raw: string): boolean {
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return raw.length > 0;
}

// Two generations of lexemes: a text seen again is promoted, so the working vocabulary stays cached
// while one-off texts age out; at most 2 × LEXEME_GENERATION entries. The model's weight sums are shared
// between texts with the same weighted features, so an entry is small: 64,000 new words add ~7 MB of heap
// (the earlier 16,000 entries with a private copy of the sums took ~21 MB).
const LEXEME_GENERATION = 32_000;
let young = new Map<string, Lexeme>();
let old = new Map<string, Lexeme>();

export function lexeme(raw: string): Lexeme {
  if (isDigits(raw)) {
    const zipLike = raw.length === 5 || raw.length === 9;
    return { norm: raw, text: raw, endsWithSeparator: false, nonLatin: false, digits: true, zipLike, stateFirst: false, cityKey: '', cityPrefixOwner: undefined, cityPlace: undefined, cityNext: undefined, modelOwner: undefined, modelData: undefined };
  }
  let lx = young.get(raw);
  if (lx !== undefined) return lx;
  lx = old.get(raw) ?? computeLexeme(raw);
  if (young.size >= LEXEME_GENERATION) {
    old = young;
    young = new Map();
  }
  young.set(raw, lx);
  return lx;
}

function isAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 127) return false;
  return true;
}

/** A character that can start a word token (TOKEN's lookahead, ASCII part): a letter, a digit or "_". */
const isWordStart = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
/** Inside a word token (TOKEN's [^\s,;#&()%], ASCII part). */
const isWordChar = (c: number) => !((c >= 9 && c <= 13) || c === 32 || c === 44 || c === 59 || c === 35 || c === 38 || c === 40 || c === 41 || c === 37);
/** Trailing punctuation kept on a word token (TOKEN's [.,;)]). */
const isTrailing = (c: number) => c === 46 || c === 44 || c === 59 || c === 41;

/** Start of the next ASCII token at or after `from` (what TOKEN.exec finds), or -1. */
function nextAsciiToken(text: string, from: number): number {
  const n = text.length;
  for (let p = from; p < n; p++) {
    const c = text.charCodeAt(p);
    if (c === 35 || c === 38 || c === 37) return p;
    if (c === 40) {
      let q = p + 1;
      while (q < n && text.charCodeAt(q) === 40) q++;
      if (q < n && isWordStart(text.charCodeAt(q))) return p;
      p = q - 1;
      continue;
    }
    if (isWordStart(c)) return p;
  }
  return -1;
}

/** End of the ASCII token starting at `start` (see nextAsciiToken). */
function asciiTokenEnd(text: string, start: number): number {
  const n = text.length;
  const c0 = text.charCodeAt(start);
  if (c0 === 35 || c0 === 38 || c0 === 37) return start + 1;
  let p = start;
  while (text.charCodeAt(p) === 40) p++;
  while (p < n && isWordChar(text.charCodeAt(p))) p++;
  while (p < n && isTrailing(text.charCodeAt(p))) p++;
  return p;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 0;
  let segment = 0;
  let scanned = 0;
  // Plain ASCII (nearly every address) is scanned with a char-code loop that matches exactly what TOKEN
  // matches; other text goes through the Unicode regex.
  const ascii = isAscii(text);
  TOKEN.lastIndex = 0;
  let pos = 0;
  for (;;) {
    let start: number;
    let raw: string;
    if (ascii) {
      start = nextAsciiToken(text, pos);
      if (start < 0) break;
      pos = asciiTokenEnd(text, start);
      raw = text.slice(start, pos);
    } else {
      const m = TOKEN.exec(text);
      if (m === null) break;
      raw = m[0];
      start = m.index;
    }
    // Separators between the previous token and this one: new lines and stray commas start segments.
    for (let k = scanned; k < start; k++) {
      const ch = text.charCodeAt(k);
      if (ch === 10) {
        line += 1;
        if (tokens.length > 0 && !tokens[tokens.length - 1]!.endsSegment) {
          tokens[tokens.length - 1]!.endsSegment = true;
          segment += 1;
        }
      } else if ((ch === 44 || ch === 59) && tokens.length > 0 && !tokens[tokens.length - 1]!.endsSegment) {
        tokens[tokens.length - 1]!.endsSegment = true;
        segment += 1;
      }
    }
    const lx = lexeme(raw);
    const endsWithSep = lx.endsWithSeparator;
    tokens.push({ raw, start, end: start + raw.length, norm: lx.norm, text: lx.text, line, segment, endsSegment: endsWithSep, label: '', confidence: 0, lexeme: lx });
    if (endsWithSep) segment += 1;
    scanned = start + raw.length;
  }
  return tokens;
}

/** Text of a token without surrounding punctuation, as written. */
export function tokenText(raw: string): string {
  if (raw === '#' || raw === '&' || raw === '%') return raw;
  return raw.replace(/^\(+/, '').replace(/[,;)]+$/, '').replace(/\.+$/, (m) => (/[A-Za-z]\.[A-Za-z]/.test(raw) ? m : ''));
}
