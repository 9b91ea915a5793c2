// User overrides: an exact normalized name or a regular expression → a fixed answer, checked before
// every other tier. Exact names are one map lookup; patterns are tried in id order.
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { OverrideMatch } from '@clarity/proto/clarity/classification/v1/classification.js';
import { compileRuleRegex } from './exclusions.js';
import { normalizeName, type NormalizedName } from './normalize.js';

export interface OverrideData {
  id: string;
  pattern: string;
  match: OverrideMatch;
  payeeType: PayeeType;
  subtype: PayeeSubtype;
  excluded: boolean;
  note: string;
  updateTime: Date;
}

export class OverrideMatcher {
  private readonly exact = new Map<string, OverrideData>();
  private readonly patterns: Array<{ re: RegExp; override: OverrideData }> = [];
  readonly size: number;

  constructor(overrides: readonly OverrideData[]) {
    const sorted = [...overrides].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const o of sorted) {
      if (o.match === OverrideMatch.OVERRIDE_MATCH_REGEX) {
        const re = compileRuleRegex(o.pattern);
        if (typeof re !== 'string') this.patterns.push({ re, override: o });
      } else {
        const key = normalizeName(o.pattern).key;
        if (key !== '' && !this.exact.has(key)) this.exact.set(key, o);
      }
    }
    this.size = this.exact.size + this.patterns.length;
  }

  match(norm: NormalizedName): { override: OverrideData; matched: string } | undefined {
    if (this.size === 0) return undefined;
    const exact = this.exact.get(norm.key);
    if (exact) return { override: exact, matched: norm.key };
    for (const { re, override } of this.patterns) {
      const m = re.exec(norm.key);
      if (m) return { override, matched: m[0] };
    }
    return undefined;
  }
}
