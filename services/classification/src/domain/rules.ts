// The cheap rule tiers after overrides and exclusion lists: junk / not-a-name detection, legal forms
// and professional suffixes (with the sole-proprietor rule), organization words, and person-name
// evidence. Each returns hits with a declared prior precision; the pipeline refines that prior with
// the rule's measured statistics (data/rule-stats.json) and lets only rules that stay ≥ 99.9 % precise
// decide — everything else is evidence for the model.
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import type { Lexicons } from './lexicons.js';
import type { NormalizedName } from './normalize.js';
import type { RuleHit } from './types.js';

const { PAYEE_TYPE_INDIVIDUAL: IND, PAYEE_TYPE_BUSINESS: BUS, PAYEE_TYPE_GOVERNMENT: GOV, PAYEE_TYPE_UNKNOWN: UNK } = PayeeType;
const S = PayeeSubtype;

// ------------------------------------------------------------------------------------------ junk

/** Whole names that stand for "no real payee". */
const PLACEHOLDERS = new Set([
  'NULL', 'NUL', 'NIL', 'NONE', 'NA', 'N A', 'NAN', 'UNKNOWN', 'UNK', 'UNDEFINED', 'TEST', 'TESTING', 'TEST TEST', 'TEST VENDOR', 'TEST PAYEE',
  'TEST USER', 'TEST ACCOUNT', 'VOID', 'VOIDED', 'DELETE', 'DELETED', 'DO NOT USE', 'DONT USE', 'DO NOT PAY', 'DUPLICATE', 'DUP', 'TAXPAYER',
  'THE TAXPAYER', 'TAX PAYER', 'CURRENT OWNER', 'THE CURRENT OWNER', 'CURRENT RESIDENT', 'CURRENT OCCUPANT', 'OCCUPANT', 'THE OCCUPANT', 'RESIDENT',
  'THE RESIDENT', 'OWNER', 'THE OWNER', 'HOMEOWNER', 'PROPERTY OWNER', 'OR CURRENT RESIDENT', 'OR CURRENT OCCUPANT', 'OR CURRENT OWNER',
  'TO WHOM IT MAY CONCERN', 'WHOM IT MAY CONCERN', 'VARIOUS', 'VARIOUS VENDORS', 'VENDOR', 'VENDORS', 'MISC', 'MISC VENDOR', 'MISCELLANEOUS',
  'MISCELLANEOUS VENDOR', 'ONE TIME VENDOR', 'ONE TIME PAYEE', 'ONETIME VENDOR', 'SUNDRY', 'SUNDRY VENDOR', 'CASH', 'PAYEE', 'PAY TO THE ORDER OF',
  'ANY', 'ANYONE', 'SAME', 'SAME AS ABOVE', 'SEE ABOVE', 'SEE BELOW', 'SEE ATTACHED', 'SEE NOTES', 'REFUND', 'CUSTOMER', 'CUSTOMER REFUND',
  'EMPLOYEE', 'NOT APPLICABLE', 'NOT AVAILABLE', 'NO NAME', 'NONAME', 'NAME', 'FIRST LAST', 'FIRST NAME LAST NAME', 'LAST FIRST', 'BLANK', 'EMPTY',
  'DECEASED', 'ESTATE', 'ADDRESS', 'NO ADDRESS', 'RETURN TO SENDER', 'RTS', 'TBD', 'TBA', 'PENDING', 'NEW VENDOR', 'INACTIVE', 'CLOSED',
  'JOHN DOE', 'JANE DOE', 'DOE JOHN', 'DOE JANE', 'XXX', 'ABC', 'ASDF', 'QWERTY', 'ZZZ', 'PLACEHOLDER', 'DUMMY', 'SAMPLE', 'EXAMPLE', 'OTHER',
]);

const STREET_TYPES = new Set([
  'ST', 'STREET', 'AVE', 'AV', 'AVENUE', 'RD', 'ROAD', 'DR', 'DRIVE', 'LN', 'LANE', 'BLVD', 'BOULEVARD', 'CT', 'COURT', 'CIR', 'CIRCLE', 'PL',
  'PLACE', 'WAY', 'HWY', 'HIGHWAY', 'PKWY', 'PARKWAY', 'TER', 'TERRACE', 'TRL', 'TRAIL', 'SQ', 'SQUARE', 'PIKE', 'ROUTE', 'RTE', 'CV', 'COVE',
  'XING', 'LOOP', 'RUN', 'PATH', 'ALY', 'ALLEY', 'EXPY', 'FWY', 'STE', 'SUITE', 'APT', 'UNIT', 'FL', 'FLOOR', 'BLDG', 'PLZ', 'PLAZA', 'TPKE',
]);
const DIRECTIONS = new Set(['N', 'S', 'E', 'W', 'NE', 'NW', 'SE', 'SW', 'NORTH', 'SOUTH', 'EAST', 'WEST']);

