// Builds data/sic-codes.json from ../shared/data/codes: SIC 1987 titles (OSHA list) and the Census
// SIC ↔ NAICS 2017 crosswalk, the committed table the runtime uses for SIC codes and titles.
// Run: node dist/scripts/build-industry.js
import { writeFileSync } from 'node:fs';
import { readGzCsv, serviceRoot, sharedData } from './lib/dataset.js';

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
