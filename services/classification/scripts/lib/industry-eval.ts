// Industry-code evaluation on Georgia PPP loans (suppliers/ga-ppp/ga-ppp.csv.gz: recipient name + the
// lender-reported 2017 NAICS code), dev split only (same name hash as the payee-type split).
import { cleanText } from '@clarity/kit';
import type { PayeeClassifier } from '../../src/domain/classifier.js';
import { normalizeName } from '../../src/domain/normalize.js';
import { readGzCsv, sharedData, splitOf } from './dataset.js';

export async function evaluateIndustry(classifier: PayeeClassifier, split: 'dev' | 'train' | 'calib' = 'dev') {
  const bySource: Record<string, { n: number; d2: number; d4: number; d6: number }> = {};
  let n = 0;
  let assigned = 0;
  let d2 = 0;
  let d6 = 0;
  const seen = new Set<string>();
  for await (const r of readGzCsv(sharedData('suppliers/ga-ppp/ga-ppp.csv.gz'))) {
    const truth = (r.NAICS ?? '').trim();
    const name = cleanText(r.Recipient ?? '');
    if (!/^\d{6}$/.test(truth) || name === '') continue;
    const key = normalizeName(name).key;
    if (key === '' || seen.has(key) || splitOf(key) !== split) continue;
    seen.add(key);
    n++;
    const c = classifier.classify(name).classification;
    const code = c.industry?.naics?.code;
    if (!code) continue;
    assigned++;
    const src = c.industry!.naics!.source;
    const s = (bySource[src] ??= { n: 0, d2: 0, d4: 0, d6: 0 });
    s.n++;
    if (code.slice(0, 2) === truth.slice(0, 2)) {
      s.d2++;
      d2++;
    }
    if (code.slice(0, 4) === truth.slice(0, 4)) s.d4++;
    if (code === truth) {
      s.d6++;
      d6++;
    }
  }
  const r4 = (x: number) => Number(x.toFixed(4));
  return {
    dataset: `suppliers/ga-ppp/ga-ppp.csv.gz, ${split} split, distinct names with a 6-digit NAICS`,
    names: n,
    coverage: r4(assigned / n),
    precisionSector2: r4(d2 / assigned),
    precisionExact6: r4(d6 / assigned),
    bySource: Object.fromEntries(Object.entries(bySource).map(([k, v]) => [k, { assigned: v.n, precisionSector2: r4(v.d2 / v.n), precisionIndustryGroup4: r4(v.d4 / v.n), precisionExact6: r4(v.d6 / v.n) }])),
  };
}
