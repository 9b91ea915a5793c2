// Features of each token for the sequence model. One implementation serves training (the export script
// writes them as strings for the trainer) and run time (the tagger adds their weights), so the two never
// drift. Knowledge comes from USPS tables (suffixes, unit designators, directionals, states, box forms)
// and from the ZIP database (is this span a known place, is it the place of the ZIP written next to it).
//
// Three kinds of features, so that run time never builds a feature string:
//   - intrinsic: depend on the token's own text only (shape, word, table flags); the tagger sums their
//     weights once per distinct token text, as seen from the token itself and from each neighbour offset;
//   - context: position and gazetteer features from a small fixed vocabulary, emitted as integer ids
//     (CONTEXT_FEATURES[id] is the string the trainer sees);
//   - pair: the previous token's word with this token's word or shape (looked up by the two texts).
import {
  BOX_WORDS, BUILDING_WORDS, COUNTRY_WORDS, DIRECTIONAL, NUMBER_WORDS, ORG_WORDS, RECIPIENT_MARKERS, ROUTE_GROUP_WORDS, ROUTE_WORDS, STATE_CODE,
  STATE_NAME_BY_CODE, STATE_NAME_WORDS, SUFFIX_ABBREVIATION, UNIT_DESIGNATOR,
} from './tables.js';
import { isZipLike, type Token } from './tokens.js';
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

const isZip5 = (n: string) => n.length === 5 && /^\d{5}$/.test(n);
export { isZipLike };

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
  if (BUILDING_WORDS.has(n)) out.push('bldw');
}

export interface FeatureContext {
  zipdb: ZipDatabase;
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
  if (isZip5(t.norm)) f.push(ctx.zipdb.rowOf(t.norm) >= 0 ? 'zipknown' : 'zipunknown');
  return f;
}

/** Table words without Latin letters (they get lexical flags, so a signature cannot stand for them). */
const LETTERLESS_TABLE_WORDS = new Set(
  [DIRECTIONAL.keys(), SUFFIX_ABBREVIATION.keys(), UNIT_DESIGNATOR.keys(), STATE_NAME_BY_CODE.keys(), STATE_CODE.keys(), STATE_NAME_WORDS, BOX_WORDS, ROUTE_GROUP_WORDS, RECIPIENT_MARKERS, ORG_WORDS, COUNTRY_WORDS, NUMBER_WORDS, BUILDING_WORDS]
    .flatMap((keys) => [...keys])
    .filter((k) => !/[A-Z]/.test(k)),
);
const DIGIT_SIGNATURES = Array.from({ length: 7 }, (_, len) => ['', 'K', 'U'].map((zip) => [0, 1].map((dot) => `\u0001d${len}|${dot}|${zip}`)));

/**
 * A key that determines a token's intrinsic features when they do not depend on its exact text: tokens
 * without letters (house numbers, ZIPs, box numbers) have only a shape, a trailing-dot flag and, for
 * five digits, whether the ZIP exists. Undefined for every other token (its text is the key).
 */
export function intrinsicSignature(t: Token, ctx: FeatureContext): string | undefined {
  const n = t.norm;
  let digits = true;
  for (let k = 0; k < n.length; k++) {
    const c = n.charCodeAt(k);
    if (c >= 48 && c <= 57) continue;
    digits = false;
    if ((c >= 65 && c <= 90) || c > 127 || c === 35 || c === 37 || c === 38) return undefined;
  }
  if (n.length === 0 || LETTERLESS_TABLE_WORDS.has(n)) return undefined;
  const raw = t.raw;
  const dot = raw.endsWith('.') || /\.[,;)]$/.test(raw) ? 1 : 0;
  const zip = n.length === 5 && digits ? (ctx.zipdb.rowOf(n) >= 0 ? 'K' : 'U') : '';
  if (digits) return DIGIT_SIGNATURES[Math.min(n.length, 6)]![zip === '' ? 0 : zip === 'K' ? 1 : 2]![dot]!;
  return `\u0001${shapeOf(n)}|${dot}|${zip}`;
}

