// The exclusion-list matcher: every enabled rule compiled once into a word trie (WORDS / EXACT / PREFIX /
// SUFFIX) plus a short list of regular expressions, so one name costs a walk over its words rather than
// a scan of 700 keywords. Rebuilt whenever the lists change.
import { KeywordMatch } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ExclusionRuleSpec } from './exclusion-defaults.js';
import { normalizeName, type NormalizedName } from './normalize.js';

/** A rule as stored and edited: the default's shape without its prior, plus edit state. */
export interface ExclusionRuleData extends Omit<ExclusionRuleSpec, 'prior'> {
  disabled: boolean;
  updateTime: Date;
}

export interface ExclusionMatch {
  rule: ExclusionRuleData;
  matched: string;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  rules: ExclusionRuleData[];
}

const node = (): TrieNode => ({ next: new Map(), rules: [] });

/** Compiles a rule's regular expression, or explains why it cannot. */
export function compileRuleRegex(keyword: string): RegExp | string {
  if (keyword.length > 2000) return 'is longer than 2000 characters';
  try {
    return new RegExp(keyword);
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message}`;
  }
}

/** The words a keyword matches, normalized like names ("AT&T" → AT AND T). */
export function keywordWords(keyword: string): string[] {
  return normalizeName(keyword).tokens;
}

/**
 * A necessary condition read off a pattern, to skip running it on most names: the alternatives of a
 * final "(?:A|B C)$" or "WORD$" give the possible last words; otherwise a single "\\bWORD\\b" outside
 * any group gives a word the name must contain. Undefined when nothing simple can be said.
 */
export function regexPrefilter(source: string): { lastWords?: Set<string>; word?: string } {
  const alt = /\(\?:([A-Z0-9 |]+)\)\$$/.exec(source);
  if (alt) return { lastWords: new Set(alt[1]!.split('|').map((a) => a.split(' ').pop()!)) };
  const single = /(?:^|[\s)^}])([A-Z0-9]+)\$$/.exec(source);
  if (single) return { lastWords: new Set([single[1]!]) };
  const words = [...source.matchAll(/\\b([A-Z0-9]+)\\b/g)];
  if (words.length === 1 && !/[|]/.test(source.replace(/\(\?<?[!=][^)]*\)/g, ''))) return { word: words[0]![1]! };
  return {};
}

export class ExclusionMatcher {
  private readonly root = node();
  private readonly regexes: Array<{ re: RegExp; rule: ExclusionRuleData; lastWords?: Set<string>; word?: string }> = [];
  readonly size: number;

  constructor(
    rules: readonly ExclusionRuleData[],
    readonly version: string,
  ) {
    let size = 0;
    for (const rule of rules) {
      if (rule.disabled) continue;
      const match = rule.match === KeywordMatch.KEYWORD_MATCH_UNSPECIFIED ? KeywordMatch.KEYWORD_MATCH_WORDS : rule.match;
      if (match === KeywordMatch.KEYWORD_MATCH_REGEX) {
        const re = compileRuleRegex(rule.keyword);
        if (typeof re === 'string') continue; // validated on upsert; a bad stored rule is skipped, not fatal
        this.regexes.push({ re, rule, ...regexPrefilter(rule.keyword) });
        size++;
        continue;
      }
      const words = keywordWords(rule.keyword);
      if (words.length === 0) continue;
      let at = this.root;
      for (const w of words) {
        let nx = at.next.get(w);
        if (!nx) at.next.set(w, (nx = node()));
        at = nx;
      }
      at.rules.push({ ...rule, match });
      size++;
    }
    this.size = size;
  }

  /** Every enabled rule the name matches, in rule order of discovery (left to right, longest first). */
  match(norm: NormalizedName): ExclusionMatch[] {
    const out: ExclusionMatch[] = [];
    const tokens = norm.tokens;
    const n = tokens.length;
    for (let i = 0; i < n; i++) {
      let at: TrieNode | undefined = this.root;
      let found: ExclusionMatch[] | undefined;
      for (let j = i; j < n; j++) {
        at = at.next.get(tokens[j]!);
        if (!at) break;
        if (at.rules.length === 0) continue;
        const end = j + 1;
        for (const rule of at.rules) {
          const m = rule.match;
          if (m === KeywordMatch.KEYWORD_MATCH_PREFIX && i !== 0) continue;
          if (m === KeywordMatch.KEYWORD_MATCH_SUFFIX && end !== n) continue;
          if (m === KeywordMatch.KEYWORD_MATCH_EXACT && (i !== 0 || end !== n)) continue;
          (found ??= []).push({ rule, matched: tokens.slice(i, end).join(' ') });
        }
      }
      // Longest match from this position first ("CLERK OF THE CIRCUIT COURT" before "CIRCUIT COURT").
      if (found) out.push(...found.reverse());
    }
    const last = n > 0 ? tokens[n - 1]! : '';
    for (const { re, rule, lastWords, word } of this.regexes) {
      // Cheap necessary conditions first: the word the pattern must end with, or must contain.
      if (lastWords && !lastWords.has(last)) continue;
      if (word && !tokens.includes(word)) continue;
      const m = re.exec(norm.key);
      if (m) out.push({ rule, matched: m[0] });
    }
    return out;
  }
}
