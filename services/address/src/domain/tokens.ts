// Tokenization of address text with character offsets, line and comma-segment positions. Mirrors the
// usaddress tokenization (tokens start at a letter or digit; "#", "&" stand alone; trailing ".,;)" stay
// attached) and additionally keeps "%" (the IRS care-of marker) as a token.
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
}

const TOKEN = /\(*(?=[\p{L}\p{N}_½¼¾])[^\s,;#&()%]+[.,;)]*|[#&%]/gu;

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

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 0;
  let segment = 0;
  let scanned = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const raw = m[0];
    const start = m.index;
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
    const endsWithSep = /[,;]\)?$/.test(raw) || /[,;][.)]*$/.test(raw);
    tokens.push({ raw, start, end: start + raw.length, norm: normalizeToken(raw), text: tokenText(raw), line, segment, endsSegment: endsWithSep, label: '', confidence: 0 });
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
