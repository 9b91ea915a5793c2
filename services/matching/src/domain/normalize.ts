// Name normalization for matching: what real AP data needs so that "The Smith & Sons Co., Inc." and
// "SMITH AND SONS" land on the same tokens. Steps, in order: transliteration to ASCII (diacritics,
// non-Latin scripts), upper case, appendix split (DBA / AKA / FKA become extra names; C/O, ATTN and "%"
// lines are dropped as not the payee), & and + → AND, periods and apostrophes joined ("L.L.C." → LLC),
// other punctuation → space, runs of single letters joined ("J P MORGAN" → JP MORGAN), phrases and
// abbreviations mapped to full words (NATL → NATIONAL, ST/SAINT → ST, FCU → FEDERAL CREDIT UNION),
// plurals folded, stop words dropped (leading THE included) and trailing legal forms stripped
// (INC, L.L.C., CORPORATION, CO, LTD, PLLC, LLP, N.A. …) — never emptying the name. Word order is
// handled by the matcher, which compares token sets.
import anyAscii from 'any-ascii';
import { ABBREVIATIONS, LEGAL_ANYWHERE, LEGAL_FORMS, LEGAL_PHRASES, PHRASES, STOPWORDS } from './vocabulary.js';

export interface NormalizedName {
  /** Canonical tokens in their original order. */
  tokens: string[];
  /** Legal forms that were stripped (canonical spelling), e.g. ["LLC"]. */
  legalForms: string[];
}

export interface NameParts {
  /** The name itself. */
  main: NormalizedName;
  /** Other names the text declares (after DBA / AKA / FKA / T/A). */
  alternates: NormalizedName[];
}

const NON_ASCII = /[^\x00-\x7f]/;

/** ASCII transliteration (diacritics removed, other scripts romanized), upper-cased. */
export function toAsciiUpper(raw: string): string {
  const s = NON_ASCII.test(raw) ? anyAscii(raw.normalize('NFC')) : raw;
  return s.toUpperCase();
}

/** Case- and whitespace-folded text: the comparison behind the EXACT match type. */
export function foldExact(raw: string): string {
  return toAsciiUpper(raw).replace(/\s+/g, ' ').trim();
}

// Appendix markers, matched on upper-cased ASCII text before punctuation is removed.
const ALTERNATE_MARKER = /(?:^|[\s,;(])(?:D\s*\/\s*B\s*\/\s*A|D\.\s*B\.\s*A\.?|DBA|DOING BUSINESS AS|T\s*\/\s*A|TRADING AS|A\s*\/\s*K\s*\/\s*A|A\.\s*K\.\s*A\.?|AKA|F\s*\/\s*K\s*\/\s*A|F\.\s*K\.\s*A\.?|FKA|FORMERLY KNOWN AS|FORMERLY)(?=[\s:,.)-]|$)/;
const CARE_OF_MARKER = /(?:^|[\s,;(])(?:C\s*\/\s*O|C\.\s*O\.|CARE OF|IN CARE OF|ATTN|ATTENTION|%)(?=[\s:,.)]|$)|%/;

/** Splits raw upper-cased text into the name and its DBA/AKA alternates; care-of appendices are cut. */
export function splitAppendices(upper: string): { main: string; alternates: string[] } {
  const parts: string[] = [];
  let rest = upper;
  for (let guard = 0; guard < 4; guard++) {
    const m = ALTERNATE_MARKER.exec(rest);
    if (!m) break;
    parts.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  parts.push(rest);
  const cut = (s: string) => {
    const m = CARE_OF_MARKER.exec(s);
    if (!m) return s;
    const before = s.slice(0, m.index);
    // A name that starts with the care-of marker keeps its text: there is nothing else.
    return /[A-Z0-9]/.test(before) ? before : s.slice(m.index + m[0].length);
  };
  const cleaned = parts.map(cut).filter((p) => /[A-Z0-9]/.test(p));
  if (cleaned.length === 0) return { main: upper, alternates: [] };
  return { main: cleaned[0]!, alternates: cleaned.slice(1) };
}

/** Raw tokens: & and + become AND, periods/apostrophes join, other punctuation separates. */
export function rawTokens(upper: string): string[] {
  // One pass, same result as replacing [&+] by " AND ", deleting ['`.] and splitting on [^A-Z0-9]+.
  const out: string[] = [];
  let joined = '';
  let runStart = -1;
  for (let i = 0; i < upper.length; i++) {
    const c = upper.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0) {
      joined += upper.slice(runStart, i);
      runStart = -1;
    }
    if (c === 39 /* ' */ || c === 96 /* ` */ || c === 46 /* . */) continue;
    if (joined !== '') {
      out.push(joined);
      joined = '';
    }
    if (c === 38 /* & */ || c === 43 /* + */) out.push('AND');
  }
  if (runStart >= 0) joined += upper.slice(runStart);
  if (joined !== '') out.push(joined);
  return out;
}

function replacePhrases(tokens: string[], phrases: ReadonlyArray<readonly [string[], string[]]>): string[] {
  if (tokens.length < 2) return tokens;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let matched = false;
    for (const [from, to] of phrases) {
      if (i + from.length > tokens.length || tokens[i] !== from[0]) continue;
      let ok = true;
      for (let k = 1; k < from.length; k++) if (tokens[i + k] !== from[k]) ok = false;
      if (!ok) continue;
      out.push(...to);
      i += from.length;
      matched = true;
      break;
    }
    if (!matched) out.push(tokens[i++]!);
  }
  return out;
}

