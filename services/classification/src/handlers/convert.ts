// Conversions between stored list documents and the proto messages, and the validation of edits.
import { FieldViolations } from '@clarity/kit';
import { KeywordMatch, OverrideMatch, type ExclusionRule, type Override } from '@clarity/proto/clarity/classification/v1/classification.js';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import type { OverrideDoc, RuleDoc } from '../adapters/lists-store.js';
import { compileRuleRegex, keywordWords } from '../domain/exclusions.js';
import { fnv1a } from '../domain/hash.js';
import { normalizeName } from '../domain/normalize.js';
import { subtypeFits } from '../domain/types.js';

export function ruleToProto(d: RuleDoc): ExclusionRule {
  return {
    id: d._id, list: d.list, category: d.category, keyword: d.keyword, match: d.match as KeywordMatch, impliesType: d.impliesType as PayeeType,
    impliesSubtype: d.impliesSubtype as PayeeSubtype, reason: d.reason, disabled: d.disabled, updateTime: new Date(d.updatedAt),
  };
}

export function overrideToProto(d: OverrideDoc): Override {
  return {
    id: d._id, pattern: d.pattern, match: d.match as OverrideMatch, payeeType: d.payeeType as PayeeType, subtype: d.subtype as PayeeSubtype,
    excluded: d.excluded, note: d.note, updateTime: new Date(d.updatedAt),
  };
}

const ID_RE = /^[a-z0-9][a-z0-9._:-]{0,199}$/;
const LIST_RE = /^[a-z][a-z0-9_-]{0,49}$/;

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 60) || 'rule';
}

function checkId(v: FieldViolations, id: string, field: string): void {
  if (id !== '' && !ID_RE.test(id)) v.add(field, 'must be 1-200 characters of a-z, 0-9, ".", "_", ":" or "-", starting with a letter or digit');
}

function validEnum(e: object, value: number): boolean {
  return Object.values(e).includes(value);
}

/** Validates an exclusion rule from a request and returns the document to store (id generated when empty). */
export function ruleFromRequest(rule: ExclusionRule | undefined, now: Date): RuleDoc {
  const v = new FieldViolations();
  if (!rule) {
    v.add('rule', 'is required');
    v.throwIfAny();
  }
  const r = rule!;
  const list = r.list.trim().toLowerCase();
  const category = r.category.trim().toLowerCase() || 'custom';
  const keyword = r.keyword.trim();
  const match = r.match === KeywordMatch.KEYWORD_MATCH_UNSPECIFIED ? KeywordMatch.KEYWORD_MATCH_WORDS : r.match;
  checkId(v, r.id, 'rule.id');
  if (!LIST_RE.test(list)) v.add('rule.list', list === '' ? 'is required (e.g. "government", "financial")' : 'must be 1-50 characters of a-z, 0-9, "_" or "-"');
  if (!LIST_RE.test(category)) v.add('rule.category', 'must be 1-50 characters of a-z, 0-9, "_" or "-"');
  if (!validEnum(KeywordMatch, match) || match < 0) v.add('rule.match', 'is not a known KeywordMatch');
  if (keyword === '') v.add('rule.keyword', 'is required');
  else if (keyword.length > (match === KeywordMatch.KEYWORD_MATCH_REGEX ? 2000 : 500)) v.add('rule.keyword', `is ${keyword.length} characters; the limit is ${match === KeywordMatch.KEYWORD_MATCH_REGEX ? 2000 : 500}`);
  else if (match === KeywordMatch.KEYWORD_MATCH_REGEX) {
    const re = compileRuleRegex(keyword);
    if (typeof re === 'string') v.add('rule.keyword', re);
  } else if (keywordWords(keyword).length === 0) v.add('rule.keyword', 'has no letters or digits to match');
  if (!validEnum(PayeeType, r.impliesType) || r.impliesType === PayeeType.PAYEE_TYPE_UNKNOWN) v.add('rule.implies_type', 'must be INDIVIDUAL, BUSINESS, GOVERNMENT or unset');
  if (!validEnum(PayeeSubtype, r.impliesSubtype)) v.add('rule.implies_subtype', 'is not a known PayeeSubtype');
  else if (r.impliesType !== PayeeType.PAYEE_TYPE_UNSPECIFIED && !subtypeFits(r.impliesType, r.impliesSubtype)) v.add('rule.implies_subtype', `does not belong to ${PayeeType[r.impliesType]}`);
  if (r.reason.length > 500) v.add('rule.reason', 'is longer than 500 characters');
  v.throwIfAny();
  const id = r.id || `${list}.${category}.${slug(match === KeywordMatch.KEYWORD_MATCH_REGEX ? `re_${fnv1a(keyword).toString(36)}` : keywordWords(keyword).join(' '))}`;
  return {
    _id: id, list, category, keyword, match, impliesType: r.impliesType, impliesSubtype: r.impliesSubtype, reason: r.reason.trim(), disabled: r.disabled,
    origin: 'user', updatedAt: now,
  };
}

/** Validates an override from a request and returns the document to store (id generated when empty). */
export function overrideFromRequest(o: Override | undefined, now: Date): OverrideDoc {
  const v = new FieldViolations();
  if (!o) {
    v.add('override', 'is required');
    v.throwIfAny();
  }
  const r = o!;
  const pattern = r.pattern.trim();
  const match = r.match === OverrideMatch.OVERRIDE_MATCH_UNSPECIFIED ? OverrideMatch.OVERRIDE_MATCH_EXACT_NAME : r.match;
  checkId(v, r.id, 'override.id');
  if (!validEnum(OverrideMatch, match) || match < 0) v.add('override.match', 'is not a known OverrideMatch');
  if (pattern === '') v.add('override.pattern', 'is required');
  else if (pattern.length > 2000) v.add('override.pattern', `is ${pattern.length} characters; the limit is 2000`);
  else if (match === OverrideMatch.OVERRIDE_MATCH_REGEX) {
    const re = compileRuleRegex(pattern);
    if (typeof re === 'string') v.add('override.pattern', re);
  } else if (normalizeName(pattern).key === '') v.add('override.pattern', 'has no letters or digits to match');
  if (!validEnum(PayeeType, r.payeeType) || r.payeeType === PayeeType.PAYEE_TYPE_UNSPECIFIED) v.add('override.payee_type', 'is required (INDIVIDUAL, BUSINESS, GOVERNMENT or UNKNOWN)');
  if (!validEnum(PayeeSubtype, r.subtype)) v.add('override.subtype', 'is not a known PayeeSubtype');
  else if (!subtypeFits(r.payeeType, r.subtype)) v.add('override.subtype', `does not belong to ${PayeeType[r.payeeType] ?? 'the payee type'}`);
  if (r.note.length > 1000) v.add('override.note', 'is longer than 1000 characters');
  v.throwIfAny();
  const id = r.id || (match === OverrideMatch.OVERRIDE_MATCH_REGEX ? `regex.${fnv1a(pattern).toString(36)}` : `name.${slug(normalizeName(pattern).key)}`);
  return { _id: id, pattern, match, payeeType: r.payeeType, subtype: r.subtype, excluded: r.excluded, note: r.note.trim(), updatedAt: now };
}
