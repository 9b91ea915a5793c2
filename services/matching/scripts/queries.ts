// Query sets for the benchmark and the calibration fit, generated from the real network the way AP
// clerks actually type payees: suffix changes, 1-2 typos, abbreviations (both ways, including
// truncations no dictionary knows), word swaps, DBA / care-of appendices, case and punctuation, and
// unchanged names; plus payees whose truth is absent from the network: names from other public
// sources, and held-out suppliers (the supplier and anything indistinguishable from it are hidden from
// the matcher for that query, so what it finds is another business — for "namesake" queries, a
// supplier of the same name in another city or state). Suppliers and absent names are split by a
// hash of their id/name: the calibration fit uses the "train" half, the benchmark's figures the
// "eval" half; development runs use the train half with other seeds.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { readCsv } from '@clarity/kit';
import { seededRandom } from '@clarity/kit/similarity';
import { normalizeCity, parseZip } from '../src/domain/address.js';
import { supplierId, type SupplierRecord } from '../src/domain/supplier.js';

export type QueryKind =
  | 'unchanged'
  | 'suffix'
  | 'typo'
  | 'abbreviation'
  | 'word_swap'
  | 'dba'
  | 'case_punct'
  | 'combined'
  | 'absent'
  | 'absent_held_out'
  | 'absent_namesake';

/** Kinds whose truth is not in the network (as the matcher sees it). */
export const ABSENT_KINDS: ReadonlySet<QueryKind> = new Set(['absent', 'absent_held_out', 'absent_namesake']);

export interface BenchQuery {
  n: number;
  kind: QueryKind;
  name: string;
  street?: string;
  city?: string;
  state?: string;
  zip?: string;
  /** Supplier id of the truth; absent queries have none. */
  truth?: string;
  /**
   * Held-out queries: the supplier the query was made from. The matcher must not see it, nor any
   * supplier indistinguishable from it given the query (see `heldOutIds`).
   */
  hidden?: string;
  /** How the address was given: none, city/state/zip, full, partial, moved (truth's address differs). */
  address: 'none' | 'city_state_zip' | 'full' | 'partial' | 'moved';
}

export type Split = 'train' | 'eval';

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: every input bit reaches the low bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// FNV-1a's low bit is only the parity of the odd character codes: every routing number (its check
// digit makes the digit sum even) fell on one side. The finalizer mixes all bits first.
export const splitOf = (key: string): Split => (fmix32(fnv1a(key)) % 2 === 0 ? 'eval' : 'train');

/** Strict name key used only to decide equivalence / absence: upper-case letters and digits. */
export const strictKey = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, '');

// --- variations ------------------------------------------------------------------------------

const LEGAL_SPELLINGS = ['INC', 'Inc.', 'INCORPORATED', 'LLC', 'L.L.C.', 'Corp', 'Corp.', 'CORPORATION', 'Co', 'Co.', 'COMPANY', 'Ltd', 'LTD', ', Inc.', ', LLC'];
const TRAILING_LEGAL = /[, ]+(INC\.?|INCORPORATED|L\.?L\.?C\.?|CORP\.?|CORPORATION|CO\.?|COMPANY|LTD\.?|LIMITED|PLLC|LLP|N\.?A\.?)$/i;

