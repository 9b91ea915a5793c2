// Builds src/domain/person-names.json (committed): common US first names (SSA, births 1880-2023 with at
// least 20,000 bearers) and surnames (1990 Census, top 8,000), from ../shared/data/names. Used at run
// time for one rerank feature: "this payee name looks like a person's name".
//   node dist/scripts/build-person-names.js
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDataDir } from './network-files.js';

const dir = join(sharedDataDir(), 'names');
const first = new Set<string>();
for (const line of readFileSync(join(dir, 'ssa-first-names.csv'), 'utf8').split('\n').slice(1)) {
  const [name, , count] = line.split(',');
  if (name && Number(count) >= 20_000) first.add(name.toUpperCase());
}
const last = new Set<string>();
for (const line of readFileSync(join(dir, 'census-1990-surnames.csv'), 'utf8').split('\n').slice(1)) {
  const [name, , , rank] = line.split(',');
  if (name && Number(rank) <= 8000) last.add(name.toUpperCase());
}
const out = fileURLToPath(new URL('../../src/domain/person-names.json', import.meta.url));
writeFileSync(out, `${JSON.stringify({ source: 'SSA first names (>= 20,000 births 1880-2023) and 1990 Census surnames (rank <= 8,000); public domain', first: [...first].sort(), last: [...last].sort() })}\n`);
console.log(`wrote ${out}: ${first.size} first names, ${last.size} surnames`);
