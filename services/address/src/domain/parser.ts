// The address parser: tokens → CRF labels (with USPS/ZIP-database features) → labeled components and
// typed fields, each with a confidence. Never throws on input: junk gets a low-confidence parse.
import { AddressKind, ComponentType } from '@clarity/proto/clarity/address/v1/address.js';
import { CrfModel } from './crf.js';
import { COMPONENT_TYPE_OF, type Label } from './labels.js';
import { CARDINAL_NUMERAL, DIRECTIONAL, STATE_CODE, SUFFIX_ABBREVIATION } from './tables.js';
import { tokenize, tokenText, type Token } from './tokens.js';
import { unitPairs } from './units.js';
import { cityKey, zipDatabase, type ZipDatabase } from './zipdb.js';

/** What callers give us: one free-form string (one or several lines) and/or structured fields. */
export interface AddressInput {
  freeform?: string;
  recipient?: string;
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
}

export interface ParsedToken extends Token {
  label: Label;
}

export interface ParsedComponent {
  type: ComponentType;
  label: Label;
  text: string;
  confidence: number;
  /** Index range of the tokens [first, last]. */
  first: number;
  last: number;
}

export interface ParsedFields {
  recipient: string;
  addressNumber: string;
  streetPredirection: string;
  streetName: string;
  streetType: string;
  streetPostdirection: string;
  unitType: string;
  unitId: string;
  poBox: string;
  ruralRoute: string;
  city: string;
  state: string;
  zip: string;
  zip4: string;
}

export interface Parse {
  /** The text that was tokenized (structured input joined by new lines). */
  text: string;
  tokens: ParsedToken[];
  components: ParsedComponent[];
  fields: ParsedFields;
  kind: AddressKind;
  /** Calibrated probability that every token's label is right (exact labels). */
  confidence: number;
  /**
   * The same for the reading: labels that give the same fields count as one (a unit named Subaddress or
   * Occupancy). What the verdict uses; not separately calibrated.
   */
  readingConfidence: number;
  /** ZIP written in a sloppy form and read differently ("30260.0" → "30260", "5146" → "05146"). */
  zipRepair?: { original: string; zip: string; how: 'decimal' | 'leading-zero' | 'nine-digits' };
  /**
   * The delivery line is a numbered building name ("ONE WORLD TRADE CENTER", "1 BANK PLAZA"), read as the
   * street address the Postal Service files it under (1 WORLD TRADE CTR): its text, for the verdict's note.
   */
  numberedBuilding?: string;
}

const SECOND_STREET: Partial<Record<Label, ComponentType>> = {
  StreetName: ComponentType.COMPONENT_TYPE_SECOND_STREET_NAME,
  StreetNamePostType: ComponentType.COMPONENT_TYPE_SECOND_STREET_NAME_POST_TYPE,
  StreetNamePreDirectional: ComponentType.COMPONENT_TYPE_SECOND_STREET_NAME_PRE_DIRECTIONAL,
  StreetNamePostDirectional: ComponentType.COMPONENT_TYPE_SECOND_STREET_NAME_POST_DIRECTIONAL,
  StreetNamePreType: ComponentType.COMPONENT_TYPE_SECOND_STREET_NAME_PRE_TYPE,
};

export { tokenText } from './tokens.js';

/** Reads a ZIP written sloppily: "30260.0" (spreadsheet float), "5146" (lost leading zero), "956701234". */
export function repairZip(value: string): { zip: string; zip4: string; how?: 'decimal' | 'leading-zero' | 'nine-digits' } | undefined {
  if (value.length === 5 && isDigits(value)) return { zip: value, zip4: '' };
  const v = value.trim();
  let m = /^(\d{5})(?:[-\s–—]?(\d{4}))?$/.exec(v);
  if (m) return { zip: m[1]!, zip4: m[2] ?? '', ...(v.length === 9 ? { how: 'nine-digits' as const } : {}) };
  m = /^(\d{3,5})\.0+$/.exec(v);
  if (m) return { zip: m[1]!.padStart(5, '0'), zip4: '', how: m[1]!.length === 5 ? 'decimal' : 'leading-zero' };
  m = /^(\d{3,4})(?:-(\d{4}))?$/.exec(v);
  if (m) return { zip: m[1]!.padStart(5, '0'), zip4: m[2] ?? '', how: 'leading-zero' };
  return undefined;
}