/** Whether some table word is all digits (then digit tokens need intrinsicSignature's table check). */
const DIGIT_TABLE_WORD = [...LETTERLESS_TABLE_WORDS].some((w) => /^\d+$/.test(w));

/**
 * intrinsicSignature of a token whose raw text is all ASCII digits (its norm is that text), without the
 * character scan and the table and punctuation checks that cannot apply to it.
 */
export function digitSignature(t: Token, ctx: FeatureContext): string | undefined {
  const n = t.norm;
  if (DIGIT_TABLE_WORD || n.length === 0) return intrinsicSignature(t, ctx);
  const zip = n.length === 5 ? (ctx.zipdb.rowOf(n) >= 0 ? 1 : 2) : 0;
  return DIGIT_SIGNATURES[Math.min(n.length, 6)]![zip]![0]!;
}

/** The part of a token's intrinsic features its neighbours see (prefixed with their offset). */
export function neighbourFeatures(intrinsic: readonly string[]): string[] {
  return intrinsic.filter((x) => !x.startsWith('len=') && x !== 'novowel');
}

/** Prefix of a neighbour's features by offset d = j - i. */
export const OFFSET_PREFIX: Record<number, string> = { [-2]: 'p2:', [-1]: 'p1:', 1: 'n1:', 2: 'n2:' };
export const NEIGHBOUR_OFFSETS = [-2, -1, 1, 2] as const;

/** What the word-pair feature of a token keeps of it: the word for plain words, else the shape. */
export function pairKeyOf(norm: string): string {
  const shape = shapeOf(norm);
  return shape === 'w' || shape === 'AA' ? norm : shape;
}

/** Word pair with the previous token (the model learns phrases such as "PO BOX", "SUITE 100"). */
export function pairFeature(prev: Token, t: Token): string {
  return `pw=${prev.norm}|${pairKeyOf(t.norm)}`;
}

// ---- Context feature vocabulary -------------------------------------------------------------------------

/** Context feature strings by id (what the trainer sees); ids are what run time uses. */
export const CONTEXT_FEATURES: string[] = [];
const contextId = (name: string): number => {
  const k = CONTEXT_FEATURES.indexOf(name);
  if (k >= 0) return k;
  CONTEXT_FEATURES.push(name);
  return CONTEXT_FEATURES.length - 1;
};
const F = {
  bias: contextId('bias'), first: contextId('first'), last: contextId('last'), segEnd: contextId('segEnd'), lpar: contextId('lpar'),
  lineStart: contextId('lineStart'), lineEnd: contextId('lineEnd'), lastLine: contextId('lastLine'), firstLine: contextId('firstLine'),
  midLine: contextId('midLine'), beforeZip: contextId('beforeZip'), atZip: contextId('atZip'), afterZip: contextId('afterZip'),
  beforeNum: contextId('beforeNum'), atNum: contextId('atNum'), afterNum: contextId('afterNum'), afterBox: contextId('afterBox'),
  p1SegEnd: contextId('p1:segEnd'), n1AfterSeg: contextId('n1:afterSeg'),
};
const FROM_END = Array.from({ length: 6 }, (_, k) => contextId(`fromEnd=${k}`));
/** Tokens since the first number (1…5+): street words come right after it, place names later. */
const SINCE_NUM = Array.from({ length: 6 }, (_, k) => contextId(`sinceNum=${k}`));
/** Position within the comma segment (0…3+). */
const SEG_POS = Array.from({ length: 4 }, (_, k) => contextId(`segPos=${k}`));
/** A house-number-like token (starts with a digit, not ZIP-shaped) comes later: "1 LINCOLN CTR 5400 LBJ FWY". */
const NUM_AHEAD = contextId('numAhead');
/** A number right after a highway / route word ("HWY 49", "STATE ROUTE 140"): a route number, not a unit. */
const ROUTE_NUM = contextId('routeNum');
const SEG = Array.from({ length: 4 }, (_, k) => contextId(`seg=${k}`));
const SEG_FROM_END = Array.from({ length: 4 }, (_, k) => contextId(`segFromEnd=${k}`));
/** Offset slots: 0 = the token itself, then -2, -1, +1, +2. */
const SLOT_PREFIX = ['', 'p2:', 'p1:', 'n1:', 'n2:'];
const slotOf = (d: number) => (d === 0 ? 0 : d < 0 ? d + 3 : d + 2);
const BOS = SLOT_PREFIX.map((p) => (p ? contextId(`${p}BOS`) : -1));
const EOS = SLOT_PREFIX.map((p) => (p ? contextId(`${p}EOS`) : -1));
/** City gazetteer tags: c (a known place), cs (… in the state written next to it), cz (… the ZIP's place); B/I; m = several words. */
export const CITY_TAGS = ['c', 'cs', 'cz'].flatMap((t) => ['B', 'I'].flatMap((bi) => ['', 'm'].map((m) => `${t}${bi}${m}`)));
const cityCode = (tag: 0 | 1 | 2, inside: boolean, multi: boolean) => 1 + tag * 4 + (inside ? 2 : 0) + (multi ? 1 : 0);
/** [slot][code] → context id (code 0 = no tag). */
const GAZ_CITY = SLOT_PREFIX.map((p) => [-1, ...CITY_TAGS.map((t) => contextId(`${p}g=${t}`))]);
const GAZ_STATE = SLOT_PREFIX.map((p) => [-1, contextId(`${p}gs=B`), contextId(`${p}gs=I`)]);

