// Writes the training set for the sequence model as JSON lines {x: features per token, y: labels}:
//   - usaddress-train.xml minus the held-out split (optionally minus one cross-validation fold),
//   - the us50 and multi-word-state sets, a sample of the two synthetic OSM sets,
//   - case / punctuation variants of the training records (payee files are often upper case, no commas),
//   - synthetic full addresses: street parts of training records + real city/state/ZIP rows of the ZIP
//     database in the layouts payee files use ("STREET CITY ST ZIP", "…, CITY, ST ZIP-4", multi-line,
//     ZIP before state, care-of lines),
//   - optionally (off by default, knobs below) synthetic building names (before the street, a numbered
//     building line, after the street) and intersections ("6TH AND MAIN ST"), layouts the labeled records
//     have too few of.
// Usage: node dist/scripts/export-training.js <out.jsonl> [--fold i/k]   (i = the fold left out, for CV)
// Composition knobs for experiments (cross-validation only): CLARITY_EXPORT_SYNTHETIC (synthetic payee
// addresses, default 4000), CLARITY_EXPORT_OSM (share of each synthetic OSM set, default 0.12),
// CLARITY_EXPORT_BUILDINGS and CLARITY_EXPORT_INTERSECTIONS (default 0 = off; with 250 / 300, 5-fold
// cross-validation rose from 822 to 835 of 1,102 records but the BMF dev slice fell from 98.37% to
// 98.23%, so the shipped model is trained without them).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFeatures } from '../src/domain/features.js';
import type { Label } from '../src/domain/labels.js';
import { tokenize } from '../src/domain/tokens.js';
import { zipDatabase } from '../src/domain/zipdb.js';
import { dataDir, EXPORT_OSM_SHARE, EXPORT_SEED, foldOf, isHeldOut, labelTokens, osmSplit, readLabeledXml, seededRandom, type GoldToken, type LabeledAddress } from './training-data.js';

const [, , outPath, ...rest] = process.argv;
if (!outPath) throw new Error('usage: export-training.js <out.jsonl> [--fold i/k]');
const foldArg = rest.indexOf('--fold') >= 0 ? rest[rest.indexOf('--fold') + 1]!.split('/').map(Number) : undefined;

