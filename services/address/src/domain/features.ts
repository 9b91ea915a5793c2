// Features of each token for the sequence model. One implementation serves training (the export script
// writes them for the trainer) and run time (the tagger looks their weights up), so the two never drift.
// Knowledge comes from USPS tables (suffixes, unit designators, directionals, states, box forms) and from
// the ZIP database (is this span a known place, is it the place of the ZIP written next to it).
import {
  BOX_WORDS, COUNTRY_WORDS, DIRECTIONAL, NUMBER_WORDS, ORG_WORDS, RECIPIENT_MARKERS, ROUTE_GROUP_WORDS, STATE_CODE,
  STATE_NAME_BY_CODE, STATE_NAME_WORDS, SUFFIX_ABBREVIATION, UNIT_DESIGNATOR,
} from './tables.js';
import type { Token } from './tokens.js';
import { cityKey, type ZipDatabase } from './zipdb.js';

/** Shape class of a normalized token. */
export function shapeOf(norm: string): string {
  if (/^\d+$/.test(norm)) return norm.length >= 6 ? 'd6+' : `d${norm.length}`;
  if (/^\d{5}-\d{4}$/.test(norm) || /^\d{9}$/.test(norm)) return 'zip9';
  if (/^\d+(ST|ND|RD|TH)$/.test(norm)) return 'ord';
  if (/^\d+\/\d+$/.test(norm) || norm === '½') return 'frac';
  if (/^\d+-\d+$/.test(norm)) return 'd-d';
  if (/^\d+[A-Z]$/.test(norm)) return 'dA';
  if (/^[A-Z]\d+$/.test(norm)) return 'Ad';
  if (/^[A-Z]$/.test(norm)) return 'A';
  if (/^[A-Z]+$/.test(norm)) return norm.length === 2 ? 'AA' : 'w';
  if (/^[A-Z]+[-'/][A-Z]+$/.test(norm)) return 'w-w';
  if (/^[A-Z0-9]+$/.test(norm)) return 'an';
  if (/^[A-Z0-9-]+$/.test(norm)) return 'an-';
  if (norm === '#' || norm === '&' || norm === '%') return norm;
  if (/\p{L}/u.test(norm) && !/[A-Z]/.test(norm)) return 'nonlatin';
  return 'p';
}

const MULTI_WORD_STATE_FIRST = new Set([...STATE_CODE.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]!));
const isZip5 = (n: string) => /^\d{5}$/.test(n);
const isZipLike = (n: string) => /^\d{5}(-\d{4})?$/.test(n) || /^\d{9}$/.test(n);

/** Per-token dictionary flags (without context). */
function lexicalFlags(t: Token, out: string[]): void {
  const n = t.norm;
  if (DIRECTIONAL.has(n)) out.push('dir');
  if (SUFFIX_ABBREVIATION.has(n)) out.push('sfx');
  if (UNIT_DESIGNATOR.has(n)) out.push('unit');
  if (n.length === 2 && STATE_NAME_BY_CODE.has(n)) out.push('st2');
  else if (STATE_CODE.has(n)) out.push('stname');
  if (STATE_NAME_WORDS.has(n)) out.push('stw');
  if (BOX_WORDS.has(n)) out.push('box');
  if (ROUTE_GROUP_WORDS.has(n)) out.push('rr');
  if (RECIPIENT_MARKERS.has(n) || /^C\/?O$/.test(n)) out.push('rcp');
  if (ORG_WORDS.has(n)) out.push('org');
  if (COUNTRY_WORDS.has(n)) out.push('ctry');
  if (NUMBER_WORDS.has(n)) out.push('numw');
}

export interface FeatureContext {
  zipdb: ZipDatabase;
}

/**
 * Gazetteer spans: a run of tokens that spells a known place (ZIP database) or a state name and sits
 * where a place can sit (before a state, a ZIP, a segment end, or the end). Returns per-token tags.
 */
function gazetteer(tokens: Token[], ctx: FeatureContext): { city: string[]; state: string[] } {
  const n = tokens.length;
  const city = new Array<string>(n).fill('');
  const state = new Array<string>(n).fill('');
  // The ZIP written in the address (first 5-digit token), to check "this span is the ZIP's place".
  let zipCityKeys: Set<string> | undefined;
  let zipState: string | undefined;
  for (let i = n - 1; i >= 0; i--) {
    const m = /^(\d{5})(?:-?\d{4})?$/.exec(tokens[i]!.norm);
    if (m) {
      const rec = ctx.zipdb.lookup(m[1]!);
      if (rec) {
        zipCityKeys = new Set([cityKey(rec.city), ...rec.alternates.map(cityKey)]);
        zipState = rec.state;
      }
      break;
    }
  }
  const stateAt = (i: number): string | undefined => {
    if (i >= n) return undefined;
    let key = '';
    let found: string | undefined;
    for (let j = i; j < Math.min(n, i + 4); j++) {
      key = j === i ? tokens[j]!.norm : `${key} ${tokens[j]!.norm}`;
      const code = STATE_CODE.get(key);
      if (code) found = code;
      if (j > i && !STATE_NAME_WORDS.has(tokens[j]!.norm)) break;
    }
    return found;
  };
  // Multi-word state names.
  for (let i = 0; i < n; i++) {
    if (!MULTI_WORD_STATE_FIRST.has(tokens[i]!.norm)) continue;
    for (let len = Math.min(4, n - i); len >= 2; len--) {
      if (STATE_CODE.has(tokens.slice(i, i + len).map((t) => t.norm).join(' '))) {
        for (let k = i; k < i + len; k++) state[k] = k === i ? 'B' : 'I';
        i += len - 1;
        break;
      }
    }
  }
  const ck = tokens.map((t) => (/[A-Z]/.test(t.norm) ? cityKey(t.norm) : ''));
  const prefixes = ctx.zipdb.cityPrefixes;
  for (let i = 0; i < n; i++) {
    let key = ck[i]!;
    if (key === '' || !prefixes.has(key)) continue;
    let best = -1;
    let bestStates: { has(state: string): boolean } | undefined;
    let bestKey = '';
    for (let j = i; j < n; j++) {
      if (j > i) {
        if (tokens[j - 1]!.endsSegment || ck[j] === '') break;
        key = `${key} ${ck[j]}`;
        if (!prefixes.has(key)) break;
      }
      const states = ctx.zipdb.statesOfCityKey(key);
      if (!states) continue;
      const next = tokens[j + 1];
      const boundary = !next || tokens[j]!.endsSegment || next.line !== tokens[j]!.line || isZipLike(next.norm) || stateAt(j + 1) !== undefined;
      if (!boundary) continue;
      best = j;
      bestStates = states;
      bestKey = key;
    }
    if (best < 0) continue;
    let tag = 'c';
    const st = stateAt(best + 1) ?? zipState;
    if (st && bestStates!.has(st)) tag = 'cs';
    if (zipCityKeys?.has(bestKey)) tag = 'cz';
    const multi = best > i ? 'm' : '';
    for (let k = i; k <= best; k++) city[k] = `${tag}${k === i ? 'B' : 'I'}${multi}`;
    i = best;
  }
  return { city, state };
}

/** Features of a token that depend on its own text only (so the tagger can cache them per text). */
export function intrinsicFeatures(t: Token, ctx: FeatureContext): string[] {
  const f: string[] = [];
  const shape = shapeOf(t.norm);
  f.push(`s=${shape}`);
  if (shape === 'w' || shape === 'AA' || shape === 'A' || shape === 'ord' || shape === 'w-w' || shape === 'an' || shape === '#' || shape === '&' || shape === '%') {
    f.push(`w=${t.norm}`);
  }
  if (shape === 'w') f.push(`len=${Math.min(t.norm.length, 8)}`);
  if (shape === 'w' && !/[AEIOUY]/.test(t.norm.slice(1))) f.push('novowel');
  if (t.raw.endsWith('.') || /\.[,;)]$/.test(t.raw)) f.push('dot');
  lexicalFlags(t, f);
  if (isZip5(t.norm)) f.push(ctx.zipdb.lookup(t.norm) ? 'zipknown' : 'zipunknown');
  return f;
}

