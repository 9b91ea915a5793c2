// USPS Publication 28 standardization of a parsed address: upper case, no punctuation, standard street
// suffix / secondary unit / directional abbreviations, two-letter state, ZIP+4 as 12345-6789, and the
// delivery line assembled in Pub 28 order for its kind (street, PO box, rural route, military…).
import { AddressKind } from '@clarity/proto/clarity/address/v1/address.js';
import type { ParsedFields, ParsedToken } from './parser.js';
import { CARDINAL_NUMERAL, DIRECTIONAL, PRE_TYPE_WORDS, STATE_CODE, SUFFIX_ABBREVIATION, UNIT_DESIGNATOR } from './tables.js';
import { pub28Words } from './text.js';
import { unitPairs } from './units.js';

export interface StandardFields extends ParsedFields {
  /** Box group type in standard form ("RR", "HC", "PSC", "CMR", "UNIT"). */
  groupType: string;
  groupId: string;
}

export interface StandardLines {
  deliveryLine: string;
  lastLine: string;
  singleLine: string;
  fields: StandardFields;
}

const words = (s: string) => pub28Words(s);

function standardDirectional(s: string): string {
  const w = words(s);
  return DIRECTIONAL.get(w) ?? w;
}

function standardSuffix(s: string): string {
  const w = words(s);
  return SUFFIX_ABBREVIATION.get(w) ?? w;
}

function standardUnitType(s: string): string {
  const w = words(s);
  if (w === '' && s.includes('#')) return '#';
  return UNIT_DESIGNATOR.get(w) ?? w;
}

/** Street name with the pre-type spelled out as USPS does ("HWY 49" → "HIGHWAY 49", "AVE C" → "AVENUE C"). */
function standardStreetName(tokens: ParsedToken[], fallback: string): string {
  // Joined as it goes (empty parts skipped), without a parts array.
  let joined = '';
  let sawName = false;
  for (const t of tokens) {
    if (t.label === 'IntersectionSeparator') break;
    if (t.label === 'StreetNamePreType') {
      const w = words(t.raw);
      joined = join2(joined, PRE_TYPE_WORDS.get(w) ?? w);
    } else if (t.label === 'StreetNamePreModifier' || t.label === 'StreetName' || t.label === 'StreetNamePostModifier') {
      joined = join2(joined, words(t.raw));
      sawName = true;
    }
  }
  return sawName || joined ? joined : words(fallback);
}

const GROUP_TYPES: Array<[RegExp, string]> = [
  [/^(RR|R R|RURAL ROUTE|RURAL RT|RURAL RTE|RURAL|RFD|R F D|RD|RT|RTE|ROUTE)$/, 'RR'],
  [/^(HC|HCR|H C|HIGHWAY CONTRACT|HIGHWAY CONTRACT ROUTE|HWY CONTRACT|STAR ROUTE|STAR RT)$/, 'HC'],
  [/^PSC$/, 'PSC'], [/^CMR$/, 'CMR'], [/^UNIT$/, 'UNIT'],
];

export function standardGroupType(s: string): string {
  const w = words(s);
  for (const [re, std] of GROUP_TYPES) if (re.test(w)) return std;
  return w;
}

/** A floor's ordinal is written as its number ("34TH FLOOR" → "FL 34"). */
function floorNumber(designator: string, id: string): string {
  return designator === 'FL' ? id.replace(/^(\d+)(ST|ND|RD|TH)$/, '$1') : id;
}