const rand = seededRandom(EXPORT_SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const SYNTHETIC = Number(process.env.CLARITY_EXPORT_SYNTHETIC ?? 4000);
const OSM_SHARE = Number(process.env.CLARITY_EXPORT_OSM ?? EXPORT_OSM_SHARE);
const dir = join(dataDir(), 'labeled');
const main = readLabeledXml(join(dir, 'usaddress-train.xml'));
const train = main.filter((a) => !isHeldOut(a) && (!foldArg || foldOf(a, foldArg[1]!) !== foldArg[0]));
const extra = [
  ...readLabeledXml(join(dir, 'usaddress-train-us50.xml')),
  ...readLabeledXml(join(dir, 'usaddress-train-multi-word-state.xml')),
];
const osm = osmSplit(OSM_SHARE, rand).used;

/** Rebuilds an address from (text, label) pieces joined by separators. */
function compose(pieces: Array<{ text: string; label: Label } | { sep: string }>): LabeledAddress {
  let text = '';
  const gold: GoldToken[] = [];
  for (const p of pieces) {
    if ('sep' in p) {
      text += p.sep;
      continue;
    }
    for (const w of p.text.split(/\s+/).filter(Boolean)) {
      if (text !== '' && !/[\s\n]$/.test(text)) text += ' ';
      gold.push({ text: w, start: text.length, end: text.length + w.length, label: p.label });
      text += w;
    }
  }
  return { text, gold, source: 'synthetic' };
}

function variant(a: LabeledAddress, fn: (s: string) => string): LabeledAddress {
  // Rebuild token by token so offsets stay right.
  return compose(a.gold.map((g) => ({ text: fn(g.text), label: g.label })).filter((g) => g.text !== ''));
}

const examples: LabeledAddress[] = [...train, ...extra, ...osm];
for (const a of train) {
  if (rand() < 0.6 && a.text !== a.text.toUpperCase()) examples.push(variant(a, (s) => s.toUpperCase()));
  if (rand() < 0.3) examples.push(variant(a, (s) => s.replace(/[.,;]/g, '')));
}

// Synthetic full addresses from training street parts + the ZIP database.
const STREET_LABELS = new Set<Label>([
  'AddressNumberPrefix', 'AddressNumber', 'AddressNumberSuffix', 'StreetNamePreModifier', 'StreetNamePreDirectional', 'StreetNamePreType',
  'StreetName', 'StreetNamePostType', 'StreetNamePostDirectional', 'StreetNamePostModifier', 'OccupancyType', 'OccupancyIdentifier',
  'SubaddressType', 'SubaddressIdentifier', 'BuildingName', 'USPSBoxType', 'USPSBoxID', 'USPSBoxGroupType', 'USPSBoxGroupID',
]);
// Person names for synthetic care-of lines (training only; the service never reads ../shared).
const firstNames = readFileSync(join(dataDir(), 'names', 'ssa-first-names.csv'), 'utf8').split('\n').slice(1, 3001).map((l) => l.split(',')[0]!.toUpperCase()).filter(Boolean);
const surnames = readFileSync(join(dataDir(), 'names', 'census-1990-surnames.csv'), 'utf8').split('\n').slice(1, 5001).map((l) => l.split(',')[0]!).filter(Boolean);
/** A care-of / attention line as payee files write it ("% JOHN A SMITH", "C/O DR MARY JONES", "ATTN: ACCOUNTS PAYABLE"). */
function syntheticRecipient(): string {
  const person = () => [rand() < 0.08 ? pick(['DR', 'MR', 'MRS', 'MS', 'REV']) : '', pick(firstNames), rand() < 0.3 ? String.fromCharCode(65 + int(26)) : '', pick(surnames), rand() < 0.05 ? pick(['JR', 'SR', 'III', 'CPA', 'ESQ']) : ''].filter(Boolean).join(' ');
  const org = () => `${pick(surnames)} ${pick(['LLC', 'INC', 'CPA', 'PC', 'GROUP', '& ASSOCIATES', 'LAW FIRM', 'TRUST COMPANY', 'FOUNDATION'])}`;
  const who = rand() < 0.75 ? person() : org();
  const title = rand() < 0.1 ? ` ${pick(['TREASURER', 'DIRECTOR', 'PRESIDENT', 'CFO', 'ACCOUNTS PAYABLE'])}` : '';
  return `${pick(['%', '%', '%', 'C/O', 'ATTN:', 'ATTN', 'c/o', 'CARE OF'])} ${who}${title}`;
}
const int = (n: number) => Math.floor(rand() * n);

const nameWords = [...new Set(train.flatMap((a) => a.gold.filter((g) => g.label === 'StreetName' && /^[A-Za-z]{3,}$/.test(g.text)).map((g) => g.text)))];
const SUFFIXES = ['ST', 'STREET', 'AVE', 'AVENUE', 'RD', 'ROAD', 'DR', 'DRIVE', 'BLVD', 'LN', 'LANE', 'CT', 'WAY', 'PL', 'PKWY', 'HWY', 'CIR', 'TER', 'TRL', 'PIKE', 'LOOP', 'SQ', 'PLZ', 'CV', 'XING', 'RUN', 'PT'];
const DIRS = ['N', 'S', 'E', 'W', 'NE', 'NW', 'SE', 'SW', 'NORTH', 'SOUTH', 'EAST', 'WEST', 'N.', 'S.'];
const UNITS = ['STE', 'SUITE', 'APT', 'UNIT', '#', 'FL', 'RM', 'BLDG', 'STE.', 'APT.', 'LOT', 'SPC', 'DEPT', 'TRLR', 'PMB'];
/** A street line generated from the USPS tables and training street names (labels by construction). */
function syntheticStreet(): Array<{ text: string; label: Label }> {
  const out: Array<{ text: string; label: Label }> = [];
  const r = rand();
  if (r < 0.12) {
    out.push({ text: pick(['PO BOX', 'P.O. BOX', 'PO Box', 'POST OFFICE BOX', 'BOX', 'P O BOX', 'PO DRAWER', 'POB']), label: 'USPSBoxType' });
    out.push({ text: String(Math.floor(rand() * 99999) + 1), label: 'USPSBoxID' });
    return out;
  }
  if (r < 0.135) {
    out.push({ text: pick(['GENERAL DELIVERY', 'GEN DEL', 'GENERAL DEL']), label: 'USPSBoxType' });
    return out;
  }
  if (r < 0.17) {
    out.push({ text: pick(['RR', 'RURAL ROUTE', 'HC', 'R.R.', 'RT', 'HCR']), label: 'USPSBoxGroupType' });
    out.push({ text: String(Math.floor(rand() * 20) + 1), label: 'USPSBoxGroupID' });
    out.push({ text: 'BOX', label: 'USPSBoxType' });
    out.push({ text: String(Math.floor(rand() * 999) + 1), label: 'USPSBoxID' });
    return out;
  }
  out.push({ text: String(Math.floor(rand() * 10 ** (1 + Math.floor(rand() * 5)))), label: 'AddressNumber' });
  if (rand() < 0.04) out.push({ text: pick(['1/2', 'A', 'B']), label: 'AddressNumberSuffix' });
  if (rand() < 0.22) out.push({ text: pick(DIRS), label: 'StreetNamePreDirectional' });
  if (rand() < 0.15) {
    const k = 1 + Math.floor(rand() * 120);
    out.push({ text: `${k}${k % 10 === 1 && k % 100 !== 11 ? 'ST' : k % 10 === 2 && k % 100 !== 12 ? 'ND' : k % 10 === 3 && k % 100 !== 13 ? 'RD' : 'TH'}`, label: 'StreetName' });
  } else {
    const words = 1 + (rand() < 0.3 ? 1 : 0);
    for (let w = 0; w < words; w++) out.push({ text: pick(nameWords).toUpperCase(), label: 'StreetName' });
  }
  if (rand() < 0.88) out.push({ text: pick(SUFFIXES), label: 'StreetNamePostType' });
  if (rand() < 0.12) out.push({ text: pick(DIRS), label: 'StreetNamePostDirectional' });
  const u = rand();
  if (u < 0.25) {
    out.push({ text: pick(UNITS), label: 'OccupancyType' });
    out.push({ text: pick([String(Math.floor(rand() * 2000) + 1), 'A', 'B', `${Math.floor(rand() * 9) + 1}A`, `${Math.floor(rand() * 20) + 1}00`]), label: 'OccupancyIdentifier' });
  } else if (u < 0.29) {
    out.push({ text: `#${Math.floor(rand() * 999) + 1}`, label: 'OccupancyIdentifier' });
  } else if (u < 0.32) {
    out.push({ text: String(Math.floor(rand() * 900) + 100), label: 'OccupancyIdentifier' });
  }
  return out;
}

const streets = train.filter((a) => a.gold.every((g) => STREET_LABELS.has(g.label)) && a.gold.some((g) => g.label === 'AddressNumber' || g.label === 'USPSBoxID'));
const recipients = train.filter((a) => a.gold.every((g) => g.label === 'Recipient'));
const zipRows = [...Array.from({ length: 4000 }, () => String(Math.floor(rand() * 99999)).padStart(5, '0'))]
  .map((z) => zipDatabase().lookup(z))
  .filter((r) => r !== undefined && /^[A-Z]/.test(r.city) && r.city.length < 25);
const title = (s: string) => s.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());
const stateNames = new Map<string, string>([['CA', 'California'], ['NY', 'New York'], ['TX', 'Texas'], ['FL', 'Florida'], ['IL', 'Illinois'], ['GA', 'Georgia'], ['PA', 'Pennsylvania'], ['OH', 'Ohio'], ['NC', 'North Carolina'], ['NJ', 'New Jersey']]);
for (let k = 0; k < SYNTHETIC && streets.length > 0 && zipRows.length > 0; k++) {
  const s = pick(streets);
  const z = pick(zipRows);
  const upper = rand() < 0.6;
  const cs = (x: string) => (upper ? x.toUpperCase() : title(x));
  const pieces: Array<{ text: string; label: Label } | { sep: string }> = [];
  const multiLine = rand() < 0.2;
  if (rand() < 0.08 && recipients.length > 0) {
    for (const g of pick(recipients).gold) pieces.push({ text: upper ? g.text.toUpperCase() : g.text, label: 'Recipient' });
    pieces.push({ sep: multiLine ? '\n' : rand() < 0.5 ? ', ' : ' ' });
  } else if (rand() < 0.25) {
    pieces.push({ text: cs(syntheticRecipient()), label: 'Recipient' }, { sep: multiLine ? '\n' : rand() < 0.2 ? ', ' : ' ' });
  }
  if (rand() < 0.5) {
    for (const g of syntheticStreet()) pieces.push({ text: upper ? g.text : title(g.text), label: g.label });
  } else {
    for (const g of s.gold) pieces.push({ text: upper ? g.text.toUpperCase() : g.text.replace(/[,;]$/, ''), label: g.label });
    if (rand() < 0.06) pieces.push({ text: String(1 + Math.floor(rand() * 400)), label: 'OccupancyIdentifier' });
  }
  const commas = !multiLine && rand() < 0.5;
  pieces.push({ sep: multiLine ? '\n' : commas ? ', ' : ' ' });
  pieces.push({ text: cs(z!.city), label: 'PlaceName' });
  pieces.push({ sep: commas || rand() < 0.3 ? ', ' : ' ' });
  const stateText = rand() < 0.08 && stateNames.has(z!.state) ? cs(stateNames.get(z!.state)!) : z!.state;
  const zipText = rand() < 0.25 ? `${z!.zip}-${String(Math.floor(rand() * 9999)).padStart(4, '0')}` : z!.zip;
  const r = rand();
  if (r < 0.06) pieces.push({ text: zipText, label: 'ZipCode' }, { sep: ' ' }, { text: stateText, label: 'StateName' });
  else if (r < 0.12) pieces.push({ text: stateText, label: 'StateName' });
  else if (r < 0.16) pieces.push({ text: zipText, label: 'ZipCode' });
  else pieces.push({ text: stateText, label: 'StateName' }, { sep: rand() < 0.1 ? ', ' : ' ' }, { text: zipText, label: 'ZipCode' });
  if (rand() < 0.03) pieces.push({ sep: rand() < 0.5 ? ' ' : '\n' }, { text: pick(['USA', 'US', 'United States']), label: 'CountryName' });
  examples.push(compose(pieces));
}