const isDigits = (t: string) => /^\d+$/.test(t);
const JUNK_STARTS = new Set(['TEST', 'DO', 'DONT', 'DELETE', 'VOID', 'DUPLICATE']);
const BOX_STARTS = new Set(['P', 'PO', 'POST', 'BOX', 'DRAWER']);

function oneLetterRepeated(key: string): boolean {
  let letter = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 65 || c > 90) continue;
    if (letter === 0) letter = c;
    else if (c !== letter) return false;
  }
  return letter !== 0;
}

/** Junk / not-a-name: returns the reason as an UNKNOWN hit, or undefined when the input is a name. */
export function junkHit(norm: NormalizedName, raw: string): RuleHit | undefined {
  const unknown = (ruleId: string, reason: string, matched: string, prior = 0.99): RuleHit => ({
    tier: 'junk', ruleId, type: UNK, subtype: S.PAYEE_SUBTYPE_UNSPECIFIED, detail: reason, matched, prior, unknownReason: reason,
  });
  const { tokens, key } = norm;
  if (norm.latinLetters === 0 && norm.digits === 0) {
    if (norm.otherLetters > 0) return undefined; // a non-Latin name: handled by nonLatinHit
    return unknown('junk.no_letters', 'the name has no letters or digits', raw.slice(0, 40));
  }
  if (raw.includes('@') && /[^\s@]+@[^\s@]+\.[a-z]{2,}/i.test(raw)) return unknown('junk.email', 'the name is an e-mail address, not a payee name', raw.slice(0, 60));
  if (norm.latinLetters === 0) {
    const taxId = /^\d{2}-?\d{7}$|^\d{3}-?\d{2}-?\d{4}$/.test(raw.replace(/\s/g, ''));
    return unknown(taxId ? 'junk.tax_id' : 'junk.number', taxId ? 'the name is a tax identification number' : 'the name is a bare number', key);
  }
  if (PLACEHOLDERS.has(key)) return unknown('junk.placeholder', `placeholder name '${key}'`, key);
  const first = tokens[0] ?? '';
  if (JUNK_STARTS.has(first) && /^(TEST|DO NOT USE|DO NOT PAY|DONT USE|DELETE|VOID|DUPLICATE)\b/.test(key) && tokens.length <= 4 && !/\b(INC|LLC|CORP|CO)\b/.test(key)) {
    return unknown('junk.placeholder', `placeholder name '${key}'`, key);
  }
  // One letter repeated ("XXXX", "A").
  if (norm.digits === 0 && oneLetterRepeated(key)) return unknown('junk.repeated', 'the name is one letter repeated', key);
  // PO boxes and street addresses in the name field.
  if (BOX_STARTS.has(first) && /^(P ?O|POST OFFICE|PO DRAWER|DRAWER) ?BOX \w+$|^BOX \d+$|^(P ?O|POST OFFICE) BOX \w+( [A-Z]{2})?( \d{5})?$/.test(key)) {
    return unknown('junk.address', 'the name is a post-office box, not a payee name', key);
  }
  const c0 = first.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && tokens.length >= 3 && tokens.length <= 9 && /^\d+[A-Z]?$/.test(first) && (!isDigits(tokens[1]!) || DIRECTIONS.has(tokens[1]!))) {
    // "123 MAIN ST", "4066 SHELBURNE RD STE 2": a number, then words ending in (or holding) a street type.
    const typeAt = tokens.findIndex((t, i) => i >= 2 && STREET_TYPES.has(t));
    if (typeAt >= 2 && tokens.slice(typeAt + 1).every((t, i) => i < 3 && (isDigits(t) || t.length <= 2 || STREET_TYPES.has(t) || /^\d{5}$/.test(t)))) {
      return unknown('junk.address', 'the name is a street address, not a payee name', key);
    }
  }
  if (norm.latinLetters < 2 && norm.digits === 0) return unknown('junk.too_short', 'the name is too short to classify', key);
  return undefined;
}