// How clerks abbreviate (and expand) words in vendor names. Written from AP practice, not from the
// matcher's dictionary: several forms here are unknown to it on purpose (COMM, FNDTN, SVC CTR…).
const ABBREVIATE: Record<string, string[]> = {
  ASSOCIATION: ['ASSN', 'ASSOC', 'ASSN.'], NATIONAL: ['NATL', "NAT'L"], INTERNATIONAL: ['INTL', "INT'L"], SERVICES: ['SVCS', 'SVC', 'SERV'],
  SERVICE: ['SVC', 'SERV'], MANAGEMENT: ['MGMT', 'MGT'], DEPARTMENT: ['DEPT'], CENTER: ['CTR', 'CNTR'], SAINT: ['ST', 'ST.'],
  MOUNT: ['MT', 'MT.'], FORT: ['FT'], BROTHERS: ['BROS'], MANUFACTURING: ['MFG'], UNIVERSITY: ['UNIV'], HOSPITAL: ['HOSP'],
  FOUNDATION: ['FDN', 'FNDTN', 'FOUND'], CHURCH: ['CH', 'CHR', 'CHRCH'], COMMUNITY: ['COMM', 'CMNTY', 'COMMTY'], DEVELOPMENT: ['DEV', 'DEVEL'],
  EDUCATION: ['EDUC', 'ED'], BAPTIST: ['BAPT'], CONSTRUCTION: ['CONST', 'CONSTR', 'CONSTRUCT'], COMPANY: ['CO'], CORPORATION: ['CORP'],
  INCORPORATED: ['INC'], INSURANCE: ['INS'], INVESTMENT: ['INV', 'INVEST'], INVESTMENTS: ['INVS'], PROPERTIES: ['PROP', 'PROPS', 'PPTYS'],
  ENTERPRISES: ['ENT', 'ENTS', 'ENTERPR'], ASSOCIATES: ['ASSOC', 'ASSOCS', 'ASSOCS.'], BUILDING: ['BLDG'], SOCIETY: ['SOC', 'SOCY'],
  AMERICAN: ['AMER', 'AMERN'], AMERICA: ['AMER'], COUNTY: ['CNTY', 'CO'], MINISTRIES: ['MIN', 'MINIST', 'MINISTRY'], MEMORIAL: ['MEM', 'MEML'],
  VOLUNTEER: ['VOL'], FIRE: ['FIRE'], VETERANS: ['VETS', 'VET'], SCHOOL: ['SCH', 'SCHL'], ELEMENTARY: ['ELEM'], ACADEMY: ['ACAD'],
  MEDICAL: ['MED'], HEALTH: ['HLTH'], TECHNOLOGY: ['TECH'], TECHNOLOGIES: ['TECH', 'TECHS'], SYSTEMS: ['SYS'], GROUP: ['GRP'],
  HOLDINGS: ['HLDGS', 'HLDG'], FINANCIAL: ['FIN', 'FINL'], SAVINGS: ['SVGS', 'SAVS'], BANK: ['BK', 'BNK'], TRUST: ['TR', 'TRST'],
  FEDERAL: ['FED'], 'CREDIT UNION': ['CU'], 'FEDERAL CREDIT UNION': ['FCU'], FIRST: ['1ST'], SECOND: ['2ND'], THIRD: ['3RD'],
  EQUIPMENT: ['EQUIP', 'EQPT'], ELECTRIC: ['ELEC'], ELECTRICAL: ['ELEC'], TRANSPORTATION: ['TRANS', 'TRANSP'], DISTRIBUTION: ['DIST', 'DISTRIB'],
  DISTRICT: ['DIST'], COOPERATIVE: ['COOP', 'CO-OP'], LABORATORY: ['LAB'], LABORATORIES: ['LABS'], PRODUCTS: ['PROD', 'PRODS'],
  MARKETING: ['MKTG'], CONSULTING: ['CONSULT', 'CONSLTG'], ENGINEERING: ['ENG', 'ENGRG'], HEATING: ['HTG'], PLUMBING: ['PLBG', 'PLMB'],
  LANDSCAPING: ['LNDSCP', 'LANDSCAPE'], MAINTENANCE: ['MAINT'], AUTOMOTIVE: ['AUTO'], ASSEMBLY: ['ASSY', 'ASSEMB'], COUNCIL: ['CNCL'],
  COMMITTEE: ['CMTE', 'COMM'], AUXILIARY: ['AUX'], HISTORICAL: ['HIST'], RECREATION: ['REC'], RESTAURANT: ['REST'], REALTY: ['RLTY'],
  APARTMENTS: ['APTS'], MORTGAGE: ['MTG'], BROTHERHOOD: ['BHD'], FELLOWSHIP: ['FELLOWSHP', 'FLWSHP'],
};
const EXPAND: Record<string, string> = {};
for (const [full, abbrs] of Object.entries(ABBREVIATE)) for (const a of abbrs) if (!(a in EXPAND) && a.length > 1) EXPAND[a.replace(/\W/g, '')] = full;