// Synthetic building names, in the three places the labeled records put them (46 of the 1,102 training
// records have one; too few for the model to learn the layouts): a name line before the street ("ONE
// MIDTOWN PLAZA, 1360 PEACHTREE ST"), a whole line that is a numbered building ("1700 WELLS FARGO TOWER", the
// number included, as the records label it) and a name after the street ("… LAMBERT ST STEEPLE
// TOWNHOMES, PORTLAND"). Own random stream, so the examples above stay the same.
const BUILDINGS = Number(process.env.CLARITY_EXPORT_BUILDINGS ?? 0);
const brand = seededRandom(777);
const bpick = <T>(xs: readonly T[]): T => xs[Math.floor(brand() * xs.length)]!;
const BUILDING_HEADS = ['TOWER', 'CENTER', 'CTR', 'PLAZA', 'BUILDING', 'BLDG', 'SQUARE', 'HALL', 'COMPLEX', 'PAVILION', 'OFFICE PARK', 'BUSINESS CENTER', 'MEDICAL CENTER', 'PROFESSIONAL BUILDING', 'CORPORATE CENTER', 'EXECUTIVE CENTER', 'FINANCIAL CENTER', 'TRADE CENTER', 'BANK BUILDING', 'INDUSTRIAL PARK'];
// Numbered buildings and names after the street end in words that are not street suffixes (CENTER, PLAZA,
// TERRACE, MANOR … are, and there the street reading is the usual one).
const NUMBERED_HEADS = ['TOWER', 'BUILDING', 'BLDG', 'BANK BLDG', 'BANK BUILDING', 'FINANCIAL TOWER'];
const RESIDENCE_HEADS = ['TOWNHOMES', 'APARTMENTS', 'LOFTS', 'FLATS', 'CONDOMINIUMS', 'RESIDENCES', 'TOWER', 'BUILDING'];
const buildingName = (heads: readonly string[]) => {
  const words = [bpick(brand() < 0.5 ? surnames : nameWords).toUpperCase()];
  if (brand() < 0.3) words.push(bpick(nameWords).toUpperCase());
  return `${words.join(' ')} ${bpick(heads)}`;
};
for (let k = 0; k < BUILDINGS && streets.length > 0 && zipRows.length > 0; k++) {
  const upper = brand() < 0.6;
  const cs = (x: string) => (upper ? x.toUpperCase() : title(x));
  const z = bpick(zipRows)!;
  const pieces: Array<{ text: string; label: Label } | { sep: string }> = [];
  const street = () => {
    for (const g of bpick(streets).gold) pieces.push({ text: upper ? g.text.toUpperCase() : g.text.replace(/[,;]$/, ''), label: g.label });
  };
  const layout = brand();
  if (layout < 0.45) {
    const lead = brand();
    const prefix = lead < 0.2 ? 'ONE ' : lead < 0.3 ? 'THE ' : '';
    pieces.push({ text: cs(prefix + buildingName(BUILDING_HEADS)), label: 'BuildingName' }, { sep: bpick([', ', ' ', '\n']) });
    street();
  } else if (layout < 0.7) {
    pieces.push({ text: `${1 + Math.floor(brand() * 9999)} ${cs(buildingName(NUMBERED_HEADS))}`, label: 'BuildingName' });
    if (brand() < 0.4) pieces.push({ text: cs(bpick(['STE', 'SUITE', '#'])), label: 'OccupancyType' }, { text: String(100 + Math.floor(brand() * 2000)), label: 'OccupancyIdentifier' });
  } else {
    street();
    pieces.push({ sep: ' ' }, { text: cs(buildingName(RESIDENCE_HEADS)), label: 'BuildingName' });
  }
  // A quarter without the city line: the labeled records often end at the building.
  if (brand() < 0.75) {
    pieces.push({ sep: brand() < 0.6 ? ', ' : ' ' }, { text: cs(z.city), label: 'PlaceName' }, { sep: brand() < 0.5 ? ', ' : ' ' });
    pieces.push({ text: z.state, label: 'StateName' }, { sep: ' ' }, { text: z.zip, label: 'ZipCode' });
  }
  examples.push(compose(pieces));
}