/** The part of a token's intrinsic features its neighbours see (prefixed with their offset). */
export function neighbourFeatures(intrinsic: readonly string[]): string[] {
  return intrinsic.filter((x) => !x.startsWith('len=') && x !== 'novowel');
}

/** Prefix of a neighbour's features by offset d = j - i. */
export const OFFSET_PREFIX: Record<number, string> = { [-2]: 'p2:', [-1]: 'p1:', 1: 'n1:', 2: 'n2:' };
export const NEIGHBOUR_OFFSETS = [-2, -1, 1, 2] as const;

export interface FeatureVisitor {
  /** Token i gets token j's intrinsic features: its own (d = 0) or a neighbour's (prefixed). */
  token(i: number, j: number, d: number): void;
  /** Any other feature of token i (position, gazetteer). */
  feature(i: number, f: string): void;
  /** The word-pair feature of token i with token i-1 (see pairFeature); defaults to feature(). */
  pair?(i: number): void;
}

/** Word pair with the previous token (the model learns phrases such as "PO BOX", "SUITE 100"). */
export function pairFeature(prev: Token, t: Token): string {
  const shape = shapeOf(t.norm);
  return `pw=${prev.norm}|${shape === 'w' || shape === 'AA' ? t.norm : shape}`;
}

const constants = (name: string, n: number) => Array.from({ length: n + 1 }, (_, k) => `${name}=${k}`);
const FROM_END = constants('fromEnd', 5);
const SEG = constants('seg', 3);
const SEG_FROM_END = constants('segFromEnd', 3);
const tagStrings = new Map<string, string>();
const tagged = (prefix: string, tag: string) => {
  const key = prefix + tag;
  let v = tagStrings.get(key);
  if (v === undefined) tagStrings.set(key, (v = key));
  return v;
};

