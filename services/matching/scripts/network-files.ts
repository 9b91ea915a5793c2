// The real supplier network of ../shared/data/suppliers as (file, format) pairs, and a loader that
// parses them with the service's own importers (for the benchmark and the calibration fit).
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { SupplierFormat } from '@clarity/proto/clarity/matching/v1/matching.js';
import { importerFor } from '../src/domain/importers.js';
import type { SupplierRecord } from '../src/domain/supplier.js';

export interface NetworkFile {
  path: string;
  format: SupplierFormat;
  formatName: string;
}

export function sharedDataDir(): string {
  const candidates = [process.env.CLARITY_SHARED_DATA, resolve(process.cwd(), '../shared/data'), resolve(process.cwd(), '../../shared/data'), '/work/shared/data'];
  for (const c of candidates) if (c && existsSync(join(c, 'suppliers'))) return c;
  throw new Error('shared data not found: set CLARITY_SHARED_DATA to the folder holding suppliers/');
}

export function networkFiles(dataDir = sharedDataDir()): NetworkFile[] {
  const irsDir = join(dataDir, 'suppliers', 'irs-eo-bmf');
  const irs = readdirSync(irsDir)
    .filter((f) => f.endsWith('.csv.gz'))
    .sort()
    .map((f) => ({ path: join(irsDir, f), format: SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF, formatName: 'irs-eo-bmf' }));
  return [
    ...irs,
    { path: join(dataDir, 'suppliers', 'ga-ppp', 'ga-ppp.csv.gz'), format: SupplierFormat.SUPPLIER_FORMAT_SBA_PPP_GEORGIA, formatName: 'sba-ppp-georgia' },
    { path: join(dataDir, 'suppliers', 'fedach', 'FedACHdir.txt.gz'), format: SupplierFormat.SUPPLIER_FORMAT_FEDACH, formatName: 'fedach' },
  ];
}

/** Every record of the real network, parsed by the importers (row errors are counted, not thrown). */
export async function loadNetwork(dataDir?: string): Promise<{ records: SupplierRecord[]; rejected: number }> {
  const records: SupplierRecord[] = [];
  let rejected = 0;
  for (const f of networkFiles(dataDir)) {
    const input = createReadStream(f.path).pipe(createGunzip());
    for await (const row of importerFor(f.format)(input)) {
      if ('record' in row) records.push(row.record);
      else rejected += 1;
    }
  }
  return { records, rejected };
}