// Synthetic intersections ("6TH AND MAIN ST", "CORNER OF CAVE & ZERKEL STS", "HWY 16 AND MINNESOTA RD NW"):
// 14 of the 1,102 training records are intersections and cross-validation got nearly all of them wrong,
// the first street mostly read as a house number or a recipient. Own random stream.
const INTERSECTIONS = Number(process.env.CLARITY_EXPORT_INTERSECTIONS ?? 0);
const crand = seededRandom(4242);
const cpick = <T>(xs: readonly T[]): T => xs[Math.floor(crand() * xs.length)]!;
const ordinal = (k: number) => `${k}${k % 10 === 1 && k % 100 !== 11 ? 'ST' : k % 10 === 2 && k % 100 !== 12 ? 'ND' : k % 10 === 3 && k % 100 !== 13 ? 'RD' : 'TH'}`;
/** One street of an intersection, labels by construction. */
function crossStreet(): Array<{ text: string; label: Label }> {
  const out: Array<{ text: string; label: Label }> = [];
  const r = crand();
  if (r < 0.15) {
    out.push({ text: cpick(['HWY', 'HIGHWAY', 'ROUTE', 'RT', 'STATE ROUTE', 'COUNTY ROAD', 'US HIGHWAY', 'SR', 'FM']), label: 'StreetNamePreType' });
    out.push({ text: String(1 + Math.floor(crand() * 400)), label: 'StreetName' });
    return out;
  }
  if (r < 0.2) return [{ text: `I-${cpick(['5', '10', '35', '40', '55', '70', '80', '90', '94', '95'])}`, label: 'StreetName' }];
  if (crand() < 0.12) out.push({ text: cpick(DIRS), label: 'StreetNamePreDirectional' });
  if (crand() < 0.3) out.push({ text: ordinal(1 + Math.floor(crand() * 150)), label: 'StreetName' });
  else for (let w = crand() < 0.25 ? 2 : 1; w > 0; w--) out.push({ text: cpick(nameWords).toUpperCase(), label: 'StreetName' });
  if (crand() < 0.55) out.push({ text: cpick(SUFFIXES), label: 'StreetNamePostType' });
  return out;
}
for (let k = 0; k < INTERSECTIONS && zipRows.length > 0; k++) {
  const upper = crand() < 0.6;
  const cs = (x: string) => (upper ? x.toUpperCase() : title(x));
  const pieces: Array<{ text: string; label: Label } | { sep: string }> = [];
  if (crand() < 0.1) pieces.push({ text: cs(cpick(['CORNER OF', 'CORNER', 'JUNCTION', 'INTERSECTION OF'])), label: 'CornerOf' });
  for (const g of crossStreet()) pieces.push({ text: cs(g.text), label: g.label });
  pieces.push({ text: cpick(['&', '&', 'AND', 'and', 'And', 'at', 'AT']), label: 'IntersectionSeparator' });
  for (const g of crossStreet()) pieces.push({ text: cs(g.text), label: g.label });
  if (crand() < 0.5) {
    const z = cpick(zipRows)!;
    pieces.push({ sep: crand() < 0.6 ? ', ' : ' ' }, { text: cs(z.city), label: 'PlaceName' }, { sep: crand() < 0.5 ? ', ' : ' ' });
    pieces.push({ text: z.state, label: 'StateName' });
    if (crand() < 0.7) pieces.push({ sep: ' ' }, { text: z.zip, label: 'ZipCode' });
  }
  examples.push(compose(pieces));
}

const lines: string[] = [];
for (const a of examples) {
  const tokens = tokenize(a.text);
  if (tokens.length === 0) continue;
  const labels = labelTokens(tokens, a.gold);
  const x: string[][] = tokens.map(() => []);
  extractFeatures(tokens, { zipdb: zipDatabase() }, (i, f) => x[i]!.push(f));
  lines.push(JSON.stringify({ x, y: labels }));
}
writeFileSync(outPath, `${lines.join('\n')}\n`);
process.stdout.write(`${JSON.stringify({ out: outPath, sequences: lines.length, trainRecords: train.length, fold: foldArg ?? null })}\n`);
