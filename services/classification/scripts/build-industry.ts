// Builds data/sic-codes.json from ../shared/data/codes: SIC 1987 titles (OSHA list) and the Census
// SIC ↔ NAICS 2017 crosswalk, the committed table the runtime uses for SIC codes and titles.
// Run: node dist/scripts/build-industry.js
import { writeFileSync } from 'node:fs';
import { cleanText } from '@clarity/kit';
import { normalizeName } from '../src/domain/normalize.js';
import { INDUSTRY_STOP_WORDS } from '../src/domain/industry.js';
import { readGzCsv, serviceRoot, sharedData, splitOf } from './lib/dataset.js';

const titles: Record<string, string> = {};
for await (const r of readGzCsv(sharedData('codes/sic-codes.csv'))) {
  const code = (r.SIC4_cd ?? '').trim().padStart(4, '0');
  if (/^\d{4}$/.test(code)) titles[code] = (r.SIC4_desc ?? '').trim();
}
const naicsToSic: Record<string, string[]> = {};
const sicToNaics: Record<string, string[]> = {};
for await (const r of readGzCsv(sharedData('codes/sic-naics-crosswalk.csv'))) {
  const sic = (r.sic ?? '').trim();
  if (!/^\d{4}$/.test(sic)) continue;
  for (const n of (r.naics2017 ?? '').split(';').map((s) => s.trim()).filter((s) => /^\d{6}$/.test(s))) {
    (naicsToSic[n] ??= []).includes(sic) || naicsToSic[n]!.push(sic);
    (sicToNaics[sic] ??= []).includes(n) || sicToNaics[sic]!.push(n);
  }
}
writeFileSync(
  `${serviceRoot}data/sic-codes.json`,
  `${JSON.stringify({ source: 'codes/sic-codes.csv (OSHA SIC 1987) and codes/sic-naics-crosswalk.csv (Census SIC 1987 -> NAICS 2002 -> 2017)', titles, naicsToSic, sicToNaics })}\n`,
);
console.log(`sic-codes: ${Object.keys(titles).length} SIC titles, ${Object.keys(naicsToSic).length} NAICS codes crosswalked`);

// Learned word → NAICS table from Georgia PPP loans of the TRAIN split (name + lender-reported NAICS):
// for each word seen in at least 8 names, its most frequent 6-digit code when that code covers >= 35 %.
const wordCodes = new Map<string, Map<string, number>>();
const seen = new Set<string>();
for await (const r of readGzCsv(sharedData('suppliers/ga-ppp/ga-ppp.csv.gz'))) {
  const code = (r.NAICS ?? '').trim();
  const norm = normalizeName(cleanText(r.Recipient ?? ''));
  if (!/^\d{6}$/.test(code) || norm.key === '' || seen.has(norm.key) || splitOf(norm.key) !== 'train') continue;
  seen.add(norm.key);
  for (const w of new Set(norm.tokens)) {
    if (w.length < 3 || INDUSTRY_STOP_WORDS.has(w) || /\d/.test(w)) continue;
    const m = wordCodes.get(w) ?? new Map<string, number>();
    m.set(code, (m.get(code) ?? 0) + 1);
    wordCodes.set(w, m);
  }
}
const words: Record<string, [string, number, number]> = {};
for (const [w, m] of wordCodes) {
  let total = 0;
  let best = '';
  let bestN = 0;
  for (const [c, n] of m) {
    total += n;
    if (n > bestN || (n === bestN && c < best)) [best, bestN] = [c, n];
  }
  if (total >= 8 && bestN / total >= 0.35) words[w] = [best, Number((bestN / total).toFixed(3)), total];
}
writeFileSync(
  `${serviceRoot}data/industry-words.json`,
  `${JSON.stringify({ source: 'suppliers/ga-ppp/ga-ppp.csv.gz (Recipient, NAICS), train split; word -> [naics, share of names with that code, names]', words })}\n`,
);
console.log(`industry-words: ${Object.keys(words).length} words from ${seen.size} names`);