function isDigits(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `line` without a trailing copy of the input's city / state / ZIP fields (any of them, in that order). */
export function withoutRepeatedLastLine(line: string, src: AddressInput): string {
  const simple = (x: string) => x.toUpperCase().replace(/[^A-Z0-9]+/g, ' ').trim();
  const tail = [src.city, src.state, src.postalCode].map((x) => simple(x ?? '')).filter(Boolean);
  if (tail.length === 0) return line;
  const words = line.split(/\s+/);
  // Try the longest repeated tail first: "CITY ST ZIP", then "ST ZIP", "ZIP", "CITY ST", "CITY"…
  for (let from = 0; from < tail.length; from++) {
    for (let to = tail.length; to > from; to--) {
      const want = tail.slice(from, to).join(' ');
      // At least two words stay ("100 BOSTON" with city BOSTON is a street, not a repeat).
      for (let k = words.length - 1; k >= 2; k--) {
        const rest = simple(words.slice(k).join(' '));
        if (rest === want) return words.slice(0, k).join(' ').replace(/[,\s]+$/, '');
        if (rest.length > want.length) break;
      }
    }
  }
  return line;
}

const LAST_LINE_LABELS: readonly Label[] = ['PlaceName', 'StateName', 'ZipCode', 'ZipPlus4', 'CountryName'];

export class AddressParser {
  /** Label index sets for structured fields (built once). */
  private readonly recipientOnly: ReadonlySet<number>;
  private readonly placeOnly: ReadonlySet<number>;
  private readonly stateOnly: ReadonlySet<number>;
  private readonly zipOnly: ReadonlySet<number>;
  private readonly streetOnly: ReadonlySet<number>;
  private readonly stateIdx: number;
  private readonly zipIdx: number;

  constructor(
    readonly model: CrfModel = CrfModel.load(),
    readonly zipdb: ZipDatabase = zipDatabase(),
  ) {
    const only = (...labels: Label[]) => new Set(labels.map((l) => this.model.labelIndex.get(l)!).filter((i) => i !== undefined));
    this.recipientOnly = only('Recipient');
    this.placeOnly = only('PlaceName');
    this.stateOnly = only('StateName');
    this.zipOnly = only('ZipCode', 'ZipPlus4');
    this.streetOnly = new Set(this.model.labels.map((_, i) => i).filter((i) => !LAST_LINE_LABELS.includes(this.model.labels[i] as Label)));
    this.stateIdx = this.model.labelIndex.get('StateName') ?? -1;
    this.zipIdx = this.model.labelIndex.get('ZipCode') ?? -1;
  }

  parse(input: AddressInput | string): Parse {
    if (typeof input === 'string') return this.parseText(input.trim() ? input : '', undefined, undefined, false);
    const src = input;
    const structuredLastLine = Boolean(src.city?.trim() || src.state?.trim() || src.postalCode?.trim());
    if (!structuredLastLine && !src.recipient?.trim() && !src.line1?.trim() && !src.line2?.trim()) {
      // Free-form only: one text, no constraints.
      return this.parseText(src.freeform?.trim() ? src.freeform : '', undefined, undefined, false);
    }
    const parts: Array<{ text: string; allowed?: ReadonlySet<number> }> = [];
    const streetOnly = structuredLastLine ? this.streetOnly : undefined;
    let zipRepair: Parse['zipRepair'];
    if (src.recipient?.trim()) parts.push({ text: src.recipient, allowed: this.recipientOnly });
    // Street lines that repeat the structured last line ("1 MAIN ST BOSTON MA 02108" beside city BOSTON,
    // state MA, ZIP 02108 — common in exported vendor files) lose the repeated tail.
    const street = (line: string) => (structuredLastLine ? withoutRepeatedLastLine(line, src) : line);
    if (src.freeform?.trim() && !src.line1?.trim()) parts.push({ text: street(src.freeform), allowed: streetOnly });
    if (src.line1?.trim()) parts.push({ text: street(src.line1), allowed: streetOnly });
    if (src.line2?.trim()) parts.push({ text: street(src.line2), allowed: streetOnly });
    if (src.city?.trim()) parts.push({ text: `${src.city.trim().replace(/,+$/, '')},`, allowed: this.placeOnly });
    if (src.state?.trim()) parts.push({ text: src.state, allowed: this.stateOnly });
    if (src.postalCode?.trim()) {
      const repaired = repairZip(src.postalCode);
      let text = src.postalCode.trim();
      if (repaired) {
        text = repaired.zip4 ? `${repaired.zip}-${repaired.zip4}` : repaired.zip;
        if (repaired.how && repaired.how !== 'nine-digits') zipRepair = { original: src.postalCode.trim(), zip: repaired.zip, how: repaired.how };
      }
      parts.push({ text, allowed: this.zipOnly });
    }
    // Structured fields become lines of one text; city/state/ZIP share the last line.
    let text = '';
    const allowedRanges: Array<{ start: number; end: number; allowed?: ReadonlySet<number> }> = [];
    for (const p of parts) {
      const isLastLine = p.allowed && (p.allowed.has(this.stateIdx) || p.allowed.has(this.zipIdx)) && p.allowed.size <= 2;
      if (text !== '') text += isLastLine ? ' ' : '\n';
      allowedRanges.push({ start: text.length, end: text.length + p.text.length, allowed: p.allowed });
      text += p.text;
    }
    return this.parseText(text, allowedRanges, zipRepair, structuredLastLine);
  }

  private parseText(text: string, ranges: Array<{ start: number; end: number; allowed?: ReadonlySet<number> }> | undefined, zipRepair: Parse['zipRepair'], structuredLastLine: boolean): Parse {
    const tokens = tokenize(text);
    let allowed: Array<ReadonlySet<number> | undefined> | undefined;
    if (ranges?.some((r) => r.allowed)) {
      allowed = tokens.map((t) => ranges.find((r) => t.start >= r.start && t.start < r.end)?.allowed);
      if (!allowed.some(Boolean)) allowed = undefined;
    }
    const tagging = this.model.tag(tokens, { zipdb: this.zipdb }, allowed);
    // The tokens are ours (fresh from tokenize): label them in place.
    const parsed = tokens as ParsedToken[];
    const labels = this.model.labels as Label[];
    let junk = 0;
    let nonLatin = false;
    for (let i = 0; i < parsed.length; i++) {
      const t = parsed[i]!;
      t.label = labels[tagging.labels[i]!]!;
      t.confidence = tagging.marginals[i]!;
      if (t.label === 'NotAddress') junk += 1;
      if (t.lexeme.nonLatin) nonLatin = true;
    }
    // A caller-given city field is taken as given.
    if (!structuredLastLine) this.reconcilePlace(parsed);
    const components = this.components(parsed);
    const fields = this.fields(parsed);
    if (!zipRepair && fields.zip) {
      const zipToken = parsed.find((t) => t.label === 'ZipCode');
      if (zipToken) {
        const r = repairZip(tokenText(zipToken.raw));
        if (r?.how === 'decimal' || r?.how === 'leading-zero') zipRepair = { original: tokenText(zipToken.raw), zip: r.zip, how: r.how };
      }
    }
    const numberedBuilding = numberedBuildingStreet(parsed, fields);
    const kind = this.kindOf(parsed, fields);
    const discounted = (p: number) => {
      if (tokens.length === 0) return 0;
      if (kind === AddressKind.ADDRESS_KIND_UNKNOWN) p *= 0.5;
      p *= 1 - junk / parsed.length;
      if (nonLatin) p *= 0.3;
      return round(p);
    };
    const confidence = discounted(tagging.sequenceProbability);
    const readingConfidence = discounted(tagging.readingProbability);
    return { text, tokens: parsed, components, fields, kind, confidence, readingConfidence, ...(zipRepair ? { zipRepair } : {}), ...(numberedBuilding ? { numberedBuilding } : {}) };
  }

  /**
   * The ZIP database has the last word on place names: a place span the database does not know, whose
   * tail it does know ("EAST FAIRFIELD" before CT 06825, where FAIRFIELD is the ZIP's place), gives its
   * leading directional back to the street ("KINGS HIGHWAY EAST") and a leading number to the unit.
   */
  private reconcilePlace(tokens: ParsedToken[]): void {
    const first = tokens.findIndex((t) => t.label === 'PlaceName');
    if (first < 0) return;
    let last = first;
    while (last + 1 < tokens.length && tokens[last + 1]!.label === 'PlaceName') last += 1;
    if (last === first) return;
    const zipTok = tokens.find((t) => t.label === 'ZipCode');
    const zipRec = zipTok ? this.zipdb.lookup(zipTok.norm.slice(0, 5)) : undefined;
    const stateTok = tokens.filter((t) => t.label === 'StateName').map((t) => t.norm).join(' ');
    const state = STATE_CODE.get(stateTok) ?? zipRec?.state;
    const known = (from: number) => {
      const key = cityKey(tokens.slice(from, last + 1).map((t) => t.norm).join(' '));
      if (zipRec && [zipRec.city, ...zipRec.alternates].some((c) => cityKey(c) === key)) return true;
      return state ? (this.zipdb.statesOfCityKey(key)?.has(state) ?? false) : false;
    };
    if (known(first)) return;
    const head = tokens[first]!;
    if (!known(first + 1)) return;
    const before = tokens[first - 1];
    if (DIRECTIONAL.has(head.norm) && before && (before.label === 'StreetNamePostType' || before.label === 'StreetName')) {
      head.label = 'StreetNamePostDirectional';
    } else if (/^\d+[A-Z]?$/.test(head.norm) && before && before.label !== 'OccupancyIdentifier') {
      head.label = 'OccupancyIdentifier';
    }
  }

  private components(tokens: ParsedToken[]): ParsedComponent[] {
    const out: ParsedComponent[] = [];
    let intersection = false;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.label === 'IntersectionSeparator') intersection = true;
      const type = (intersection && SECOND_STREET[t.label]) || COMPONENT_TYPE_OF[t.label];
      const prev = out[out.length - 1];
      const text = t.text;
      if (prev && prev.type === type && !tokens[i - 1]!.endsSegment) {
        prev.text = `${prev.text} ${text}`;
        prev.confidence = Math.min(prev.confidence, t.confidence);
        prev.last = i;
      } else {
        out.push({ type, label: t.label, text, confidence: t.confidence, first: i, last: i });
      }
    }
    for (const c of out) c.confidence = round(c.confidence);
    return out;
  }

  private fields(tokens: ParsedToken[]): ParsedFields {
    // One pass in input order; street-line fields stop at the first intersection separator.
    let recipient = '';
    let addressNumber = '';
    let streetPredirection = '';
    let streetName = '';
    let streetType = '';
    let streetPostdirection = '';
    let box = '';
    let ruralRoute = '';
    let city = '';
    let stateText = '';
    let zipText = '';
    let zip4Text = '';
    let crossed = false;
    const add = (acc: string, word: string) => (acc === '' ? word : `${acc} ${word}`);
    for (const t of tokens) {
      const w = t.text;
      switch (t.label) {
        case 'IntersectionSeparator': crossed = true; break;
        case 'Recipient': recipient = add(recipient, w); break;
        case 'PlaceName': city = add(city, w); break;
        case 'StateName': stateText = add(stateText, w); break;
        case 'ZipCode': zipText = add(zipText, w); break;
        case 'ZipPlus4': zip4Text = add(zip4Text, w); break;
        default:
          if (crossed) break;
          switch (t.label) {
            case 'AddressNumberPrefix': case 'AddressNumber': case 'AddressNumberSuffix': addressNumber = add(addressNumber, w); break;
            case 'StreetNamePreDirectional': streetPredirection = add(streetPredirection, w); break;
            case 'StreetNamePreModifier': case 'StreetNamePreType': case 'StreetName': case 'StreetNamePostModifier': streetName = add(streetName, w); break;
            case 'StreetNamePostType': streetType = add(streetType, w); break;
            case 'StreetNamePostDirectional': streetPostdirection = add(streetPostdirection, w); break;
            case 'USPSBoxID': box = add(box, w); break;
            case 'USPSBoxGroupType': case 'USPSBoxGroupID': ruralRoute = add(ruralRoute, w); break;
            default:
          }
      }
    }
    // The first secondary unit ("STE 100" of "STE 100 PMB 1092"); the standardized line keeps all of them.
    const firstUnit = unitPairs(tokens)[0];
    let unitType = firstUnit?.[0] ?? '';
    let unitId = firstUnit?.[1] ?? '';
    if (!unitType && unitId.startsWith('#')) {
      unitType = '#';
      unitId = unitId.slice(1).trim();
    }
    if (unitId.startsWith('#')) unitId = unitId.slice(1).trim();
    const stateCode = stateText === '' ? undefined : STATE_CODE.get(stateText) ?? STATE_CODE.get(stateText.toUpperCase().replace(/[.,]/g, '').replace(/\s+/g, ' ').trim());
    let zip = '';
    let zip4 = zip4Text === '' ? '' : zip4Text.replace(/\D/g, '');
    const repaired = zipText ? repairZip(zipText.includes(' ') ? zipText.split(' ')[0]! : zipText) : undefined;
    if (repaired) {
      zip = repaired.zip;
      if (repaired.zip4) zip4 = repaired.zip4;
    } else if (zipText) {
      zip = zipText;
    }
    return {
      recipient,
      addressNumber,
      streetPredirection,
      streetName,
      streetType,
      streetPostdirection,
      unitType,
      unitId,
      poBox: box.replace(/^#\s*/, ''),
      ruralRoute: ruralRoute.replace(/#\s*/, ''),
      city,
      state: stateCode ?? stateText,
      zip,
      zip4,
    };
  }

  private kindOf(tokens: ParsedToken[], f: ParsedFields): AddressKind {
    let hasNumber = false;
    let hasIntersection = false;
    let boxType = '';
    for (const t of tokens) {
      if (t.label === 'AddressNumber') hasNumber = true;
      else if (t.label === 'IntersectionSeparator' || t.label === 'CornerOf') hasIntersection = true;
      else if (t.label === 'USPSBoxType') boxType = boxType === '' ? t.norm : `${boxType} ${t.norm}`;
    }
    const group = f.ruralRoute.toUpperCase();
    if (/^(PSC|CMR|UNIT)\b/.test(group) || /^(PSC|CMR)\b/.test(boxType) || f.state === 'AA' || f.state === 'AE' || f.state === 'AP' || /^(APO|FPO|DPO)$/i.test(f.city)) {
      if (group || boxType || f.poBox) return AddressKind.ADDRESS_KIND_MILITARY;
    }
    if (/^GEN(ERAL)? ?DEL(IVERY|IV)?$/.test(boxType)) return AddressKind.ADDRESS_KIND_GENERAL_DELIVERY;
    if (group && /^(RR|R R|RURAL|RFD|HC|HCR|STAR|HIGHWAY CONTRACT|RT|RTE|ROUTE)/.test(group)) return AddressKind.ADDRESS_KIND_RURAL_ROUTE;
    if ((hasNumber || f.addressNumber) && (f.streetName || f.streetType)) return AddressKind.ADDRESS_KIND_STREET;
    if (f.poBox || boxType) return AddressKind.ADDRESS_KIND_PO_BOX;
    if (hasIntersection) return AddressKind.ADDRESS_KIND_INTERSECTION;
    if (f.streetName) return AddressKind.ADDRESS_KIND_STREET;
    return AddressKind.ADDRESS_KIND_UNKNOWN;
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A delivery line that is nothing but a building name opening with a number and closing with a street suffix
 * ("ONE JAMES CENTER, SUITE 902", "1 BANK PLAZA"): the labels keep the building name (as the labeled data
 * does), the fields take the street address the Postal Service files it under — number, name, suffix — so
 * it standardizes to "1 JAMES CTR STE 902" and validates as a street address. Returns the building's text.
 */
function numberedBuildingStreet(tokens: readonly ParsedToken[], f: ParsedFields): string | undefined {
  if (f.addressNumber || f.streetName || f.streetType || f.poBox || f.ruralRoute) return undefined;
  const span: ParsedToken[] = [];
  for (const t of tokens) {
    if (t.label === 'BuildingName') {
      if (span.length > 0 && tokens[tokens.indexOf(span[span.length - 1]!) + 1] !== t) return undefined; // two building spans
      span.push(t);
    } else if (!['Recipient', 'OccupancyType', 'OccupancyIdentifier', 'SubaddressType', 'SubaddressIdentifier', 'PlaceName', 'StateName', 'ZipCode', 'ZipPlus4', 'CountryName'].includes(t.label)) {
      return undefined;
    }
  }
  if (span.length < 3) return undefined;
  const first = span[0]!;
  const last = span[span.length - 1]!;
  if (!/^\d{1,6}$/.test(first.norm) && !CARDINAL_NUMERAL.has(first.norm)) return undefined;
  if (!SUFFIX_ABBREVIATION.has(last.norm)) return undefined;
  const text = (ts: readonly ParsedToken[]) => ts.map((t) => tokenText(t.raw)).join(' ');
  f.addressNumber = tokenText(first.raw);
  f.streetName = text(span.slice(1, -1));
  f.streetType = tokenText(last.raw);
  return text(span);
}