/** Builds the Pub 28 lines. `fields` carry the validated city/state/ZIP (validation may have corrected them). */
export function standardize(tokens: ParsedToken[], fields: ParsedFields, kind: AddressKind, pairs: ReadonlyArray<[string, string]> = unitPairs(tokens)): StandardLines {
  let groupTokens = '';
  let groupIdText = '';
  let boxTypeText = '';
  for (const t of tokens) {
    if (t.label === 'USPSBoxGroupType') groupTokens = groupTokens === '' ? t.raw : `${groupTokens} ${t.raw}`;
    else if (t.label === 'USPSBoxGroupID') groupIdText = groupIdText === '' ? t.raw : `${groupIdText} ${t.raw}`;
    else if (t.label === 'USPSBoxType') boxTypeText = boxTypeText === '' ? t.raw : `${boxTypeText} ${t.raw}`;
  }
  const groupId = groupIdText === '' ? '' : words(groupIdText.replace(/#/g, ''));
  const boxType = words(boxTypeText);
  const std: StandardFields = {
    recipient: fields.recipient === '' ? '' : standardRecipient(fields.recipient),
    // A number written as a word is filed as its numeral ("ONE MICROSOFT WAY" → "1 MICROSOFT WAY").
    addressNumber: CARDINAL_NUMERAL.get(words(fields.addressNumber)) ?? withoutHash(words(fields.addressNumber)),
    streetPredirection: fields.streetPredirection ? standardDirectional(fields.streetPredirection) : '',
    streetName: standardStreetName(tokens, fields.streetName),
    streetType: fields.streetType ? standardSuffix(fields.streetType) : '',
    streetPostdirection: fields.streetPostdirection ? standardDirectional(fields.streetPostdirection) : '',
    unitType: fields.unitType ? standardUnitType(fields.unitType) : fields.unitId ? '#' : '',
    unitId: withoutHash(words(fields.unitId)),
    poBox: words(fields.poBox),
    ruralRoute: '',
    city: words(fields.city),
    state: standardState(fields.state),
    zip: fields.zip,
    zip4: fields.zip4,
    groupType: groupTokens ? standardGroupType(groupTokens) : '',
    groupId,
  };
  // A directional that is the whole street name stays spelled out ("100 NORTH ST" is not "100 N ST").
  if (!std.streetName && std.streetPredirection && fields.streetPredirection) {
    std.streetName = words(fields.streetPredirection);
    std.streetPredirection = '';
  }
  if (std.unitType === '#' && /^[A-Z]{2,}$/.test(std.unitId) && UNIT_DESIGNATOR.has(std.unitId)) {
    std.unitType = UNIT_DESIGNATOR.get(std.unitId)!;
    std.unitId = '';
  }
  std.unitId = floorNumber(std.unitType, std.unitId);
  std.ruralRoute = join2(std.groupType, std.groupId);
  // All secondary units in input order ("STE 100 PMB 1092"); a bare identifier gets "#".
  const unit = pairs.length > 1
    ? pairs.map(([d, id]) => {
        const designator = d ? standardUnitType(d) : '#';
        return [designator, floorNumber(designator, words(id))].filter(Boolean).join(' ');
      }).join(' ')
    : join2(std.unitType, std.unitId);
  let delivery: string;
  switch (kind) {
    case AddressKind.ADDRESS_KIND_PO_BOX:
      delivery = join2(boxType.includes('DRAWER') ? 'DRAWER' : std.poBox || boxType ? 'PO BOX' : '', std.poBox);
      break;
    case AddressKind.ADDRESS_KIND_RURAL_ROUTE:
    case AddressKind.ADDRESS_KIND_MILITARY:
      delivery = join2(std.ruralRoute, std.poBox ? `BOX ${std.poBox}` : '');
      if (!std.ruralRoute && std.poBox) delivery = `PO BOX ${std.poBox}`;
      break;
    case AddressKind.ADDRESS_KIND_GENERAL_DELIVERY:
      delivery = 'GENERAL DELIVERY';
      break;
    case AddressKind.ADDRESS_KIND_INTERSECTION:
    case AddressKind.ADDRESS_KIND_UNKNOWN:
      delivery = words(
        tokens
          .filter((t) => !['Recipient', 'PlaceName', 'StateName', 'ZipCode', 'ZipPlus4', 'CountryName', 'NotAddress'].includes(t.label))
          .map((t) => (t.label === 'StreetNamePostType' ? standardSuffix(t.raw) : t.label.endsWith('Directional') ? standardDirectional(t.raw) : t.raw))
          .join(' '),
      );
      break;
    default:
      delivery = join2(join2(join2(std.addressNumber, std.streetPredirection), join2(std.streetName, std.streetType)), join2(std.streetPostdirection, unit));
      if (std.poBox && !std.addressNumber) delivery = `PO BOX ${std.poBox}`;
  }
  const zip = std.zip && std.zip4 ? `${std.zip}-${std.zip4}` : std.zip;
  const lastLine = join2(join2(std.city, std.state), zip);
  return { deliveryLine: delivery, lastLine, singleLine: join2(delivery, lastLine), fields: std };
}

/** A care-of line in Pub 28 form ("% JOHN DOE", "c/o John Doe" → "C/O JOHN DOE"). */
function standardRecipient(s: string): string {
  const w = words(s.includes('%') ? s.replace(/^\s*%\s*/, 'C/O ') : s);
  return w.startsWith('C O') ? w.replace(/^C O\b/, 'C/O') : w;
}

/** Two-letter code of a state name, or the name in Pub 28 form. */
function standardState(s: string): string {
  const w = words(s);
  return STATE_CODE.get(w) ?? w;
}

/** Without a leading "#" (and the space after it). */
function withoutHash(s: string): string {
  return s.charCodeAt(0) === 35 ? s.replace(/^#\s*/, '') : s;
}

/** "a b", or whichever is not empty. */
function join2(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a} ${b}`;
}