/** Joins runs of two or more single letters: "J P MORGAN" → "JP MORGAN", "L L C" → "LLC". */
function joinLetterRuns(tokens: string[]): string[] {
  const out: string[] = [];
  let run = '';
  for (const t of tokens) {
    if (t.length === 1 && t >= 'A' && t <= 'Z') {
      run += t;
      continue;
    }
    if (run) out.push(run);
    run = '';
    out.push(t);
  }
  if (run) out.push(run);
  return out;
}

/** Folds English plurals so SERVICES/SERVICE, MINISTRIES/MINISTRY, ST JOHNS/ST JOHN meet. */
export function foldPlural(t: string): string {
  const n = t.length;
  if (n < 4 || t.charCodeAt(n - 1) !== 83 /* S */) return t;
  if (/[0-9]/.test(t)) return t;
  if (t.endsWith('IES') && n >= 5) return `${t.slice(0, -3)}Y`;
  if (t.endsWith('SSES') || t.endsWith('CHES') || t.endsWith('SHES') || t.endsWith('XES')) return t.slice(0, -2);
  if (t.endsWith('SS') || t.endsWith('US') || t.endsWith('IS')) return t;
  return t.slice(0, -1);
}

/** Abbreviations with their canonical words (expanded, plurals folded), computed once. */
const CANONICAL_ABBREVIATIONS = new Map(Object.entries(ABBREVIATIONS).map(([from, to]) => [from, to.split(' ').map(foldPlural)]));

/** Appends the canonical form(s) of one raw token: abbreviations expanded, plurals folded. */
function pushCanonical(out: string[], t: string): void {
  const mapped = CANONICAL_ABBREVIATIONS.get(t);
  if (mapped === undefined) out.push(foldPlural(t));
  else for (const m of mapped) out.push(m);
}

const HAS_PHRASE_START = new Set([...PHRASES.map(([from]) => from[0]!), ...LEGAL_PHRASES.map(([from]) => from[0]!)]);

/** Normalizes one name (no appendix handling): the tokens the index and matcher compare. */
export function normalizeTokens(upper: string): NormalizedName {
  let tokens = joinLetterRuns(rawTokens(upper));
  if (tokens.length === 0) return { tokens: [], legalForms: [] };
  if (tokens.length > 1 && tokens.some((t) => HAS_PHRASE_START.has(t))) {
    tokens = replacePhrases(tokens, PHRASES);
    // Legal phrases only where a legal form stands: at the end ("... NATIONAL ASSOCIATION" is N.A.,
    // "NATIONAL ASSOCIATION OF LETTER CARRIERS" is not).
    for (const [from, to] of LEGAL_PHRASES) {
      const at = tokens.length - from.length;
      if (at >= 1 && from.every((f, k) => tokens[at + k] === f)) {
        tokens = [...tokens.slice(0, at), to];
        break;
      }
    }
  }
  // Trailing legal forms, possibly several ("CO INC", "COMPANY LIMITED"); never the only word left.
  let legalForms: string[] | undefined;
  let end = tokens.length;
  while (end > 1 && LEGAL_FORMS.has(tokens[end - 1]!)) {
    // Keep a legal word that is the only content after stop words ("THE COMPANY").
    if (end === 2 && STOPWORDS.has(tokens[0]!)) break;
    (legalForms ??= []).unshift(tokens[end - 1]!);
    end -= 1;
  }
  // Unambiguous legal forms go wherever they stand ("ACME INC OF GEORGIA"); short ones that are also
  // words or state codes (CO, PA, SC, PC) only at the end.
  const canon: string[] = [];
  let content = 0;
  for (let i = 0; i < end; i++) {
    const t = tokens[i]!;
    if (end > 1 && LEGAL_ANYWHERE.has(t)) {
      (legalForms ??= []).push(t);
      continue;
    }
    pushCanonical(canon, t);
  }
  for (const t of canon) if (!STOPWORDS.has(t)) content += 1;
  if (canon.length === 0) {
    // Only legal words: keep them.
    for (let i = 0; i < end; i++) pushCanonical(canon, tokens[i]!);
    return { tokens: canon, legalForms: [] };
  }
  return { tokens: content > 0 && content < canon.length ? canon.filter((t) => !STOPWORDS.has(t)) : canon, legalForms: legalForms ?? [] };
}

/** Full normalization of a payee or supplier name, with DBA/AKA alternates. */
export function normalizeName(raw: string): NameParts {
  const upper = toAsciiUpper(raw);
  const { main, alternates } = splitAppendices(upper);
  const mainNorm = normalizeTokens(main);
  // A name whose appendix split left nothing usable falls back to the whole text.
  const usableMain = mainNorm.tokens.length > 0 ? mainNorm : normalizeTokens(upper);
  return {
    main: usableMain,
    alternates: alternates.map(normalizeTokens).filter((n) => n.tokens.length > 0),
  };
}

/** The order-insensitive key behind the NORMALIZED match type. */
export function normalizedKey(tokens: readonly string[]): string {
  return [...tokens].sort().join(' ');
}

/** A readable normalized form (tokens in order), returned to callers as `normalized_name`. */
export function displayNormalized(parts: NameParts): string {
  const main = parts.main.tokens.join(' ');
  return parts.alternates.length ? [main, ...parts.alternates.map((a) => a.tokens.join(' '))].join(' | ') : main;
}
