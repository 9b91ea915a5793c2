// The labeled payee names and the deterministic split every script shares. The split is by the hash of
// the normalized name, so one name always lands in the same part: dev (20 %) is never trained on,
// calibration (10 %) fits confidences and rule statistics, train (70 %) fits the model.
import { createReadStream, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { cleanText, readCsv } from '@clarity/kit';
import { fnv1a } from '../../src/domain/hash.js';
import { normalizeName, type NormalizedName } from '../../src/domain/normalize.js';

export const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
export const serviceRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** ../shared/data relative to the repository (override with CLARITY_SHARED_DATA). */
export function sharedData(path: string): string {
  const base = process.env.CLARITY_SHARED_DATA ?? `${repoRoot}../shared/data`;
  const full = `${base.replace(/\/$/, '')}/${path}`;
  if (!existsSync(full)) throw new Error(`missing ${full}: the scripts need ../shared/data (set CLARITY_SHARED_DATA)`);
  return full;
}

export type Split = 'train' | 'calib' | 'dev';

export function splitOf(key: string): Split {
  const b = fnv1a(`split:${key}`) % 100;
  return b < 20 ? 'dev' : b < 30 ? 'calib' : 'train';
}

export type Label = 'INDIVIDUAL' | 'BUSINESS' | 'GOVERNMENT';
export const LABELS: readonly Label[] = ['INDIVIDUAL', 'BUSINESS', 'GOVERNMENT'];

export interface LabeledName {
  name: string;
  label: Label;
  subtype: string;
  source: string;
  quality: 'clean' | 'noisy';
  norm: NormalizedName;
  split: Split;
}

export async function* readGzCsv(path: string): AsyncGenerator<Record<string, string>> {
  const stream = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  for await (const item of readCsv(stream)) if (item.kind === 'row') yield item.record;
}

/** Loads labeled/payee-names-train.csv.gz; names whose normalized form is empty are skipped. */
export async function loadLabeled(): Promise<LabeledName[]> {
  const out: LabeledName[] = [];
  const seen = new Set<string>();
  for await (const r of readGzCsv(sharedData('labeled/payee-names-train.csv.gz'))) {
    const name = cleanText(r.name ?? '');
    const norm = normalizeName(name);
    if (norm.key === '' || seen.has(norm.key)) continue; // our normalization may merge a few more names
    seen.add(norm.key);
    out.push({
      name,
      label: r.payee_type as Label,
      subtype: r.subtype ?? '',
      source: r.source ?? '',
      quality: r.label_quality === 'noisy' ? 'noisy' : 'clean',
      norm,
      split: splitOf(norm.key),
    });
  }
  return out;
}