const KEYBOARD: Record<string, string> = {
  Q: 'WA', W: 'QES', E: 'WRD', R: 'ETF', T: 'RYG', Y: 'TUH', U: 'YIJ', I: 'UOK', O: 'IPL', P: 'OL', A: 'QSZ', S: 'ADWX', D: 'SFEC',
  F: 'DGRV', G: 'FHTB', H: 'GJYN', J: 'HKUM', K: 'JLI', L: 'KO', Z: 'AX', X: 'ZCS', C: 'XVD', V: 'CBF', B: 'VNG', N: 'BMH', M: 'NJ',
};

const TRADE_NAMES = ['QUALITY SERVICES', 'ACE CLEANERS', 'PREMIER LAWN CARE', 'SOUTHERN CATERING', 'TOP NOTCH AUTO', 'BRIGHT STAR PAINTING', 'CITY FLOWERS', 'EXPRESS COURIER', 'GOLDEN KEY REALTY', 'PRIME CONSTRUCTION'];
const CARE_OF = ['C/O JOHN SMITH', 'C/O ACCOUNTS PAYABLE', 'ATTN: ACCOUNTS RECEIVABLE', 'ATTN BILLING DEPT', '% MARY JOHNSON TREAS', 'C/O TREASURER'];

function words(name: string): string[] {
  return name.split(/\s+/).filter(Boolean);
}

function typo(name: string, rnd: () => number): string {
  const ws = words(name);
  const candidates = ws.map((w, i) => [w, i] as const).filter(([w]) => /[A-Za-z]{4,}/.test(w));
  if (candidates.length === 0) return name;
  const [w, i] = candidates[Math.floor(rnd() * candidates.length)]!;
  const chars = [...w];
  const pos = 1 + Math.floor(rnd() * Math.max(1, chars.length - 1));
  const op = rnd();
  const c = chars[pos] ?? chars[chars.length - 1]!;
  if (op < 0.3) {
    const near = KEYBOARD[c.toUpperCase()] ?? 'E';
    const r = near[Math.floor(rnd() * near.length)]!;
    chars[pos] = c === c.toLowerCase() ? r.toLowerCase() : r;
  } else if (op < 0.55) chars.splice(pos, 1);
  else if (op < 0.75) chars.splice(pos, 0, c);
  else if (pos + 1 < chars.length) [chars[pos], chars[pos + 1]] = [chars[pos + 1]!, chars[pos]!];
  else chars.splice(pos, 1);
  ws[i] = chars.join('');
  return ws.join(' ');
}

function changeSuffix(name: string, rnd: () => number): string {
  const m = TRAILING_LEGAL.exec(name);
  const base = m ? name.slice(0, m.index) : name;
  const r = rnd();
  if (m && r < 0.35) return base; // dropped
  const pick = LEGAL_SPELLINGS[Math.floor(rnd() * LEGAL_SPELLINGS.length)]!;
  const next = pick.startsWith(',') ? `${base}${pick}` : `${base} ${pick}`;
  return next === name ? `${base} ${LEGAL_SPELLINGS[(LEGAL_SPELLINGS.indexOf(pick) + 3) % LEGAL_SPELLINGS.length]!.replace(/^, /, '')}` : next;
}

function abbreviate(name: string, rnd: () => number): string {
  const upper = name.toUpperCase();
  const ws = words(name);
  const options: Array<() => string> = [];
  for (const [full, abbrs] of Object.entries(ABBREVIATE)) {
    const re = new RegExp(`\\b${full}\\b`, 'i');
    if (re.test(upper)) options.push(() => name.replace(re, abbrs[Math.floor(rnd() * abbrs.length)]!));
  }
  ws.forEach((w, i) => {
    const bare = w.toUpperCase().replace(/\W/g, '');
    if (EXPAND[bare]) options.push(() => ws.map((x, j) => (j === i ? EXPAND[bare]! : x)).join(' '));
    // Truncation a dictionary cannot know: the first 4-6 letters and a period.
    if (/^[A-Za-z]{9,}$/.test(w)) options.push(() => ws.map((x, j) => (j === i ? `${x.slice(0, 4 + Math.floor(rnd() * 3))}.` : x)).join(' '));
  });
  if (options.length === 0) return typo(name, rnd);
  return options[Math.floor(rnd() * options.length)]!();
}

