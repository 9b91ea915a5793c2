// Well-known businesses that accounts-payable files pay most (data/known-businesses.tsv, hand-curated from
// public knowledge, not from any labeled set). A brand written alone ("MICROSOFT", "HOME DEPOT #6543",
// "UNITED PARCEL SERVICE") carries no legal form and often reads like a person's name ("HENRY SCHEIN",
// "PITNEY BOWES") or like a nonprofit to a model trained on registries where form-less names are mostly
// charities. An exact whole-name match against this list answers BUSINESS with the company's subtype and
// NAICS code instead. Only the whole name counts: "APPLE VALLEY SCHOOL DISTRICT" is not Apple.
import { readFileSync } from 'node:fs';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { DATA_DIR } from './lexicons.js';
import type { NormalizedName } from './normalize.js';
import { hasDigit } from './rules.js';
import type { RuleHit } from './types.js';

const S = PayeeSubtype;
const SUBTYPES: Record<string, PayeeSubtype> = {
  business: S.PAYEE_SUBTYPE_BUSINESS,
  financial_institution: S.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION,
  insurance: S.PAYEE_SUBTYPE_INSURANCE,
  utility: S.PAYEE_SUBTYPE_UTILITY,
};

/**
 * Declared precision of a known-business match, an exact whole-name match of a curated brand; measured on
 * the labeled splits by scripts/measure-rules.ts like every rule, and the measurement refines it.
 */
const KNOWN_BUSINESS_PRIOR = 0.999;

export interface KnownBusiness {
  /** Display name ("Microsoft Corporation"). */
  name: string;
  /** Stable rule id suffix derived from the display name ("microsoft_corporation"). */
  slug: string;
  subtype: PayeeSubtype;
  naics: string;
}

export interface KnownMatch {
  business: KnownBusiness;
  /** The words of the payee name that matched (tails such as INC or a store number removed). */
  matched: string;
}

/** Words after the brand that say nothing about which company it is: legal forms, country, group. */
const TAIL_WORDS = new Set(['INC', 'INCORPORATED', 'CORP', 'CORPORATION', 'CO', 'COMPANY', 'COMPANIES', 'LLC', 'LTD', 'LIMITED', 'LP', 'LLP', 'PLC', 'USA', 'US', 'HOLDINGS', 'HOLDING']);
/** The forms of a corporation (not of an LLC or partnership). */
const CORPORATE_FORMS = new Set(['INC', 'INCORPORATED', 'CORP', 'CORPORATION', 'CO', 'COMPANY', 'COMPANIES']);
/** Two-word tails: "OF AMERICA", "NORTH AMERICA" (L.L.C. written as three letters is handled beside them). */
const TAIL_PAIRS = new Set(['OF AMERICA', 'NORTH AMERICA', 'OF USA']);

/** The rule hit of a match, as the classifier weighs it and scripts/measure-rules.ts counts it. */
export function knownBusinessHit(m: KnownMatch): RuleHit {
  const b = m.business;
  return {
    tier: 'known_business', ruleId: `known_business.${b.slug}`, type: PayeeType.PAYEE_TYPE_BUSINESS, subtype: b.subtype,
    detail: `the whole name is that of a known business: ${b.name}`, matched: m.matched, prior: KNOWN_BUSINESS_PRIOR, naics: b.naics,
  };
}

export class KnownBusinesses {
  /** Match key with its spaces removed ("WALMART" for WAL MART, "WWGRAINGER") → business. */
  private readonly byKey = new Map<string, KnownBusiness>();

  constructor(keys: ReadonlyArray<[string, KnownBusiness]>) {
    for (const [key, b] of keys) {
      const compact = key.replace(/ /g, '');
      const prior = this.byKey.get(compact);
      if (prior && prior !== b) throw new Error(`known businesses: the key ${key} names both ${prior.name} and ${b.name}`);
      this.byKey.set(compact, b);
    }
  }

  /**
   * Parses the TSV (name, keys separated by |, subtype, NAICS, note; # comments). `validNaics` rejects codes
   * that are not 2017 NAICS national industries, so a typo fails at start-up rather than answering wrongly.
   */
  static parse(text: string, validNaics?: (code: string) => boolean): KnownBusinesses {
    const keys: Array<[string, KnownBusiness]> = [];
    const slugs = new Set<string>();
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const [name, keyList, subtype, naics] = line.split('\t');
      const where = `known businesses line ${i + 1}`;
      if (!name || !keyList || !subtype || !naics) throw new Error(`${where}: expected name, keys, subtype and NAICS separated by tabs`);
      const st = SUBTYPES[subtype];
      if (st === undefined) throw new Error(`${where}: unknown subtype ${subtype}`);
      if (!/^\d{6}$/.test(naics) || (validNaics && !validNaics(naics))) throw new Error(`${where}: ${naics} is not a 2017 NAICS code`);
      let slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
      while (slugs.has(slug)) slug += '_';
      slugs.add(slug);
      const b: KnownBusiness = { name, slug, subtype: st, naics };
      for (const key of keyList.split('|')) {
        if (!/^[A-Z0-9]+( [A-Z0-9]+)*$/.test(key)) throw new Error(`${where}: key "${key}" must be upper-case words separated by single spaces`);
        keys.push([key, b]);
      }
    });
    return new KnownBusinesses(keys);
  }

  static load(dir = DATA_DIR, validNaics?: (code: string) => boolean): KnownBusinesses {
    const path = `${dir}known-businesses.tsv`;
    try {
      return KnownBusinesses.parse(readFileSync(path, 'utf8'), validNaics);
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message}`);
    }
  }

  /**
   * The business the whole name names: the name as written, then with one more tail removed at a time (a
   * legal form, "OF AMERICA", a store number such as "#6543"), so "THE HOME DEPOT #6543", "MICROSOFT CORP"
   * and "BANK OF AMERICA" (found before its tail is tried) all resolve. A leading THE is dropped before two
   * words or more, or before one word followed by a corporation's form ("THE HERTZ CORPORATION", "THE KROGER
   * CO"): "THE SQUARE, LLC" and "THE FIRESTONE" are restaurants, not Square or Firestone. A brand whose own
   * name is "THE" and one word lists it so ("THE HARTFORD").
   */
  match(norm: NormalizedName): KnownMatch | undefined {
    const t = norm.tokens;
    let end = t.length;
    if (end === 0 || end > 8 || norm.commas.length > 0) return undefined;
    const the = t[0] === 'THE';
    let corporate = false;
    while (end > 0) {
      let compact = '';
      for (let i = 1; i < end; i++) compact += t[i];
      let b = this.byKey.get(t[0] + compact);
      if (b) return { business: b, matched: t.slice(0, end).join(' ') };
      if (the && (end >= 3 || (end === 2 && corporate)) && (b = this.byKey.get(compact))) return { business: b, matched: t.slice(1, end).join(' ') };
      if (end < 2) return undefined;
      const last = t[end - 1]!;
      // A store number has three characters or more ("SUBWAY 30768"); "BOX 1" is no store of Box.
      if (TAIL_WORDS.has(last) || (last.length >= 3 && hasDigit(last))) {
        corporate ||= CORPORATE_FORMS.has(last);
        end--;
      } else if (end >= 3 && TAIL_PAIRS.has(`${t[end - 2]} ${last}`)) end -= 2;
      else if (end >= 4 && t[end - 3] === 'L' && t[end - 2] === 'L' && last === 'C') end -= 3;
      else return undefined;
    }
    return undefined;
  }
}
