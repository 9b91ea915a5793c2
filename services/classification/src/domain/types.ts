// Shapes shared by the tiers.
import { PayeeSubtype, PayeeType, type Evidence } from '@clarity/proto/clarity/common/v1/types.js';

/** What a rule proposes: a type, why, and how precise the rule is believed to be before measurement. */
export interface RuleHit {
  tier: TierName;
  ruleId: string;
  type: PayeeType;
  subtype: PayeeSubtype;
  detail: string;
  matched: string;
  /** Declared precision before data (a Beta prior mean); measured statistics refine it. */
  prior: number;
  /** Set for junk: why the payee is UNKNOWN. */
  unknownReason?: string;
  /** Set for a known business: its NAICS code. */
  naics?: string;
}

export type TierName = 'override' | 'junk' | 'known_business' | 'exclusion' | 'legal_form' | 'person_name' | 'model' | 'llm';

export function evidence(tier: string, ruleId: string, detail: string, matchedText: string, weight: number): Evidence {
  return { tier, ruleId, detail, matchedText, weight: Math.round(weight * 10_000) / 10_000 };
}

export const TYPE_NAMES: Record<number, string> = {
  [PayeeType.PAYEE_TYPE_INDIVIDUAL]: 'INDIVIDUAL',
  [PayeeType.PAYEE_TYPE_BUSINESS]: 'BUSINESS',
  [PayeeType.PAYEE_TYPE_GOVERNMENT]: 'GOVERNMENT',
  [PayeeType.PAYEE_TYPE_UNKNOWN]: 'UNKNOWN',
  [PayeeType.PAYEE_TYPE_UNSPECIFIED]: '',
};

/** Lower-case subtype names as used in files and the CLI ("sole_proprietor"). */
export function subtypeName(s: PayeeSubtype): string {
  if (s === PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED) return '';
  return (PayeeSubtype[s] ?? '').replace(/^PAYEE_SUBTYPE_/, '').toLowerCase();
}

export function parseSubtype(s: string): PayeeSubtype | undefined {
  if (s === '') return PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED;
  const v = (PayeeSubtype as unknown as Record<string, number>)[`PAYEE_SUBTYPE_${s.toUpperCase()}`];
  return v === undefined ? undefined : (v as PayeeSubtype);
}

export function parseType(s: string): PayeeType | undefined {
  const v = (PayeeType as unknown as Record<string, number>)[`PAYEE_TYPE_${s.toUpperCase()}`];
  return v === undefined ? undefined : (v as PayeeType);
}

/** Which payee types a subtype may go with (proto comments). */
export function subtypeFits(type: PayeeType, subtype: PayeeSubtype): boolean {
  if (subtype === PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED) return true;
  if (subtype === PayeeSubtype.PAYEE_SUBTYPE_UTILITY) return type === PayeeType.PAYEE_TYPE_BUSINESS || type === PayeeType.PAYEE_TYPE_GOVERNMENT;
  if (subtype < 10) return type === PayeeType.PAYEE_TYPE_INDIVIDUAL;
  if (subtype < 20) return type === PayeeType.PAYEE_TYPE_BUSINESS;
  return type === PayeeType.PAYEE_TYPE_GOVERNMENT;
}
