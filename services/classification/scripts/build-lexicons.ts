// Builds data/person-names.tsv.gz: first-name counts (SSA, 1880-2023) and surname ranks (1990 Census)
// from ../shared/data/names, plus data/org-words.txt: words that mark organizations, derived from the
// TRAIN split of the labeled names only. Run: node dist/scripts/build-lexicons.js
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { normalizeName } from '../src/domain/normalize.js';
import { loadLabeled, readGzCsv, serviceRoot, sharedData } from './lib/dataset.js';

const first = new Map<string, number>();
for await (const r of readGzCsv(sharedData('names/ssa-first-names.csv'))) {
  const key = normalizeName(r.name ?? '').key;
  if (!key || key.includes(' ')) continue;
  first.set(key, (first.get(key) ?? 0) + Number(r.total_count));
}
const surname = new Map<string, number>();
for await (const r of readGzCsv(sharedData('names/census-1990-surnames.csv'))) {
  const key = normalizeName(r.name ?? '').key;
  if (!key || key.includes(' ')) continue;
  if (!surname.has(key)) surname.set(key, Number(r.rank));
}
const names = [...new Set([...first.keys(), ...surname.keys()])].sort();
const lines = ['# name\tfirst_name_count\tsurname_rank  (SSA first names 1880-2023 with >= 100 births; 1990 Census surnames)'];
for (const n of names) lines.push(`${n}\t${first.get(n) ?? 0}\t${surname.get(n) ?? 0}`);
writeFileSync(`${serviceRoot}data/person-names.tsv.gz`, gzipSync(`${lines.join('\n')}\n`, { level: 9 }));
console.log(`person-names: ${names.length} names (${first.size} first names, ${surname.size} surnames)`);

// Organization words: frequent in business/government names of the train split, (almost) never in
// person names there. A person-name rule refuses to fire on a name holding one of them.
const labeled = (await loadLabeled()).filter((r) => r.split === 'train' && r.quality === 'clean');
const org = new Map<string, number>();
const person = new Map<string, number>();
for (const r of labeled) {
  const target = r.label === 'INDIVIDUAL' ? person : org;
  for (const t of new Set(r.norm.tokens)) if (t.length > 1 && !/\d/.test(t)) target.set(t, (target.get(t) ?? 0) + 1);
}
const orgWords: string[] = [];
for (const [t, n] of org) {
  const p = person.get(t) ?? 0;
  const asFirst = first.get(t) ?? 0;
  const rank = surname.get(t) ?? 0;
  // Frequent in organizations, rare in people's names, and neither a common given name nor a common surname.
  if (n >= 15 && p <= n * 0.002 && p <= 3 && asFirst < 20_000 && !(rank > 0 && rank <= 5000)) orgWords.push(t);
}
orgWords.sort();
writeFileSync(
  `${serviceRoot}data/org-words.txt`,
  `# Words of organization names (>= 15 business/government names, <= 0.2 % as often in person names, train split of labeled/payee-names-train.csv.gz)\n${orgWords.join('\n')}\n`,
);
console.log(`org-words: ${orgWords.length}`);