function swapWords(name: string, rnd: () => number): string {
  const ws = words(name.replace(/,/g, ''));
  if (ws.length < 2) return name;
  if (ws.length <= 3 && rnd() < 0.5) return `${ws[ws.length - 1]}, ${ws.slice(0, -1).join(' ')}`; // LAST, FIRST
  const i = Math.floor(rnd() * (ws.length - 1));
  [ws[i], ws[i + 1]] = [ws[i + 1]!, ws[i]!];
  return ws.join(' ');
}

function appendix(name: string, rnd: () => number): string {
  const r = rnd();
  if (r < 0.5) return `${name} DBA ${TRADE_NAMES[Math.floor(rnd() * TRADE_NAMES.length)]}`;
  if (r < 0.65) return `${TRADE_NAMES[Math.floor(rnd() * TRADE_NAMES.length)]} DBA ${name}`;
  return `${name} ${CARE_OF[Math.floor(rnd() * CARE_OF.length)]}`;
}

function casePunct(name: string, rnd: () => number): string {
  const r = rnd();
  let s = name;
  if (r < 0.33) s = s.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());
  else if (r < 0.5) s = s.toLowerCase();
  else s = s.toUpperCase();
  if (rnd() < 0.5) s = s.replace(/[.,']/g, '');
  if (rnd() < 0.5) s = s.includes('&') ? s.replace(/&/g, 'and') : s.replace(/\band\b/gi, '&');
  if (rnd() < 0.3) s = s.replace(/^the\s+/i, '');
  return s;
}

type SingleKind = Exclude<QueryKind, 'combined' | 'unchanged' | 'absent' | 'absent_held_out' | 'absent_namesake'>;
const SINGLE: Record<SingleKind, (n: string, r: () => number) => string> = {
  suffix: changeSuffix,
  typo: (n, r) => (r() < 0.5 ? typo(n, r) : typo(typo(n, r), r)),
  abbreviation: abbreviate,
  word_swap: swapWords,
  dba: appendix,
  case_punct: casePunct,
};

const KIND_WEIGHTS: Array<[QueryKind, number]> = [
  ['unchanged', 0.12],
  ['suffix', 0.14],
  ['typo', 0.2],
  ['abbreviation', 0.16],
  ['word_swap', 0.1],
  ['dba', 0.1],
  ['case_punct', 0.06],
  ['combined', 0.12],
];

function pickKind(rnd: () => number): QueryKind {
  let r = rnd();
  for (const [k, w] of KIND_WEIGHTS) {
    if (r < w) return k;
    r -= w;
  }
  return 'unchanged';
}

function vary(kind: QueryKind, name: string, rnd: () => number): string {
  if (kind === 'unchanged') return name;
  if (kind === 'combined') {
    const kinds = ['suffix', 'typo', 'abbreviation', 'word_swap', 'case_punct'] as const;
    const a = kinds[Math.floor(rnd() * kinds.length)]!;
    let b = kinds[Math.floor(rnd() * kinds.length)]!;
    if (b === a) b = kinds[(kinds.indexOf(a) + 1) % kinds.length]!;
    return SINGLE[b](SINGLE[a](name, rnd), rnd);
  }
  if (ABSENT_KINDS.has(kind)) return name;
  return SINGLE[kind as SingleKind](name, rnd);
}

function zipForm(zip: string, rnd: () => number): string {
  const r = rnd();
  if (r < 0.1) return `${zip}.0`;
  if (r < 0.25) return `${zip}-${String(Math.floor(rnd() * 9999)).padStart(4, '0')}`;
  return zip;
}

function withAddress(q: BenchQuery, r: SupplierRecord, other: SupplierRecord, rnd: () => number): BenchQuery {
  const zip = parseZip(r.address.postalCode);
  const z = zip.ok ? zip.value : '';
  const a = rnd();
  if (a < 0.4) return { ...q, address: 'none' };
  if (a < 0.75) return { ...q, address: 'city_state_zip', city: r.address.city, state: r.address.state, zip: z ? zipForm(z, rnd) : '' };
  if (a < 0.9) return { ...q, address: 'full', street: r.address.line1, city: r.address.city, state: r.address.state, zip: z ? zipForm(z, rnd) : '' };
  if (a < 0.95) return rnd() < 0.5 ? { ...q, address: 'partial', zip: z } : { ...q, address: 'partial', city: r.address.city, state: r.address.state };
  // The supplier moved: the clerk's address is someone else's.
  const oz = parseZip(other.address.postalCode);
  return { ...q, address: 'moved', city: other.address.city, state: other.address.state, zip: oz.ok ? oz.value : '' };
}

export interface QuerySetOptions {
  split: Split;
  seed: number;
  present: number;
  absent: number;
  /** Held-out suppliers drawn uniformly (their own address given): realistic absent payees. */
  heldOut?: number;
  /** Held-out suppliers whose name another supplier in another city or state also bears. */
  namesakes?: number;
}

/** Present-truth queries from the network plus absent-truth queries from other public names. */
export function buildQueries(records: readonly SupplierRecord[], absentNames: readonly string[], options: QuerySetOptions): BenchQuery[] {
  const rnd = seededRandom(options.seed);
  const pool = records.filter((r) => r.name.trim() !== '' && splitOf(supplierId(r.source, r.sourceId)) === options.split);
  const absentPool = absentNames.filter((n) => splitOf(`absent:${n}`) === options.split);
  const out: BenchQuery[] = [];
  for (let i = 0; i < options.present; i++) {
    const r = pool[Math.floor(rnd() * pool.length)]!;
    const other = records[Math.floor(rnd() * records.length)]!;
    const kind = pickKind(rnd);
    const q: BenchQuery = { n: 0, kind, name: vary(kind, r.name, rnd), truth: supplierId(r.source, r.sourceId), address: 'none' };
    out.push(withAddress(q, r, other, rnd));
  }
  for (let i = 0; i < options.absent && absentPool.length > 0; i++) {
    const name = absentPool[Math.floor(rnd() * absentPool.length)]!;
    const other = records[Math.floor(rnd() * records.length)]!;
    const q: BenchQuery = { n: 0, kind: 'absent', name: rnd() < 0.3 ? casePunct(name, rnd) : name, address: 'none' };
    // Half of them carry a real (unrelated) address from the network, as a clerk's file would.
    out.push(rnd() < 0.5 ? withAddress(q, other, other, rnd) : q);
  }
  // Held-out suppliers: the payee is a real business with its own address, absent from the network
  // as the matcher sees it. The name carries the same clerk variations as present queries.
  const heldOut = (r: SupplierRecord, kind: 'absent_held_out' | 'absent_namesake') => {
    const variation = pickKind(rnd);
    const q: BenchQuery = { n: 0, kind, name: vary(variation, r.name, rnd), hidden: supplierId(r.source, r.sourceId), address: 'none' };
    // Always with an address: without one, a same-name supplier elsewhere cannot be told apart.
    let withAddr = withAddress(q, r, r, rnd);
    for (let k = 0; k < 8 && (withAddr.address === 'none' || withAddr.address === 'moved'); k++) withAddr = withAddress(q, r, r, rnd);
    if (withAddr.address === 'none' || withAddr.address === 'moved') withAddr = { ...q, address: 'city_state_zip', city: r.address.city, state: r.address.state, zip: parseZip(r.address.postalCode).ok ? (parseZip(r.address.postalCode) as { value: string }).value : '' };
    out.push(withAddr);
  };
  for (let i = 0; i < (options.heldOut ?? 0) && pool.length > 0; i++) heldOut(pool[Math.floor(rnd() * pool.length)]!, 'absent_held_out');
  if ((options.namesakes ?? 0) > 0) {
    const places = new Map<string, Set<string>>();
    for (const r of records) {
      const key = strictKey(r.name);
      if (key.length < 3) continue;
      const place = `${normalizeCity(r.address.city)}|${r.address.state.toUpperCase()}`;
      let set = places.get(key);
      if (!set) places.set(key, (set = new Set()));
      if (set.size < 3) set.add(place);
    }
    const namesakePool = pool.filter((r) => (places.get(strictKey(r.name))?.size ?? 0) >= 2);
    for (let i = 0; i < options.namesakes! && namesakePool.length > 0; i++) heldOut(namesakePool[Math.floor(rnd() * namesakePool.length)]!, 'absent_namesake');
  }
  // Interleave deterministically so latency is not measured in blocks of one kind.
  const shuffled = out.map((q) => [rnd(), q] as const).sort((a, b) => a[0] - b[0]).map(([, q], n) => ({ ...q, n }));
  return shuffled;
}

/**
 * Ids a held-out query must not see: the hidden supplier and every supplier indistinguishable from
 * it given the query (same strict name and the same values in the address fields it gives).
 */
export function heldOutIds(q: BenchQuery, byId: ReadonlyMap<string, SupplierRecord>, byStrictName: ReadonlyMap<string, readonly string[]>): string[] {
  if (!q.hidden) return [];
  const hidden = byId.get(q.hidden);
  if (!hidden) return [q.hidden];
  const out = [q.hidden];
  for (const id of byStrictName.get(strictKey(hidden.name)) ?? []) {
    if (id !== q.hidden && equivalent(byId.get(id), hidden, q)) out.push(id);
  }
  return out;
}

/** Supplier ids by strict name (for `heldOutIds`). */
export function idsByStrictName(records: readonly SupplierRecord[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of records) {
    const key = strictKey(r.name);
    const list = out.get(key);
    if (list) list.push(supplierId(r.source, r.sourceId));
    else out.set(key, [supplierId(r.source, r.sourceId)]);
  }
  return out;
}

/** Names whose truth is not in the network: public labeled names from sources outside it. */
export async function loadAbsentNames(dataDir: string, networkKeys: ReadonlySet<string>): Promise<string[]> {
  const keep = new Set(['dotgov', 'pp-person', 'pp-chicago-employees', 'pp-professors', 'pp-athletes', 'pp-company', 'pp-medical-device-corps']);
  const out: string[] = [];
  const seen = new Set<string>();
  const input = createReadStream(join(dataDir, 'labeled', 'payee-names-train.csv.gz')).pipe(createGunzip());
  for await (const item of readCsv(input)) {
    if (item.kind !== 'row') continue;
    const { name, source, subtype } = item.record as Record<string, string>;
    // NSI insurers and utilities are outside the network; NSI banks may be FedACH participants.
    const nsiOk = source === 'nsi' && (subtype === 'insurance' || subtype === 'utility');
    if (!name || !(keep.has(source!) || nsiOk)) continue;
    const key = strictKey(name);
    if (key.length < 3 || networkKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}

/**
 * Is `candidate` the truth, or indistinguishable from it given what the query says? Same strict
 * name and the same value in every address field the query supplied (1,858 "KNIGHTS OF COLUMBUS"
 * chapters cannot be told apart by a query that gives no address).
 */
export function equivalent(candidate: SupplierRecord | undefined, truth: SupplierRecord | undefined, q: BenchQuery): boolean {
  if (!candidate || !truth) return false;
  if (supplierId(candidate.source, candidate.sourceId) === supplierId(truth.source, truth.sourceId)) return true;
  if (strictKey(candidate.name) !== strictKey(truth.name)) return false;
  // A stale ("moved") address says nothing true about the supplier: only the name can tell.
  if (q.address === 'moved') return true;
  const zip = (r: SupplierRecord) => {
    const z = parseZip(r.address.postalCode);
    return z.ok ? z.value : '';
  };
  if (q.zip && zip(candidate) !== zip(truth)) return false;
  if (q.city && normalizeCity(candidate.address.city) !== normalizeCity(truth.address.city)) return false;
  if (q.state && candidate.address.state.toUpperCase() !== truth.address.state.toUpperCase()) return false;
  if (q.street && strictKey(candidate.address.line1) !== strictKey(truth.address.line1)) return false;
  return true;
}