/** Walks every feature of every token (see FeatureVisitor). */
export function visitFeatures(tokens: Token[], ctx: FeatureContext, v: FeatureVisitor): void {
  const n = tokens.length;
  if (n === 0) return;
  const gaz = gazetteer(tokens, ctx);
  let lastZipIdx = -1;
  let firstNumIdx = -1;
  let firstBoxIdx = -1;
  for (let i = 0; i < n; i++) {
    const nm = tokens[i]!.norm;
    if (isZipLike(nm)) lastZipIdx = i;
    if (firstNumIdx < 0 && nm.charCodeAt(0) >= 48 && nm.charCodeAt(0) <= 57) firstNumIdx = i;
    if (firstBoxIdx < 0 && (nm === 'BOX' || nm === 'POB' || nm === 'PO' || nm === 'POBOX')) firstBoxIdx = i;
  }
  const lastLine = tokens[n - 1]!.line;
  const lastSeg = tokens[n - 1]!.segment;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    v.feature(i, 'bias');
    v.token(i, i, 0);
    if (gaz.city[i]) v.feature(i, tagged('g=', gaz.city[i]!));
    if (gaz.state[i]) v.feature(i, tagged('gs=', gaz.state[i]!));
    if (i === 0) v.feature(i, 'first');
    if (i === n - 1) v.feature(i, 'last');
    v.feature(i, FROM_END[Math.min(n - 1 - i, 5)]!);
    if (t.endsSegment) v.feature(i, 'segEnd');
    if (t.raw.startsWith('(')) v.feature(i, 'lpar');
    if (i === 0 || tokens[i - 1]!.line !== t.line) v.feature(i, 'lineStart');
    if (i === n - 1 || tokens[i + 1]!.line !== t.line) v.feature(i, 'lineEnd');
    if (lastLine > 0) v.feature(i, t.line === lastLine ? 'lastLine' : t.line === 0 ? 'firstLine' : 'midLine');
    if (lastSeg > 0) {
      v.feature(i, SEG_FROM_END[Math.min(lastSeg - t.segment, 3)]!);
      v.feature(i, SEG[Math.min(t.segment, 3)]!);
    }
    if (lastZipIdx >= 0) v.feature(i, i < lastZipIdx ? 'beforeZip' : i === lastZipIdx ? 'atZip' : 'afterZip');
    if (firstNumIdx >= 0) v.feature(i, i < firstNumIdx ? 'beforeNum' : i === firstNumIdx ? 'atNum' : 'afterNum');
    if (firstBoxIdx >= 0 && i > firstBoxIdx) v.feature(i, 'afterBox');
    for (const d of NEIGHBOUR_OFFSETS) {
      const j = i + d;
      const p = OFFSET_PREFIX[d]!;
      if (j < 0) {
        v.feature(i, tagged(p, 'BOS'));
        continue;
      }
      if (j >= n) {
        v.feature(i, tagged(p, 'EOS'));
        continue;
      }
      v.token(i, j, d);
      if (gaz.city[j]) v.feature(i, tagged(`${p}g=`, gaz.city[j]!));
      if (gaz.state[j]) v.feature(i, tagged(`${p}gs=`, gaz.state[j]!));
      if (d === -1 && tokens[j]!.endsSegment) v.feature(i, 'p1:segEnd');
      if (d === 1 && t.endsSegment) v.feature(i, 'n1:afterSeg');
    }
    if (i > 0) {
      if (v.pair) v.pair(i);
      else v.feature(i, pairFeature(tokens[i - 1]!, t));
    }
  }
}

/**
 * Calls `emit(i, feature)` for every feature of every token, as strings (training export; the tagger
 * walks the same features through visitFeatures with cached weights).
 */
export function extractFeatures(tokens: Token[], ctx: FeatureContext, emit: (i: number, feature: string) => void): void {
  const own = tokens.map((t) => intrinsicFeatures(t, ctx));
  const seen = own.map(neighbourFeatures);
  visitFeatures(tokens, ctx, {
    token(i, j, d) {
      if (d === 0) for (const f of own[j]!) emit(i, f);
      else for (const f of seen[j]!) emit(i, OFFSET_PREFIX[d]! + f);
    },
    feature: emit,
  });
}
