// Address parts as the matcher compares them: ZIP (first five digits), USPS state code, city and street
// in a canonical spelling. Sloppy real-world forms are accepted ("30260.0", "5482" for 05482, ZIP+4
// without dash, state names); anything that cannot be a US value is reported, not guessed.
import { toAsciiUpper } from './normalize.js';

export const STATE_CODES: readonly string[] = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD',
  'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD',
  'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'AS', 'GU', 'MP', 'PR', 'VI', 'UM', 'FM', 'MH', 'PW', 'AA', 'AE', 'AP',
];

const STATE_NAMES: Record<string, string> = {
  ALABAMA: 'AL', ALASKA: 'AK', ARIZONA: 'AZ', ARKANSAS: 'AR', CALIFORNIA: 'CA', COLORADO: 'CO', CONNECTICUT: 'CT',
  DELAWARE: 'DE', 'DISTRICT OF COLUMBIA': 'DC', FLORIDA: 'FL', GEORGIA: 'GA', HAWAII: 'HI', IDAHO: 'ID', ILLINOIS: 'IL',
  INDIANA: 'IN', IOWA: 'IA', KANSAS: 'KS', KENTUCKY: 'KY', LOUISIANA: 'LA', MAINE: 'ME', MARYLAND: 'MD', MASSACHUSETTS: 'MA',
  MICHIGAN: 'MI', MINNESOTA: 'MN', MISSISSIPPI: 'MS', MISSOURI: 'MO', MONTANA: 'MT', NEBRASKA: 'NE', NEVADA: 'NV',
  'NEW HAMPSHIRE': 'NH', 'NEW JERSEY': 'NJ', 'NEW MEXICO': 'NM', 'NEW YORK': 'NY', 'NORTH CAROLINA': 'NC',
  'NORTH DAKOTA': 'ND', OHIO: 'OH', OKLAHOMA: 'OK', OREGON: 'OR', PENNSYLVANIA: 'PA', 'RHODE ISLAND': 'RI',
  'SOUTH CAROLINA': 'SC', 'SOUTH DAKOTA': 'SD', TENNESSEE: 'TN', TEXAS: 'TX', UTAH: 'UT', VERMONT: 'VT', VIRGINIA: 'VA',
  WASHINGTON: 'WA', 'WEST VIRGINIA': 'WV', WISCONSIN: 'WI', WYOMING: 'WY', 'AMERICAN SAMOA': 'AS', GUAM: 'GU',
  'NORTHERN MARIANA ISLANDS': 'MP', 'PUERTO RICO': 'PR', 'VIRGIN ISLANDS': 'VI', 'US VIRGIN ISLANDS': 'VI',
  'WASHINGTON DC': 'DC', 'D C': 'DC',
};

const STATE_INDEX = new Map(STATE_CODES.map((c, i) => [c, i + 1]));

/** 1-based index of a USPS state code (0 = none), for compact storage. */
export function stateIndex(code: string): number {
  return STATE_INDEX.get(code) ?? 0;
}