export interface FeatureVisitor {
  /** Token i gets token j's intrinsic features: its own (d = 0) or a neighbour's (prefixed). */
  token(i: number, j: number, d: number): void;
  /** A context feature of token i (CONTEXT_FEATURES[id]). */
  context(i: number, id: number): void;
  /** The word-pair feature of token i with token i-1 (see pairFeature). */
  pair(i: number): void;
}

// Gazetteer codes per token, reused across calls (the service is single-threaded).
let cityTags = new Uint8Array(64);
let stateTags = new Uint8Array(64);
let cityKeys: string[] = [];

/** Second words of the multi-word state names. */
const STATE_SECOND_WORDS = new Set([...STATE_CODE.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[1]!));

/** The state a state name starting at token i spells (longest of up to 4 words), if any. */
function stateAt(tokens: Token[], i: number): string | undefined {
  const n = tokens.length;
  if (i >= n) return undefined;
  const first = tokens[i]!.norm;
  let found = STATE_CODE.get(first);
  if (!tokens[i]!.lexeme.stateFirst) return found;
  let key = first;
  for (let j = i + 1; j < Math.min(n, i + 4); j++) {
    key = `${key} ${tokens[j]!.norm}`;
    const code = STATE_CODE.get(key);
    if (code) found = code;
    if (!STATE_NAME_WORDS.has(tokens[j]!.norm)) break;
  }
  return found;
}

/**
 * Gazetteer spans: a run of tokens that spells a known place (ZIP database) or a state name and sits
 * where a place can sit (before a state, a ZIP, a segment end, or the end). Fills cityTags / stateTags.
 */
