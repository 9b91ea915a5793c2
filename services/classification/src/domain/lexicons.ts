// The committed word lists the tiers use: person-name frequencies (SSA first names, Census surnames,
// data/person-names.tsv.gz) and organization words derived from the labeled train split
// (data/org-words.txt). Both are built by scripts/build-lexicons.ts; the runtime only reads them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const DATA_DIR = fileURLToPath(new URL('../../../data/', import.meta.url));

export interface NameStats {
  /** Births with this first name in the SSA data (0 when not a first name). */
  firstCount: number;
  /** Rank among 1990 Census surnames (1 = SMITH; 0 when not a surname). */
  surnameRank: number;
}

export class Lexicons {
  constructor(
    readonly names: Map<string, NameStats>,
    readonly orgWords: Set<string>,
  ) {}

  static load(dir = DATA_DIR): Lexicons {
    const names = new Map<string, NameStats>();
    const text = gunzipSync(readFileSync(`${dir}person-names.tsv.gz`)).toString('utf8');
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const [name, first, rank] = line.split('\t');
      names.set(name!, { firstCount: Number(first), surnameRank: Number(rank) });
    }
    const orgWords = new Set(
      readFileSync(`${dir}org-words.txt`, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#')),
    );
    return new Lexicons(names, orgWords);
  }

  firstCount(token: string): number {
    return this.names.get(token)?.firstCount ?? 0;
  }

  surnameRank(token: string): number {
    return this.names.get(token)?.surnameRank ?? 0;
  }
}

let shared: Lexicons | undefined;
/** The committed lexicons, loaded once per process. */
export function defaultLexicons(): Lexicons {
  shared ??= Lexicons.load();
  return shared;
}
