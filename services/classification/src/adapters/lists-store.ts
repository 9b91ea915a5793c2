// Exclusion rules and user overrides in the store. One version document ("lists") counts edits; every
// write bumps it after the data is written, so a replica that sees version N and then reads the lists
// sees every edit up to N. Deletes are tombstones (a deleted default rule is never re-seeded).
import type { Collection, Store } from '@clarity/kit';
import { KeywordMatch, OverrideMatch } from '@clarity/proto/clarity/classification/v1/classification.js';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { DEFAULT_LISTS_VERSION, defaultExclusionRules } from '../domain/exclusion-defaults.js';
import type { ExclusionRuleData } from '../domain/exclusions.js';
import type { OverrideData } from '../domain/overrides.js';

export interface RuleDoc {
  _id: string;
  list: string;
  category: string;
  keyword: string;
  match: number;
  impliesType: number;
  impliesSubtype: number;
  reason: string;
  disabled: boolean;
  deleted?: boolean;
  origin: 'default' | 'user';
  updatedAt: Date;
}

export interface OverrideDoc {
  _id: string;
  pattern: string;
  match: number;
  payeeType: number;
  subtype: number;
  excluded: boolean;
  note: string;
  deleted?: boolean;
  updatedAt: Date;
}

interface MetaDoc {
  _id: string;
  version: number;
  defaultsVersion?: string;
  updatedAt: Date;
}

const META_ID = 'lists';

export function ruleFromDoc(d: RuleDoc): ExclusionRuleData {
  return {
    id: d._id, list: d.list, category: d.category, keyword: d.keyword, match: d.match as KeywordMatch, impliesType: d.impliesType as PayeeType,
    impliesSubtype: d.impliesSubtype as PayeeSubtype, reason: d.reason, disabled: d.disabled, updateTime: new Date(d.updatedAt),
  };
}

export function overrideFromDoc(d: OverrideDoc): OverrideData {
  return {
    id: d._id, pattern: d.pattern, match: d.match as OverrideMatch, payeeType: d.payeeType as PayeeType, subtype: d.subtype as PayeeSubtype,
    excluded: d.excluded, note: d.note, updateTime: new Date(d.updatedAt),
  };
}

export class ListsStore {
  readonly rules: Collection<RuleDoc>;
  readonly overrides: Collection<OverrideDoc>;
  private readonly meta: Collection<MetaDoc>;

  constructor(store: Store) {
    this.rules = store.collection<RuleDoc>('classification_exclusion_rules');
    this.overrides = store.collection<OverrideDoc>('classification_overrides');
    this.meta = store.collection<MetaDoc>('classification_meta');
  }

  /** Seeds the committed default rules on first start, and adds rules new in a newer default list. */
  async ensureSeeded(): Promise<void> {
    await this.rules.createIndex({ list: 1 });
    const meta = await this.meta.get(META_ID);
    if (meta?.defaultsVersion === DEFAULT_LISTS_VERSION) return;
    const defaults = defaultExclusionRules();
    const existing = new Set((await this.rules.getMany(defaults.map((r) => r.id))).map((d) => d._id));
    const now = new Date();
    const missing: RuleDoc[] = defaults
      .filter((r) => !existing.has(r.id))
      .map((r) => ({
        _id: r.id, list: r.list, category: r.category, keyword: r.keyword, match: r.match, impliesType: r.impliesType, impliesSubtype: r.impliesSubtype,
        reason: r.reason, disabled: false, origin: 'default', updatedAt: now,
      }));
    for (let i = 0; i < missing.length; i += 500) await this.rules.putMany(missing.slice(i, i + 500));
    await this.meta.updateOne({ _id: META_ID }, { $set: { defaultsVersion: DEFAULT_LISTS_VERSION, updatedAt: now }, $inc: { version: 1 } }, { upsert: true });
  }

  async version(): Promise<number> {
    return (await this.meta.get(META_ID))?.version ?? 0;
  }

  /** The display form of a version number. */
  static versionLabel(version: number): string {
    return `${DEFAULT_LISTS_VERSION}+${version}`;
  }

  async bump(): Promise<number> {
    const doc = await this.meta.findOneAndUpdate({ _id: META_ID }, { $inc: { version: 1 }, $set: { updatedAt: new Date() } }, { upsert: true, returnDocument: 'after' });
    return doc?.version ?? 0;
  }

  /** Everything the matchers need, with the version it corresponds to (read first). */
  async loadAll(): Promise<{ version: number; rules: ExclusionRuleData[]; overrides: OverrideData[] }> {
    const version = await this.version();
    const rules: ExclusionRuleData[] = [];
    for await (const d of this.rules.scan({ deleted: { $ne: true } })) rules.push(ruleFromDoc(d));
    const overrides: OverrideData[] = [];
    for await (const d of this.overrides.scan({ deleted: { $ne: true } })) overrides.push(overrideFromDoc(d));
    return { version, rules, overrides };
  }
}