function gazetteer(tokens: Token[], ctx: FeatureContext): void {
  const n = tokens.length;
  if (cityTags.length < n) {
    cityTags = new Uint8Array(n * 2);
    stateTags = new Uint8Array(n * 2);
  }
  cityTags.fill(0, 0, n);
  stateTags.fill(0, 0, n);
  // The ZIP written in the address (last ZIP-like token), to check "this span is the ZIP's place".
  let zipKeys: readonly string[] | undefined;
  let zipState: string | undefined;
  for (let i = n - 1; i >= 0; i--) {
    const norm = tokens[i]!.norm;
    if (tokens[i]!.lexeme.zipLike) {
      const zip5 = norm.slice(0, 5);
      const keys = ctx.zipdb.placeKeys(zip5);
      if (keys) {
        zipKeys = keys;
        zipState = ctx.zipdb.stateOf(zip5);
      }
      break;
    }
  }
  // Multi-word state names.
  for (let i = 0; i < n; i++) {
    if (!tokens[i]!.lexeme.stateFirst) continue;
    // "NORTH MAIN": no state name has MAIN as its second word, so no key needs building.
    if (i + 1 >= n || !STATE_SECOND_WORDS.has(tokens[i + 1]!.norm)) continue;
    for (let len = Math.min(4, n - i); len >= 2; len--) {
      let key = tokens[i]!.norm;
      for (let k = i + 1; k < i + len; k++) key = `${key} ${tokens[k]!.norm}`;
      if (STATE_CODE.has(key)) {
        for (let k = i; k < i + len; k++) stateTags[k] = k === i ? 1 : 2;
        i += len - 1;
        break;
      }
    }
  }
  if (cityKeys.length < n) cityKeys = new Array<string>(n * 2).fill('');
  const ck = cityKeys;
  for (let i = 0; i < n; i++) {
    const lx = tokens[i]!.lexeme;
    ck[i] = lx.cityKey ??= hasLatinLetter(lx.norm) ? cityKey(lx.norm) : '';
  }
  const zipdb = ctx.zipdb;
  for (let i = 0; i < n; i++) {
    let key = ck[i]!;
    if (key === '') continue;
    const lx = tokens[i]!.lexeme;
    if (lx.cityPrefixOwner !== zipdb) {
      lx.cityPrefixOwner = zipdb;
      lx.cityPlace = zipdb.placeInfo(key);
      lx.cityNext = undefined;
    }
    if (lx.cityPlace === undefined) continue;
    let best = -1;
    let bestStates: { has(state: string): boolean } | undefined;
    let bestKey = '';
    for (let j = i; j < n; j++) {
      let states: { has(state: string): boolean } | null | undefined = lx.cityPlace;
      if (j > i) {
        if (tokens[j - 1]!.endsSegment || ck[j] === '') break;
        if (j === i + 1) {
          // Two-word names: memoized on the first word by the second word's key (existing strings, their
          // hashes cached), so the joined key is only built the first time.
          const next = ck[j]!;
          const memo = (lx.cityNext ??= new Map());
          states = memo.get(next);
          key = `${key} ${next}`;
          if (states === undefined && !memo.has(next)) {
            states = zipdb.placeInfo(key);
            if (memo.size >= 256) memo.clear();
            memo.set(next, states);
          }
        } else {
          key = `${key} ${ck[j]}`;
          states = zipdb.placeInfo(key);
        }
        if (states === undefined) break;
      }
      if (!states) continue;
      const next = tokens[j + 1];
      const boundary = !next || tokens[j]!.endsSegment || next.line !== tokens[j]!.line || next.lexeme.zipLike || stateAt(tokens, j + 1) !== undefined;
      if (!boundary) continue;
      best = j;
      bestStates = states;
      bestKey = key;
    }
    if (best < 0) continue;
    let tag: 0 | 1 | 2 = 0;
    const st = stateAt(tokens, best + 1) ?? zipState;
    if (st && bestStates!.has(st)) tag = 1;
    if (zipKeys?.includes(bestKey)) tag = 2;
    const multi = best > i;
    for (let k = i; k <= best; k++) cityTags[k] = cityCode(tag, k !== i, multi);
    i = best;
  }
}