// Legal forms written in other scripts: the one thing we can still read in a non-Latin name.
const NON_LATIN_FORMS: Array<{ text: string; type: PayeeType; subtype: PayeeSubtype; id: string; detail: string; token?: boolean }> = [
  { text: '株式会社', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ja_kabushiki_kaisha', detail: 'Japanese joint-stock company (株式会社)' },
  { text: '有限会社', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ja_yugen_kaisha', detail: 'Japanese limited company (有限会社)' },
  { text: '合同会社', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ja_godo_kaisha', detail: 'Japanese LLC (合同会社)' },
  { text: '有限公司', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'zh_youxian_gongsi', detail: 'Chinese limited company (有限公司)' },
  { text: '公司', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'zh_gongsi', detail: 'Chinese company (公司)' },
  { text: '銀行', type: BUS, subtype: S.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION, id: 'cjk_bank', detail: 'bank (銀行)' },
  { text: '银行', type: BUS, subtype: S.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION, id: 'zh_bank', detail: 'bank (银行)' },
  { text: '주식회사', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ko_jusik_hoesa', detail: 'Korean joint-stock company (주식회사)' },
  { text: '政府', type: GOV, subtype: S.PAYEE_SUBTYPE_UNSPECIFIED, id: 'cjk_government', detail: 'government (政府)' },
  { text: 'ООО', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ru_ooo', detail: 'Russian limited liability company (ООО)', token: true },
  { text: 'ОАО', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ru_oao', detail: 'Russian joint-stock company (ОАО)', token: true },
  { text: 'ЗАО', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ru_zao', detail: 'Russian closed joint-stock company (ЗАО)', token: true },
  { text: 'ПАО', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ru_pao', detail: 'Russian public joint-stock company (ПАО)', token: true },
  { text: 'АО', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ru_ao', detail: 'Russian joint-stock company (АО)', token: true },
  { text: 'ТОВ', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'uk_tov', detail: 'Ukrainian limited liability company (ТОВ)', token: true },
  { text: 'ИП', type: IND, subtype: S.PAYEE_SUBTYPE_SOLE_PROPRIETOR, id: 'ru_ip', detail: 'Russian individual entrepreneur (ИП)', token: true },
  { text: 'ΑΕ', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'el_ae', detail: 'Greek société anonyme (Α.Ε.)', token: true },
  { text: 'ΕΠΕ', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'el_epe', detail: 'Greek limited company (Ε.Π.Ε.)', token: true },
  { text: 'شركة', type: BUS, subtype: S.PAYEE_SUBTYPE_BUSINESS, id: 'ar_sharika', detail: 'Arabic "company" (شركة)', token: true },
];

/**
 * Names written (mostly) in a non-Latin script: a legal form we can read decides, otherwise UNKNOWN with
 * the script named. Mixed names with a usable Latin part return undefined (the Latin part is classified).
 */
export function nonLatinHit(norm: NormalizedName): RuleHit | undefined {
  if (norm.otherLetters === 0) return undefined;
  if (norm.latinLetters >= 3 && norm.latinLetters >= norm.otherLetters / 2) return undefined;
  const upper = norm.otherText.toUpperCase();
  const words = upper.split(' ');
  for (const f of NON_LATIN_FORMS) {
    if (f.token ? words.includes(f.text) : upper.includes(f.text)) {
      return { tier: 'legal_form', ruleId: `legal_form.${f.id}`, type: f.type, subtype: f.subtype, detail: f.detail, matched: f.text, prior: 0.97 };
    }
  }
  const script = norm.otherScript ?? 'a non-Latin script';
  const reason = `the name is written in ${script} script; only Latin-script names are classified`;
  return { tier: 'junk', ruleId: 'junk.non_latin', type: UNK, subtype: S.PAYEE_SUBTYPE_UNSPECIFIED, detail: reason, matched: norm.otherText.slice(0, 40), prior: 0.99, unknownReason: reason };
}

// ------------------------------------------------------------------------------------------ legal forms

type Position = 'any' | 'end' | 'start';
interface FormDef {
  words: string[];
  id: string;
  type: PayeeType;
  subtype: PayeeSubtype;
  prior: number;
  position: Position;
  detail: string;
  /** 0 legal form, 1 trust/estate, 2 nonprofit word, 3 organization word: lower wins ties. */
  rank: number;
}

const FORM_TABLE: Array<[string, string, PayeeSubtype, number, Position, string, number]> = [
  // words, id, subtype, prior, position, detail, rank
  ['INC', 'inc', S.PAYEE_SUBTYPE_BUSINESS, 0.995, 'any', 'INC marks an incorporated company', 0],
  ['INCORPORATED', 'inc', S.PAYEE_SUBTYPE_BUSINESS, 0.995, 'any', 'INCORPORATED marks a corporation', 0],
  ['LLC', 'llc', S.PAYEE_SUBTYPE_BUSINESS, 0.998, 'any', 'LLC marks a limited liability company', 0],
  ['L L C', 'llc', S.PAYEE_SUBTYPE_BUSINESS, 0.998, 'any', 'L.L.C. marks a limited liability company', 0],
  ['LLP', 'llp', S.PAYEE_SUBTYPE_BUSINESS, 0.998, 'any', 'LLP marks a limited liability partnership', 0],
  ['L L P', 'llp', S.PAYEE_SUBTYPE_BUSINESS, 0.998, 'any', 'L.L.P. marks a limited liability partnership', 0],
  ['LLLP', 'lllp', S.PAYEE_SUBTYPE_BUSINESS, 0.998, 'any', 'LLLP marks a limited liability limited partnership', 0],
  ['PLLC', 'pllc', S.PAYEE_SUBTYPE_BUSINESS, 0.998, 'any', 'PLLC marks a professional limited liability company', 0],
  ['P L L C', 'pllc', S.PAYEE_SUBTYPE_BUSINESS, 0.998, 'any', 'P.L.L.C. marks a professional limited liability company', 0],
  ['CORP', 'corp', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'any', 'CORP marks a corporation', 0],
  ['CORPORATION', 'corp', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'any', 'CORPORATION marks a corporation', 0],
  ['LTD', 'ltd', S.PAYEE_SUBTYPE_BUSINESS, 0.995, 'any', 'LTD marks a limited company', 0],
  ['LIMITED', 'ltd', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'LIMITED marks a limited company', 0],
  ['PLC', 'plc', S.PAYEE_SUBTYPE_BUSINESS, 0.995, 'end', 'PLC marks a public limited company', 0],
  ['GMBH', 'gmbh', S.PAYEE_SUBTYPE_BUSINESS, 0.998, 'any', 'GMBH marks a German limited company', 0],
  ['SARL', 'sarl', S.PAYEE_SUBTYPE_BUSINESS, 0.995, 'end', 'SARL marks a limited company', 0],
  ['SRL', 'srl', S.PAYEE_SUBTYPE_BUSINESS, 0.995, 'end', 'SRL marks a limited company', 0],
  ['BV', 'bv', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'BV marks a Dutch private company', 0],
  ['PTY', 'pty', S.PAYEE_SUBTYPE_BUSINESS, 0.995, 'any', 'PTY marks a proprietary company', 0],
  ['LP', 'lp', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'LP marks a limited partnership', 0],
  ['L P', 'lp', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'L.P. marks a limited partnership', 0],
  ['LC', 'lc', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'LC marks a limited company', 0],
  ['PC', 'pc', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'PC marks a professional corporation', 0],
  ['P C', 'pc', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'P.C. marks a professional corporation', 0],
  ['PSC', 'psc', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'PSC marks a professional service corporation', 0],
  ['PA', 'pa', S.PAYEE_SUBTYPE_BUSINESS, 0.95, 'end', 'PA marks a professional association (or is the state abbreviation)', 0],
  ['P A', 'pa', S.PAYEE_SUBTYPE_BUSINESS, 0.97, 'end', 'P.A. marks a professional association', 0],
  ['CHTD', 'chartered', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'end', 'CHTD marks a chartered professional corporation', 0],
  ['CHARTERED', 'chartered', S.PAYEE_SUBTYPE_BUSINESS, 0.98, 'end', 'CHARTERED marks a chartered professional corporation', 0],
  ['CO', 'co', S.PAYEE_SUBTYPE_BUSINESS, 0.95, 'end', 'CO marks a company (or abbreviates county)', 0],
  ['AND CO', 'and_co', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'any', '& CO marks a company', 0],
  ['COMPANY', 'company', S.PAYEE_SUBTYPE_BUSINESS, 0.98, 'any', 'COMPANY marks a company', 0],
  ['COMPANIES', 'company', S.PAYEE_SUBTYPE_BUSINESS, 0.98, 'any', 'COMPANIES marks a company', 0],
  ['AND SONS', 'and_sons', S.PAYEE_SUBTYPE_BUSINESS, 0.99, 'any', '& SONS marks a family business', 0],
  ['COOPERATIVE', 'cooperative', S.PAYEE_SUBTYPE_BUSINESS, 0.97, 'any', 'a cooperative', 0],
  ['COOP', 'cooperative', S.PAYEE_SUBTYPE_BUSINESS, 0.97, 'any', 'a cooperative', 0],
  ['DBA', 'dba', S.PAYEE_SUBTYPE_UNSPECIFIED, 0.5, 'any', 'DBA introduces a trade name', 9],
  // Trusts and estates
  ['ESTATE OF', 'estate_of', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.999, 'start', "ESTATE OF names a deceased person's estate", 1],
  ['THE ESTATE OF', 'estate_of', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.999, 'start', "ESTATE OF names a deceased person's estate", 1],
  ['LIVING TRUST', 'trust', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.999, 'any', 'a living trust', 1],
  ['REVOCABLE TRUST', 'trust', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.999, 'any', 'a revocable trust', 1],
  ['IRREVOCABLE TRUST', 'trust', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.999, 'any', 'an irrevocable trust', 1],
  ['FAMILY TRUST', 'trust', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.999, 'any', 'a family trust', 1],
  ['TRUST', 'trust', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.98, 'end', 'a trust', 1],
  ['TRUSTEE', 'trustee', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.9, 'any', 'paid as trustee of a trust', 1],
  ['TTEE', 'trustee', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.95, 'any', 'paid as trustee of a trust', 1],
  ['TRUST DTD', 'trust', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.999, 'any', 'a dated trust', 1],
  ['TR', 'trust', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.9, 'end', 'TR abbreviates trust', 1],
  ['ESTATE', 'estate', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.9, 'end', "a person's estate", 1],
  ['DECEASED', 'estate', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.9, 'end', "a deceased person's estate", 1],
  ['DECD', 'estate', S.PAYEE_SUBTYPE_TRUST_OR_ESTATE, 0.9, 'end', "a deceased person's estate", 1],
  // Nonprofit words
  ...(
    [
      ['CHURCH', 'church'], ['CHURCHES', 'church'], ['MINISTRIES', 'ministry'], ['MINISTRY', 'ministry'], ['FOUNDATION', 'foundation'], ['FDN', 'foundation'],
      ['ASSOCIATION', 'association'], ['ASSN', 'association'], ['ASSOC', 'association'], ['SOCIETY', 'society'], ['CLUB', 'club'], ['LEAGUE', 'league'],
      ['FELLOWSHIP', 'fellowship'], ['AUXILIARY', 'auxiliary'], ['ALUMNI', 'alumni'], ['BOOSTER', 'booster'], ['BOOSTERS', 'booster'], ['PTA', 'pta'],
      ['PTO', 'pta'], ['PTSA', 'pta'], ['PTSO', 'pta'], ['LODGE', 'lodge'], ['TEMPLE', 'temple'], ['SYNAGOGUE', 'synagogue'], ['MOSQUE', 'mosque'],
      ['CONGREGATION', 'congregation'], ['DIOCESE', 'diocese'], ['ARCHDIOCESE', 'diocese'], ['BAPTIST', 'denomination'], ['METHODIST', 'denomination'],
      ['LUTHERAN', 'denomination'], ['PRESBYTERIAN', 'denomination'], ['EPISCOPAL', 'denomination'], ['CATHOLIC', 'denomination'],
      ['PENTECOSTAL', 'denomination'], ['EVANGELICAL', 'denomination'], ['APOSTOLIC', 'denomination'], ['TABERNACLE', 'church'], ['CHAPEL', 'church'],
      ['FRATERNAL', 'fraternal'], ['FRATERNITY', 'fraternal'], ['SORORITY', 'fraternal'], ['VFW', 'veterans'], ['AMERICAN LEGION', 'veterans'],
      ['KNIGHTS OF COLUMBUS', 'fraternal'], ['ROTARY', 'service_club'], ['KIWANIS', 'service_club'], ['LIONS CLUB', 'service_club'], ['MASONIC', 'fraternal'],
      ['ELKS', 'fraternal'], ['SCOUTS', 'youth'], ['YMCA', 'youth'], ['YWCA', 'youth'], ['HABITAT FOR HUMANITY', 'charity'], ['UNITED WAY', 'charity'],
      ['CHARITIES', 'charity'], ['CHARITABLE', 'charity'], ['BENEVOLENT', 'charity'], ['NONPROFIT', 'charity'], ['NON PROFIT', 'charity'],
      ['POLITICAL ACTION COMMITTEE', 'pac'], ['PAC', 'pac'], ['COMMITTEE TO ELECT', 'pac'], ['FRIENDS OF', 'friends_of'], ['HISTORICAL SOCIETY', 'society'],
      ['MUSEUM', 'museum'], ['SCHOLARSHIP FUND', 'fund'], ['MEMORIAL FUND', 'fund'], ['BROTHERHOOD', 'union'], ['LABOR UNION', 'union'], ['LOCAL UNION', 'union'],
      ['INTERNATIONAL UNION', 'union'], ['WORKERS UNION', 'union'], ['EMPLOYEES UNION', 'union'], ['CHAMBER OF COMMERCE', 'chamber'], ['AUXILLARY', 'auxiliary'],
      ['INSTITUTE', 'institute'], ['ACADEMY', 'academy'], ['COUNCIL', 'council'], ['MISSION', 'mission'], ['MISSIONARY', 'mission'], ['PARISH', 'church'],
      ['CATHEDRAL', 'church'], ['ORCHESTRA', 'arts'], ['SYMPHONY', 'arts'], ['CHORALE', 'arts'], ['THEATRE', 'arts'], ['COALITION', 'coalition'],
      ['ALLIANCE', 'coalition'], ['HOSPITAL', 'hospital'], ['UNIVERSITY', 'university'], ['COLLEGE', 'college'], ['SCHOOL', 'school'],
    ] as Array<[string, string]>
  ).map(([w, id]): [string, string, PayeeSubtype, number, Position, string, number] => [w, `org.${id}`, S.PAYEE_SUBTYPE_NONPROFIT, 0.98, 'any', `${w} is a word of nonprofit and civic organizations`, 2]),
];

const FORMS: FormDef[] = FORM_TABLE.map(([words, id, subtype, prior, position, detail, rank]) => ({
  words: words.split(' '),
  id: `legal_form.${id}`,
  type: BUS,
  subtype,
  prior,
  position,
  detail,
  rank,
}));
const FORMS_BY_FIRST = new Map<string, FormDef[]>();
for (const f of FORMS) {
  const list = FORMS_BY_FIRST.get(f.words[0]!) ?? [];
  list.push(f);
  FORMS_BY_FIRST.set(f.words[0]!, list);
}

/** Professional designations after a person's name. */
const PROFESSIONAL = new Map<string, string>([
  ['CPA', 'certified public accountant'], ['DDS', 'dentist'], ['DMD', 'dentist'], ['MD', 'physician'], ['DO', 'osteopathic physician'],
  ['DC', 'chiropractor'], ['OD', 'optometrist'], ['DPM', 'podiatrist'], ['DVM', 'veterinarian'], ['VMD', 'veterinarian'], ['PHD', 'doctor of philosophy'],
  ['EDD', 'doctor of education'], ['PSYD', 'psychologist'], ['JD', 'lawyer'], ['ESQ', 'attorney'], ['ESQUIRE', 'attorney'], ['RN', 'registered nurse'],
  ['LPN', 'licensed practical nurse'], ['NP', 'nurse practitioner'], ['APRN', 'nurse practitioner'], ['FNP', 'nurse practitioner'], ['CRNA', 'nurse anesthetist'],
  ['LCSW', 'clinical social worker'], ['LPC', 'licensed professional counselor'], ['LMFT', 'family therapist'], ['LMHC', 'mental health counselor'],
  ['PT', 'physical therapist'], ['DPT', 'physical therapist'], ['OTR', 'occupational therapist'], ['CFP', 'financial planner'], ['CFA', 'financial analyst'],
  ['CLU', 'life underwriter'], ['CHFC', 'financial consultant'], ['EA', 'enrolled agent'], ['AIA', 'architect'], ['PE', 'professional engineer'],
  ['RPH', 'pharmacist'], ['PHARMD', 'pharmacist'], ['MBA', 'master of business administration'], ['RD', 'dietitian'], ['LAC', 'acupuncturist'],
  ['BSN', 'nurse'], ['MSN', 'nurse'], ['PAC', 'physician assistant'], ['CPO', 'prosthetist'], ['REALTOR', 'realtor'], ['ATTY', 'attorney'],
]);
const GENERATIONAL = new Set(['JR', 'SR', 'II', 'III', 'IV', 'V', '2ND', '3RD']);
const TITLES = new Set(['MR', 'MRS', 'MS', 'MISS', 'DR', 'REV', 'REVEREND', 'HON', 'SIR', 'MADAM', 'MX', 'PROF', 'FR', 'SISTER', 'PASTOR']);
const STATE_WORDS = new Set(['AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME',
  'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX',
  'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'ALABAMA', 'ALASKA', 'ARIZONA', 'ARKANSAS', 'CALIFORNIA', 'COLORADO', 'CONNECTICUT', 'DELAWARE',
  'FLORIDA', 'GEORGIA', 'HAWAII', 'IDAHO', 'ILLINOIS', 'INDIANA', 'IOWA', 'KANSAS', 'KENTUCKY', 'LOUISIANA', 'MAINE', 'MARYLAND', 'MASSACHUSETTS',
  'MICHIGAN', 'MINNESOTA', 'MISSISSIPPI', 'MISSOURI', 'MONTANA', 'NEBRASKA', 'NEVADA', 'OHIO', 'OKLAHOMA', 'OREGON', 'PENNSYLVANIA', 'TENNESSEE',
  'TEXAS', 'UTAH', 'VERMONT', 'VIRGINIA', 'WASHINGTON', 'WISCONSIN', 'WYOMING', 'NEW', 'NORTH', 'SOUTH', 'WEST', 'RHODE']);
/** Words that never occur in a person's name as written on a payment. */
const NOT_PERSON = new Set(['AND', 'OF', 'THE', 'FOR', 'AT', 'IN', 'ON', 'BY', 'TO', 'DBA', 'AKA', 'FKA', 'CO', 'COUNTY', 'CITY', 'TOWN', 'STATE',
  'DEPT', 'DEPARTMENT', 'OFFICE', 'SERVICE', 'SERVICES', 'GROUP', 'CENTER', 'CENTRE', 'BANK', 'TRUST', 'FUND', 'ESTATE', 'CLINIC', 'ASSOCIATES', 'PARTNERS']);

export function hasDigit(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Legal-form, trust/estate and organization-word hits, strongest first. */
export function legalFormHits(norm: NormalizedName, lex: Lexicons): RuleHit[] {
  const { tokens } = norm;
  const n = tokens.length;
  const hits: Array<RuleHit & { rank: number }> = [];
  const inverted = invertedPersonShape(norm, lex);
  for (let i = 0; i < n; i++) {
    const defs = FORMS_BY_FIRST.get(tokens[i]!);
    if (!defs) continue;
    for (const f of defs) {
      const len = f.words.length;
      if (i + len > n) continue;
      let ok = true;
      for (let k = 1; k < len; k++) if (tokens[i + k] !== f.words[k]) ok = false;
      if (!ok) continue;
      if (f.position === 'end' && i + len !== n) continue;
      if (f.position === 'start' && i !== 0) continue;
      if (n === len && f.rank >= 1) continue; // the word alone ("TRUST", "CHURCH") says nothing of the payee
      // "CHURCH, JOHN": an organization word in the surname slot of a person's name.
      if (f.rank >= 2 && inverted && i < (norm.commas[0] ?? 0) + 1) continue;
      // "REAL ESTATE", "ESTATE PLANNING": not an estate.
      if (f.id === 'legal_form.estate' && i > 0 && (tokens[i - 1] === 'REAL' || tokens[i - 1] === 'STATE')) continue;
      const matched = f.words.join(' ');
      if (hits.some((h) => h.ruleId === f.id)) continue;
      hits.push({ tier: 'legal_form', ruleId: f.id, type: f.type, subtype: f.subtype, detail: f.detail, matched, prior: f.prior, rank: f.rank });
    }
  }
  hits.sort((a, b) => a.rank - b.rank || b.prior - a.prior);
  return hits;
}

/**
 * "JAMES W TRIMBLE CPA", "VERA, ELIZABETH DDS": a person's name followed by professional designations
 * and no entity legal form. The stated rule: a professional practicing under their own name without
 * PC/PA/PLLC/INC/LLC is a sole proprietor (INDIVIDUAL / sole_proprietor); with one, it is a BUSINESS.
 */
export function professionalHit(norm: NormalizedName, lex: Lexicons, legal: RuleHit[]): RuleHit | undefined {
  const { tokens } = norm;
  let end = tokens.length;
  const found: string[] = [];
  while (end > 1 && PROFESSIONAL.has(tokens[end - 1]!)) found.unshift(tokens[--end]!);
  if (found.length === 0 || end < 2 || end > 5) return undefined;
  if (legal.some((h) => h.subtype === S.PAYEE_SUBTYPE_BUSINESS && h.ruleId !== 'legal_form.dba')) return undefined;
  const person = tokens.slice(0, end);
  if (!personLike(person, norm.commas.filter((c) => c < end - 1), lex)) return undefined;
  const kind = PROFESSIONAL.get(found[0]!)!;
  return {
    tier: 'legal_form', ruleId: `professional.${found[0]!.toLowerCase()}`, type: IND, subtype: S.PAYEE_SUBTYPE_SOLE_PROPRIETOR,
    detail: `a person's name with the designation ${found.join(' ')} (${kind}) and no entity form: a sole proprietor`, matched: found.join(' '), prior: 0.95,
  };
}

// ------------------------------------------------------------------------------------------ person names

function isPersonWord(t: string, lex: Lexicons): boolean {
  return !NOT_PERSON.has(t) && !lex.orgWords.has(t) && !hasDigit(t);
}

/** A run of words that reads as a person's name ("JAMES W TRIMBLE", "VERA, ELIZABETH"). */
function personLike(words: string[], commas: number[], lex: Lexicons): boolean {
  if (words.length < 2 || words.length > 5) return false;
  if (!words.every((w) => isPersonWord(w, lex))) return false;
  if (commas.length === 1 && commas[0]! <= 2) {
    const given = words[commas[0]! + 1];
    return given !== undefined && lex.firstCount(given) >= 500;
  }
  if (commas.length > 0) return false;
  return lex.firstCount(words[0]!) >= 500 || (words[0]!.length === 1 && lex.firstCount(words[1] ?? '') >= 500);
}

/** "LAST, FIRST M" / "LAST LAST, FIRST" with a known given name after the comma. Returns the given-name index. */
export function invertedPersonShape(norm: NormalizedName, lex: Lexicons): boolean {
  const { tokens, commas } = norm;
  if (commas.length === 0 || commas[0]! > 2) return false;
  const c = commas[0]!;
  // At most one more comma, before a generational suffix ("SMITH, JOHN, JR").
  if (commas.length > 2) return false;
  if (commas.length === 2 && !GENERATIONAL.has(tokens[commas[1]! + 1] ?? '')) return false;
  let given = tokens.slice(c + 1);
  while (given.length > 1 && GENERATIONAL.has(given[given.length - 1]!)) given = given.slice(0, -1);
  if (given.length === 0 || given.length > 3) return false;
  const first = given[0]!.length === 1 && given.length > 1 ? given[1]! : given[0]!;
  if (lex.firstCount(first) < 500 || STATE_WORDS.has(given[0]!)) return false;
  for (let i = 0; i < tokens.length; i++) if (!GENERATIONAL.has(tokens[i]!) && !isPersonWord(tokens[i]!, lex)) return false;
  return true;
}

/** Person-name evidence, strongest first: inverted shape, title, DBA, "FIRST M LAST". */
export function personHits(norm: NormalizedName, lex: Lexicons): RuleHit[] {
  const { tokens } = norm;
  const n = tokens.length;
  const hits: RuleHit[] = [];
  const person = (ruleId: string, subtype: PayeeSubtype, detail: string, matched: string, prior: number): RuleHit => ({
    tier: 'person_name', ruleId, type: IND, subtype, detail, matched, prior,
  });
  if (invertedPersonShape(norm, lex)) {
    const c = norm.commas[0]!;
    hits.push(person('person_name.inverted', S.PAYEE_SUBTYPE_PERSON, `"LAST, FIRST" shape with the given name ${tokens[c + 1]} after the comma`, norm.display, 0.995));
  }
  // "JOHN SMITH DBA SMITH PLUMBING": the payee is the person, trading under a name.
  const dba = tokens.findIndex((t, i) => i > 0 && (t === 'DBA' || (t === 'D' && tokens[i + 1] === 'B' && tokens[i + 2] === 'A') || t === 'TA'));
  if (dba > 0) {
    const owner = tokens.slice(0, dba);
    if (personLike(owner, norm.commas.filter((c) => c < dba - 1), lex)) {
      hits.push(person('person_name.dba', S.PAYEE_SUBTYPE_SOLE_PROPRIETOR, `${owner.join(' ')} is a person trading under another name (DBA): a sole proprietor`, owner.join(' '), 0.97));
    }
  }
  if (n >= 2 && TITLES.has(tokens[0]!) && norm.commas.length === 0) {
    const rest = tokens.slice(1);
    if (rest.length <= 4 && rest.every((w) => isPersonWord(w, lex) || GENERATIONAL.has(w)) && rest.some((w) => lex.firstCount(w) >= 500 || lex.surnameRank(w) > 0)) {
      hits.push(person('person_name.title', S.PAYEE_SUBTYPE_PERSON, `the personal title ${tokens[0]} before a name`, tokens[0]!, 0.98));
    }
  }
  // A couple, "JOHN AND MARY SMITH" ("&" is normalized to AND): two given names sharing a surname.
  if (norm.commas.length === 0 && (n === 4 || (n === 5 && GENERATIONAL.has(tokens[4]!))) && tokens[1] === 'AND') {
    const [a, , b, last] = tokens as [string, string, string, string];
    if (lex.firstCount(a) >= 1000 && lex.firstCount(b) >= 1000 && last.length > 1 && lex.surnameRank(last) > 0 && [a, b, last].every((w) => isPersonWord(w, lex))) {
      hits.push(person('person_name.couple', S.PAYEE_SUBTYPE_PERSON, `a couple: the given names ${a} and ${b} before the surname ${last}`, tokens.slice(0, 4).join(' '), 0.99));
    }
  }
  if (norm.commas.length === 0 && n >= 2 && n <= 5) {
    let words = tokens;
    while (words.length > 2 && GENERATIONAL.has(words[words.length - 1]!)) words = words.slice(0, -1);
    const last = words[words.length - 1]!;
    const firstOk = lex.firstCount(words[0]!) >= 1000 || (words[0]!.length === 1 && lex.firstCount(words[1]!) >= 1000 && words.length >= 3);
    let middleOk = true;
    for (let i = 1; i < words.length - 1 && middleOk; i++) {
      const w = words[i]!;
      middleOk = w.length === 1 || lex.firstCount(w) >= 500 || lex.surnameRank(w) > 0;
    }
    if (firstOk && middleOk && last.length > 1 && lex.surnameRank(last) > 0 && words.every((w) => isPersonWord(w, lex))) {
      hits.push(person('person_name.direct', S.PAYEE_SUBTYPE_PERSON, `"FIRST LAST" shape: ${words[0]} is a given name, ${last} a surname`, words.join(' '), 0.95));
    }
  }
  return hits;
}