export function stateCodeAt(index: number): string {
  return index > 0 ? STATE_CODES[index - 1] ?? '' : '';
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Canonical state code from a code or a name; empty input → ''. */
export function parseState(raw: string | undefined): Parsed<string> {
  const s = toAsciiUpper(raw ?? '').replace(/[^A-Z ]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (s === '') return { ok: true, value: '' };
  if (STATE_INDEX.has(s)) return { ok: true, value: s };
  const byName = STATE_NAMES[s];
  if (byName) return { ok: true, value: byName };
  return { ok: false, problem: `is not a US state code or name: ${JSON.stringify((raw ?? '').slice(0, 40))}` };
}

/**
 * The five-digit ZIP of a postal code: "95670", "95670-1234", "956701234", "30260.0" (a spreadsheet
 * float), "5482" (a lost leading zero). Empty input → ''.
 */
export function parseZip(raw: string | undefined): Parsed<string> {
  const s = (raw ?? '').trim();
  if (s === '') return { ok: true, value: '' };
  let m = /^(\d{5})(?:[-\s]?\d{4})?$/.exec(s);
  if (m) return { ok: true, value: m[1]! };
  m = /^(\d{3,5})(?:\.0+)?$/.exec(s);
  if (m) return { ok: true, value: m[1]!.padStart(5, '0') };
  m = /^(\d{5})-$/.exec(s);
  if (m) return { ok: true, value: m[1]! };
  return { ok: false, problem: `is not a US ZIP code (expected 5 digits or ZIP+4, e.g. 30260 or 30260-1234): ${JSON.stringify(s.slice(0, 40))}` };
}

const CITY_WORDS: Record<string, string> = {
  ST: 'SAINT', STE: 'SAINTE', FT: 'FORT', MT: 'MOUNT', PT: 'POINT', N: 'NORTH', S: 'SOUTH', E: 'EAST', W: 'WEST',
  NO: 'NORTH', SO: 'SOUTH', HTS: 'HEIGHTS', SPGS: 'SPRINGS', SPG: 'SPRINGS', VLG: 'VILLAGE', CTY: 'CITY', BCH: 'BEACH',
  LK: 'LAKE', PK: 'PARK', IS: 'ISLAND', JCT: 'JUNCTION', CTR: 'CENTER', TWP: 'TOWNSHIP',
};

/** City in a canonical spelling: "St. Simons Is." → "SAINT SIMONS ISLAND". */
export function normalizeCity(raw: string | undefined): string {
  const s = toAsciiUpper(raw ?? '').replace(/['.]/g, '').replace(/[^A-Z0-9]+/g, ' ').trim();
  if (s === '') return '';
  return s
    .split(' ')
    .map((w) => CITY_WORDS[w] ?? w)
    .join(' ');
}

// USPS Publication 28 street suffixes and unit designators (most common spellings).
const STREET_WORDS: Record<string, string> = {
  STREET: 'ST', STR: 'ST', AVENUE: 'AVE', AV: 'AVE', AVN: 'AVE', ROAD: 'RD', DRIVE: 'DR', DRV: 'DR', BOULEVARD: 'BLVD',
  BOUL: 'BLVD', LANE: 'LN', COURT: 'CT', CIRCLE: 'CIR', CIRC: 'CIR', PLACE: 'PL', PARKWAY: 'PKWY', PKY: 'PKWY',
  HIGHWAY: 'HWY', HIWAY: 'HWY', TERRACE: 'TER', TERR: 'TER', TRAIL: 'TRL', TR: 'TRL', SQUARE: 'SQ', EXPRESSWAY: 'EXPY',
  EXPWY: 'EXPY', FREEWAY: 'FWY', TURNPIKE: 'TPKE', PIKE: 'PIKE', WAY: 'WAY', ALLEY: 'ALY', CROSSING: 'XING',
  POINT: 'PT', CENTER: 'CTR', PLAZA: 'PLZ', RIDGE: 'RDG', RUN: 'RUN', LOOP: 'LOOP', COVE: 'CV', BRANCH: 'BR',
  NORTH: 'N', SOUTH: 'S', EAST: 'E', WEST: 'W', NORTHEAST: 'NE', NORTHWEST: 'NW', SOUTHEAST: 'SE', SOUTHWEST: 'SW',
  SUITE: 'STE', APARTMENT: 'APT', BUILDING: 'BLDG', FLOOR: 'FL', ROOM: 'RM', UNIT: 'UNIT', DEPARTMENT: 'DEPT',
  FIRST: '1ST', SECOND: '2ND', THIRD: '3RD', FOURTH: '4TH', FIFTH: '5TH', MOUNT: 'MT', FORT: 'FT', SAINT: 'ST',
};

export interface StreetKey {
  /** House number or PO box number ('' when none). */
  number: string;
  /** Canonical street words without the number and unit ("PEACHTREE ST NE"). */
  words: string[];
  /** True for PO boxes. */
  poBox: boolean;
}

const UNIT_WORDS = new Set(['STE', 'APT', 'UNIT', 'RM', 'FL', 'BLDG', 'DEPT', '#']);

/** Canonical street line: "4066 Shelburne Road, Suite 2" → {number: 4066, words: [SHELBURNE, RD]}. */
export function streetKey(raw: string | undefined): StreetKey | undefined {
  const s = toAsciiUpper(raw ?? '').replace(/#/g, ' # ').replace(/['.]/g, '').replace(/[^A-Z0-9#]+/g, ' ').trim();
  if (s === '') return undefined;
  let words = s.split(' ').map((w) => STREET_WORDS[w] ?? w);
  const box = /^(?:P ?O|POST OFFICE|POB)? ?BOX (\w+)/.exec(words.join(' ').replace(/^PO BOX|^P O BOX|^POST OFFICE BOX|^POB/, 'PO BOX'));
  if (box) return { number: box[1]!, words: ['PO', 'BOX'], poBox: true };
  // Cut the unit designator and what follows it.
  const unitAt = words.findIndex((w, i) => i > 0 && UNIT_WORDS.has(w));
  if (unitAt > 0) words = words.slice(0, unitAt);
  let number = '';
  if (words.length > 0 && /^\d+[A-Z]?$/.test(words[0]!)) {
    number = words[0]!;
    words = words.slice(1);
  }
  return { number, words, poBox: false };
}

/** 1 = same street, -1 = different, 0 = cannot tell. */
export function compareStreets(a: StreetKey | undefined, b: StreetKey | undefined): number {
  if (!a || !b) return 0;
  if (a.poBox !== b.poBox) return 0; // a PO box and a street address can both be right
  if (a.number && b.number && a.number !== b.number) return -1;
  if (a.poBox) return a.number && a.number === b.number ? 1 : 0;
  if (a.words.length === 0 || b.words.length === 0) return 0;
  const setB = new Set(b.words);
  let shared = 0;
  for (const w of a.words) if (setB.has(w)) shared += 1;
  const ratio = shared / Math.max(a.words.length, b.words.length);
  if (a.number && a.number === b.number && ratio >= 0.5) return 1;
  if (ratio >= 0.75 && (!a.number || !b.number)) return 1;
  return ratio === 0 ? -1 : 0;
}

/** Loose parse of a one-line or multi-line freeform US address ("1 Main St, Springfield, IL 62701"). */
export function parseFreeform(raw: string): { line1: string; city: string; state: string; postalCode: string } {
  const text = raw.replace(/\r/g, '').trim();
  const m = /^(.*?)[,\n\s]+([A-Za-z .'-]+?)[,\s]+([A-Za-z]{2})[,\s]+(\d{5}(?:-?\d{4})?)\s*$/s.exec(text);
  if (m) {
    const head = m[1]!.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);
    const cityFromHead = head.length > 1 ? head.pop()! : '';
    const city = m[2]!.trim() || cityFromHead;
    return { line1: head.join(' '), city, state: m[3]!.toUpperCase(), postalCode: m[4]! };
  }
  const zip = /(\d{5})(?:-?\d{4})?\s*$/.exec(text);
  return { line1: '', city: '', state: '', postalCode: zip ? zip[1]! : '' };
}