function hasLatinLetter(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Walks every feature of every token (see FeatureVisitor). */
export function visitFeatures(tokens: Token[], ctx: FeatureContext, v: FeatureVisitor): void {
  const n = tokens.length;
  if (n === 0) return;
  gazetteer(tokens, ctx);
  const city = cityTags;
  const state = stateTags;
  let lastZipIdx = -1;
  let firstNumIdx = -1;
  let firstBoxIdx = -1;
  let lastNumLikeIdx = -1;
  for (let i = 0; i < n; i++) {
    const nm = tokens[i]!.norm;
    const zipLike = tokens[i]!.lexeme.zipLike;
    if (zipLike) lastZipIdx = i;
    if (isDigit(nm.charCodeAt(0))) {
      if (firstNumIdx < 0) firstNumIdx = i;
      if (!zipLike) lastNumLikeIdx = i;
    }
    if (firstBoxIdx < 0 && (nm === 'BOX' || nm === 'POB' || nm === 'PO' || nm === 'POBOX')) firstBoxIdx = i;
  }
  const lastLine = tokens[n - 1]!.line;
  const lastSeg = tokens[n - 1]!.segment;
  let segPos = 0;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    segPos = i > 0 && tokens[i - 1]!.segment === t.segment ? segPos + 1 : 0;
    v.context(i, F.bias);
    v.token(i, i, 0);
    if (city[i]) v.context(i, GAZ_CITY[0]![city[i]!]!);
    if (state[i]) v.context(i, GAZ_STATE[0]![state[i]!]!);
    if (i === 0) v.context(i, F.first);
    if (i === n - 1) v.context(i, F.last);
    v.context(i, FROM_END[Math.min(n - 1 - i, 5)]!);
    if (t.endsSegment) v.context(i, F.segEnd);
    if (t.raw.charCodeAt(0) === 40 /* ( */) v.context(i, F.lpar);
    if (i === 0 || tokens[i - 1]!.line !== t.line) v.context(i, F.lineStart);
    if (i === n - 1 || tokens[i + 1]!.line !== t.line) v.context(i, F.lineEnd);
    if (lastLine > 0) v.context(i, t.line === lastLine ? F.lastLine : t.line === 0 ? F.firstLine : F.midLine);
    if (lastSeg > 0) {
      v.context(i, SEG_FROM_END[Math.min(lastSeg - t.segment, 3)]!);
      v.context(i, SEG[Math.min(t.segment, 3)]!);
    }
    if (lastZipIdx >= 0) v.context(i, i < lastZipIdx ? F.beforeZip : i === lastZipIdx ? F.atZip : F.afterZip);
    if (firstNumIdx >= 0) v.context(i, i < firstNumIdx ? F.beforeNum : i === firstNumIdx ? F.atNum : F.afterNum);
    if (firstBoxIdx >= 0 && i > firstBoxIdx) v.context(i, F.afterBox);
    if (firstNumIdx >= 0 && i > firstNumIdx) v.context(i, SINCE_NUM[Math.min(i - firstNumIdx, 5)]!);
    v.context(i, SEG_POS[Math.min(segPos, 3)]!);
    if (i < lastNumLikeIdx) v.context(i, NUM_AHEAD);
    if (i > 0 && isDigit(t.norm.charCodeAt(0)) && ROUTE_WORDS.has(tokens[i - 1]!.norm)) v.context(i, ROUTE_NUM);
    for (let s = 1; s <= 4; s++) {
      const d = s <= 2 ? s - 3 : s - 2;
      const j = i + d;
      if (j < 0) {
        v.context(i, BOS[s]!);
        continue;
      }
      if (j >= n) {
        v.context(i, EOS[s]!);
        continue;
      }
      v.token(i, j, d);
      if (city[j]) v.context(i, GAZ_CITY[s]![city[j]!]!);
      if (state[j]) v.context(i, GAZ_STATE[s]![state[j]!]!);
      if (d === -1 && tokens[j]!.endsSegment) v.context(i, F.p1SegEnd);
      if (d === 1 && t.endsSegment) v.context(i, F.n1AfterSeg);
    }
    if (i > 0) v.pair(i);
  }
}

/**
 * Calls `emit(i, feature)` for every feature of every token, as strings (training export and checks; the
 * tagger walks the same features through visitFeatures with cached weights).
 */
export function extractFeatures(tokens: Token[], ctx: FeatureContext, emit: (i: number, feature: string) => void): void {
  const own = tokens.map((t) => intrinsicFeatures(t, ctx));
  const seen = own.map(neighbourFeatures);
  visitFeatures(tokens, ctx, {
    token(i, j, d) {
      if (d === 0) for (const f of own[j]!) emit(i, f);
      else for (const f of seen[j]!) emit(i, SLOT_PREFIX[slotOf(d)]! + f);
    },
    context: (i, id) => emit(i, CONTEXT_FEATURES[id]!),
    pair: (i) => emit(i, pairFeature(tokens[i - 1]!, tokens[i]!)),
  });
}
