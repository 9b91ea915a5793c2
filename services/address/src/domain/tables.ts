// USPS Publication 28 vocabularies: street suffixes (appendix C1: npm street-types plus the project's
// additions), secondary unit designators (C2), directionals, states and territories (appendix B), PO box,
// rural route, highway contract and military forms. Keys are upper case without periods.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const streetTypes = require('street-types') as Array<{ suffix: string; abbrs: string[]; standardAbbr: string }>;

/** Street suffix (any accepted spelling) → Pub 28 standard abbreviation ("AVENUE" → "AVE"). */
export const SUFFIX_ABBREVIATION = new Map<string, string>();
/** Standard abbreviation → the full suffix word ("AVE" → "AVENUE"), for pre-types ("AVENUE C", "HIGHWAY 49"). */
export const SUFFIX_FULL = new Map<string, string>();
for (const t of streetTypes) {
  const standard = t.standardAbbr.trim().toUpperCase();
  SUFFIX_FULL.set(standard, t.suffix.trim().toUpperCase());
  for (const a of [t.suffix, ...t.abbrs, t.standardAbbr]) SUFFIX_ABBREVIATION.set(a.trim().toUpperCase(), standard);
}
// Pub 28 C1 entries and common variants street-types lacks.
const EXTRA_SUFFIXES: Array<[string, string, string?]> = [
  ['ALLEE', 'ALY'], ['BYPASS', 'BYP'], ['BYPA', 'BYP'], ['BYPAS', 'BYP'], ['BYPS', 'BYP'], ['CAUSEWAY', 'CSWY'],
  ['CAUSWA', 'CSWY'], ['CIRCLES', 'CIRS'], ['CROSSROADS', 'XRDS'], ['CROSSROAD', 'XRD'], ['CRSSNG', 'XING'], ['CROSSING', 'XING'],
  ['EXPRESSWAY', 'EXPY'], ['EXPW', 'EXPY'], ['EXPR', 'EXPY'], ['EXP', 'EXPY'], ['FREEWAY', 'FWY'], ['FRWY', 'FWY'],
  ['HIGHWAY', 'HWY'], ['HIWAY', 'HWY'], ['HIWY', 'HWY'], ['HWAY', 'HWY'], ['HGWY', 'HWY'], ['PARKWAY', 'PKWY'], ['PKY', 'PKWY'],
  ['PKWAY', 'PKWY'], ['PARKWY', 'PKWY'], ['PARKWAYS', 'PKWY'], ['PKWYS', 'PKWY'], ['TURNPIKE', 'TPKE'], ['TURNPK', 'TPKE'],
  ['TRNPK', 'TPKE'], ['TRAILER', 'TRLR'], ['TRAIL', 'TRL'], ['TRAILS', 'TRL'], ['TRLS', 'TRL'], ['ROUTE', 'RTE'], ['RT', 'RTE'],
  ['ROAD', 'RD'], ['ROADS', 'RDS'], ['STREET', 'ST'], ['STR', 'ST'], ['STRT', 'ST'], ['STREETS', 'STS'], ['DRIVE', 'DR'],
  ['DRV', 'DR'], ['DRIV', 'DR'], ['DRIVES', 'DRS'], ['LANE', 'LN'], ['LANES', 'LN'], ['COURT', 'CT'], ['CRT', 'CT'],
  ['COURTS', 'CTS'], ['PLACE', 'PL'], ['PLAZA', 'PLZ'], ['PLZA', 'PLZ'], ['SQUARE', 'SQ'], ['SQR', 'SQ'], ['SQRE', 'SQ'],
  ['SQU', 'SQ'], ['TERRACE', 'TER'], ['TERR', 'TER'], ['CIRCLE', 'CIR'], ['CIRC', 'CIR'], ['CIRCL', 'CIR'], ['CRCL', 'CIR'],
  ['CRCLE', 'CIR'], ['BOULEVARD', 'BLVD'], ['BOUL', 'BLVD'], ['BOULV', 'BLVD'], ['AVENUE', 'AVE'], ['AV', 'AVE'],
  ['AVEN', 'AVE'], ['AVENU', 'AVE'], ['AVN', 'AVE'], ['AVNUE', 'AVE'], ['WAY', 'WAY'], ['WY', 'WAY'], ['WAYS', 'WAYS'],
  ['LOOP', 'LOOP'], ['LOOPS', 'LOOP'], ['ALLEY', 'ALY'], ['ALLY', 'ALY'], ['ROW', 'ROW'], ['RUN', 'RUN'], ['PASS', 'PASS'],
  ['PATH', 'PATH'], ['PATHS', 'PATH'], ['PIKE', 'PIKE'], ['PIKES', 'PIKE'], ['PKE', 'PIKE'], ['WALK', 'WALK'], ['WALKS', 'WALK'], ['MALL', 'MALL'],
  ['CENTER', 'CTR'], ['CENTRE', 'CTR'], ['CNTR', 'CTR'], ['CENTERS', 'CTRS'], ['COVE', 'CV'], ['CROSSING', 'XING'],
  ['POINT', 'PT'], ['POINTS', 'PTS'], ['RIDGE', 'RDG'], ['TRACE', 'TRCE'], ['TRACES', 'TRCE'], ['VIEW', 'VW'], ['VISTA', 'VIS'],
  ['FORD', 'FRD'], ['GLEN', 'GLN'], ['GREEN', 'GRN'], ['GROVE', 'GRV'], ['HEIGHTS', 'HTS'], ['HTS', 'HTS'], ['HILL', 'HL'],
  ['HILLS', 'HLS'], ['HOLLOW', 'HOLW'], ['ISLAND', 'IS'], ['KNOLL', 'KNL'], ['LAKE', 'LK'], ['LANDING', 'LNDG'],
  ['MEADOW', 'MDW'], ['MEADOWS', 'MDWS'], ['PARK', 'PARK'], ['PARKS', 'PARK'], ['PLAINS', 'PLNS'], ['RANCH', 'RNCH'],
  ['SPRING', 'SPG'], ['SPRINGS', 'SPGS'], ['STATION', 'STA'], ['SUMMIT', 'SMT'], ['VALLEY', 'VLY'], ['VILLAGE', 'VLG'],
  ['CRESCENT', 'CRES'], ['CRES', 'CRES'], ['ESTATES', 'ESTS'], ['JUNCTION', 'JCT'], ['EXTENSION', 'EXT'], ['EXTENSIONS', 'EXTS'],
];
for (const [spelling, standard] of EXTRA_SUFFIXES) {
  if (!SUFFIX_ABBREVIATION.has(spelling)) SUFFIX_ABBREVIATION.set(spelling, standard);
}
for (const [full, standard] of [['HIGHWAY', 'HWY'], ['ROUTE', 'RTE'], ['EXPRESSWAY', 'EXPY'], ['FREEWAY', 'FWY'], ['PARKWAY', 'PKWY'], ['TURNPIKE', 'TPKE'], ['CROSSING', 'XING']] as const) {
  if (!SUFFIX_FULL.has(standard)) SUFFIX_FULL.set(standard, full);
}

/** Pre-types spelled out by USPS ("COUNTY ROAD 12", "STATE HIGHWAY 45", "US HIGHWAY 1"). */
export const PRE_TYPE_WORDS = new Map<string, string>([
  ['HWY', 'HIGHWAY'], ['HIGHWAY', 'HIGHWAY'], ['HIWAY', 'HIGHWAY'], ['HWAY', 'HIGHWAY'], ['RTE', 'ROUTE'], ['RT', 'ROUTE'],
  ['ROUTE', 'ROUTE'], ['RD', 'ROAD'], ['ROAD', 'ROAD'], ['AVE', 'AVENUE'], ['AV', 'AVENUE'], ['AVENUE', 'AVENUE'],
  ['CR', 'COUNTY ROAD'], ['CO RD', 'COUNTY ROAD'], ['SR', 'STATE ROUTE'], ['FM', 'FM'], ['RANCH', 'RANCH ROAD'],
  ['INTERSTATE', 'INTERSTATE'], ['I', 'INTERSTATE'], ['US', 'US'], ['STATE', 'STATE'], ['COUNTY', 'COUNTY'], ['HWY.', 'HIGHWAY'],
  ['BYP', 'BYPASS'], ['BYPASS', 'BYPASS'], ['PIKE', 'PIKE'], ['TPKE', 'TURNPIKE'], ['TURNPIKE', 'TURNPIKE'], ['PKWY', 'PARKWAY'],
  ['PARKWAY', 'PARKWAY'], ['EXPY', 'EXPRESSWAY'], ['FWY', 'FREEWAY'], ['FREEWAY', 'FREEWAY'], ['CALLE', 'CALLE'], ['CAMINO', 'CAMINO'],
  ['VIA', 'VIA'], ['PLACE', 'PLACE'], ['CALLEJON', 'CALLEJON'], ['BLVD', 'BOULEVARD'], ['BOULEVARD', 'BOULEVARD'], ['ST', 'STREET'],
  ['CIR', 'CIRCLE'], ['CT', 'COURT'], ['LN', 'LANE'], ['DR', 'DRIVE'], ['PL', 'PLACE'], ['TER', 'TERRACE'], ['TRL', 'TRAIL'],
]);

/** Secondary unit designators (Pub 28 C2) → standard abbreviation. */
export const UNIT_DESIGNATOR = new Map<string, string>([
  ['APARTMENT', 'APT'], ['APT', 'APT'], ['APTS', 'APT'], ['AP', 'APT'], ['BASEMENT', 'BSMT'], ['BSMT', 'BSMT'], ['BUILDING', 'BLDG'],
  ['BLDG', 'BLDG'], ['BLD', 'BLDG'], ['BLDGS', 'BLDG'], ['DEPARTMENT', 'DEPT'], ['DEPT', 'DEPT'], ['FLOOR', 'FL'], ['FL', 'FL'],
  ['FLR', 'FL'], ['FRONT', 'FRNT'], ['FRNT', 'FRNT'], ['HANGAR', 'HNGR'], ['HNGR', 'HNGR'], ['KEY', 'KEY'], ['LOBBY', 'LBBY'],
  ['LBBY', 'LBBY'], ['LOT', 'LOT'], ['LOWER', 'LOWR'], ['LOWR', 'LOWR'], ['OFFICE', 'OFC'], ['OFC', 'OFC'], ['PENTHOUSE', 'PH'],
  ['PH', 'PH'], ['PIER', 'PIER'], ['REAR', 'REAR'], ['ROOM', 'RM'], ['RM', 'RM'], ['SIDE', 'SIDE'], ['SLIP', 'SLIP'],
  ['SPACE', 'SPC'], ['SPC', 'SPC'], ['STOP', 'STOP'], ['SUITE', 'STE'], ['STE', 'STE'], ['SUIT', 'STE'], ['SU', 'STE'],
  ['SUITES', 'STE'], ['TRAILER', 'TRLR'], ['TRLR', 'TRLR'], ['UNIT', 'UNIT'], ['UNITS', 'UNIT'], ['UPPER', 'UPPR'], ['UPPR', 'UPPR'],
  ['#', '#'], ['NO', '#'], ['NUMBER', '#'], ['MS', 'MS'], ['MAILSTOP', 'MS'], ['MAIL STOP', 'MS'], ['WING', 'WING'], ['TOWER', 'TWR'],
  ['TWR', 'TWR'], ['STUDIO', 'STUDIO'], ['BOX', 'BOX'], ['PMB', 'PMB'], ['DOCK', 'DOCK'], ['GATE', 'GATE'], ['LEVEL', 'LVL'], ['LVL', 'LVL'],
]);
/** Designators that take no identifier. */
export const UNIT_WITHOUT_ID = new Set(['BSMT', 'FRNT', 'LBBY', 'LOWR', 'OFC', 'PH', 'REAR', 'SIDE', 'UPPR']);

/** Directionals → Pub 28 abbreviation. */
export const DIRECTIONAL = new Map<string, string>([
  ['N', 'N'], ['NORTH', 'N'], ['S', 'S'], ['SOUTH', 'S'], ['E', 'E'], ['EAST', 'E'], ['W', 'W'], ['WEST', 'W'],
  ['NE', 'NE'], ['NORTHEAST', 'NE'], ['NORTH EAST', 'NE'], ['NW', 'NW'], ['NORTHWEST', 'NW'], ['NORTH WEST', 'NW'],
  ['SE', 'SE'], ['SOUTHEAST', 'SE'], ['SOUTH EAST', 'SE'], ['SW', 'SW'], ['SOUTHWEST', 'SW'], ['SOUTH WEST', 'SW'],
  ['NORTE', 'N'], ['SUR', 'S'], ['ESTE', 'E'], ['OESTE', 'W'],
]);

/** USPS state, territory and armed-forces codes → name. */
export const STATE_NAME_BY_CODE = new Map<string, string>([
  ['AL', 'ALABAMA'], ['AK', 'ALASKA'], ['AZ', 'ARIZONA'], ['AR', 'ARKANSAS'], ['CA', 'CALIFORNIA'], ['CO', 'COLORADO'],
  ['CT', 'CONNECTICUT'], ['DE', 'DELAWARE'], ['DC', 'DISTRICT OF COLUMBIA'], ['FL', 'FLORIDA'], ['GA', 'GEORGIA'], ['HI', 'HAWAII'],
  ['ID', 'IDAHO'], ['IL', 'ILLINOIS'], ['IN', 'INDIANA'], ['IA', 'IOWA'], ['KS', 'KANSAS'], ['KY', 'KENTUCKY'], ['LA', 'LOUISIANA'],
  ['ME', 'MAINE'], ['MD', 'MARYLAND'], ['MA', 'MASSACHUSETTS'], ['MI', 'MICHIGAN'], ['MN', 'MINNESOTA'], ['MS', 'MISSISSIPPI'],
  ['MO', 'MISSOURI'], ['MT', 'MONTANA'], ['NE', 'NEBRASKA'], ['NV', 'NEVADA'], ['NH', 'NEW HAMPSHIRE'], ['NJ', 'NEW JERSEY'],
  ['NM', 'NEW MEXICO'], ['NY', 'NEW YORK'], ['NC', 'NORTH CAROLINA'], ['ND', 'NORTH DAKOTA'], ['OH', 'OHIO'], ['OK', 'OKLAHOMA'],
  ['OR', 'OREGON'], ['PA', 'PENNSYLVANIA'], ['RI', 'RHODE ISLAND'], ['SC', 'SOUTH CAROLINA'], ['SD', 'SOUTH DAKOTA'],
  ['TN', 'TENNESSEE'], ['TX', 'TEXAS'], ['UT', 'UTAH'], ['VT', 'VERMONT'], ['VA', 'VIRGINIA'], ['WA', 'WASHINGTON'],
  ['WV', 'WEST VIRGINIA'], ['WI', 'WISCONSIN'], ['WY', 'WYOMING'], ['AS', 'AMERICAN SAMOA'], ['GU', 'GUAM'],
  ['MP', 'NORTHERN MARIANA ISLANDS'], ['PR', 'PUERTO RICO'], ['VI', 'VIRGIN ISLANDS'], ['FM', 'FEDERATED STATES OF MICRONESIA'],
  ['MH', 'MARSHALL ISLANDS'], ['PW', 'PALAU'], ['AA', 'ARMED FORCES AMERICAS'], ['AE', 'ARMED FORCES EUROPE'], ['AP', 'ARMED FORCES PACIFIC'],
]);
/** State names, codes and common abbreviations ("CALIF", "PENN", "WASH DC") → USPS code. */
export const STATE_CODE = new Map<string, string>();
for (const [code, name] of STATE_NAME_BY_CODE) {
  STATE_CODE.set(code, code);
  STATE_CODE.set(name, code);
}
for (const [alias, code] of [
  ['ALA', 'AL'], ['ARIZ', 'AZ'], ['ARK', 'AR'], ['CALIF', 'CA'], ['CAL', 'CA'], ['COLO', 'CO'], ['CONN', 'CT'], ['DEL', 'DE'],
  ['FLA', 'FL'], ['ILL', 'IL'], ['IND', 'IN'], ['KANS', 'KS'], ['KAN', 'KS'], ['MASS', 'MA'], ['MICH', 'MI'], ['MINN', 'MN'],
  ['MISS', 'MS'], ['MONT', 'MT'], ['NEBR', 'NE'], ['NEB', 'NE'], ['NEV', 'NV'], ['OKLA', 'OK'], ['OREG', 'OR'], ['ORE', 'OR'],
  ['PENN', 'PA'], ['PENNA', 'PA'], ['TENN', 'TN'], ['TEX', 'TX'], ['WASH', 'WA'], ['WISC', 'WI'], ['WIS', 'WI'], ['WYO', 'WY'],
  ['DIST OF COLUMBIA', 'DC'], ['WASHINGTON DC', 'DC'], ['D C', 'DC'], ['N CAROLINA', 'NC'], ['S CAROLINA', 'SC'], ['N DAKOTA', 'ND'],
  ['S DAKOTA', 'SD'], ['W VIRGINIA', 'WV'], ['N MEX', 'NM'], ['N Y', 'NY'], ['US VIRGIN ISLANDS', 'VI'], ['PUERTO RICO', 'PR'],
  ['MARIANA ISLANDS', 'MP'], ['MICRONESIA', 'FM'],
] as const) {
  STATE_CODE.set(alias, code);
}
/** Every word that occurs in a multi-word state name ("NEW", "HAMPSHIRE", …), for parser features. */
export const STATE_NAME_WORDS = new Set<string>();
for (const name of STATE_NAME_BY_CODE.values()) for (const w of name.split(' ')) if (w.length > 2) STATE_NAME_WORDS.add(w);

/** Words of PO box forms. */
export const BOX_WORDS = new Set(['GEN', 'DEL', 'PO', 'P', 'O', 'POB', 'BOX', 'BX', 'POST', 'OFFICE', 'DRAWER', 'DRAW', 'CALLER', 'LOCKBOX', 'FIRM', 'BIN', 'POBOX', 'POSTAL', 'PMB']);
/** Rural route / highway contract / military group words. */
export const ROUTE_GROUP_WORDS = new Set(['RR', 'RURAL', 'ROUTE', 'RT', 'RTE', 'HC', 'HCR', 'STAR', 'CONTRACT', 'PSC', 'CMR', 'UNIT', 'RFD', 'R', 'GENERAL', 'DELIVERY']);
/** Care-of / attention markers. */
export const RECIPIENT_MARKERS = new Set(['C/O', 'CO', 'ATTN', 'ATTENTION', 'ATN', '%', 'CARE', 'OF', 'C/0', 'IN', 'FAO', 'A/R', 'AP', 'DBA']);
/** Words that strongly suggest an organisation or person line (recipient), not a street. */
export const ORG_WORDS = new Set([
  'INC', 'LLC', 'CORP', 'CORPORATION', 'COMPANY', 'CO', 'LTD', 'LLP', 'PLLC', 'PC', 'PA', 'GROUP', 'ASSOCIATES', 'ASSOC', 'DEPT',
  'DEPARTMENT', 'ACCOUNTS', 'PAYABLE', 'SERVICES', 'SERVICE', 'BANK', 'TRUST', 'UNIVERSITY', 'HOSPITAL', 'CHURCH', 'FOUNDATION',
  'MR', 'MRS', 'MS', 'DR', 'JR', 'SR', 'II', 'III', 'ESQ', 'ATTORNEY', 'TREASURER', 'MANAGER', 'OFFICE', 'INCORPORATED', 'THE',
]);
/** Words of country names seen in addresses. */
export const COUNTRY_WORDS = new Set(['USA', 'US', 'UNITED', 'STATES', 'AMERICA', 'OF', 'U S A', 'U S']);
/** Ordinal/number words used as street names ("FIRST", "SECOND"…). */
export const NUMBER_WORDS = new Set([
  'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE', 'TEN', 'FIRST', 'SECOND', 'THIRD', 'FOURTH', 'FIFTH',
  'SIXTH', 'SEVENTH', 'EIGHTH', 'NINTH', 'TENTH', 'ELEVENTH', 'TWELFTH', 'HALF',
]);
/** Cardinal number words a primary address number is written as ("ONE MICROSOFT WAY"), and their numerals. */
export const CARDINAL_NUMERAL = new Map(
  ['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE', 'TEN', 'ELEVEN', 'TWELVE'].map((w, i) => [w, String(i + 1)]),
);
/** Words that name buildings and complexes ("WORLD TRADE CENTER", "COLONY SQUARE", "DORRANCE BLDG"), for parser features. */
export const BUILDING_WORDS = new Set([
  'CENTER', 'CENTRE', 'CTR', 'PLAZA', 'PLZ', 'TOWER', 'TOWERS', 'TWR', 'BUILDING', 'BLDG', 'BLD', 'SQUARE', 'SQ', 'HALL',
  'COMPLEX', 'MALL', 'AIRPORT', 'HOSPITAL', 'UNIVERSITY', 'UNIV', 'CAMPUS', 'COLLEGE', 'SCHOOL', 'HOTEL', 'INN', 'ARCADE',
  'PAVILION', 'TERMINAL', 'COURTHOUSE', 'OFFICES', 'PROFESSIONAL', 'MEDICAL', 'INDUSTRIAL', 'BUSINESS', 'CORPORATE',
  'EXECUTIVE', 'FINANCIAL', 'TRADE', 'COMMERCE', 'ANNEX', 'WAREHOUSE', 'FACILITY', 'LIBRARY', 'STADIUM', 'ARENA',
]);
/** Words before a route number ("HWY 49", "STATE ROUTE 140", "COUNTY ROAD 12", "FM 1960", "I 95"). */
export const ROUTE_WORDS = new Set([
  'HWY', 'HIGHWAY', 'HIWAY', 'HWAY', 'ROUTE', 'RT', 'RTE', 'SR', 'CR', 'FM', 'RR', 'INTERSTATE', 'I', 'US', 'USHWY', 'ROAD', 'RD',
  'STATE', 'COUNTY', 'CO', 'HIGHWAYS', 'HWYS', 'TRUNK', 'SPUR', 'LOOP', 'RANCH', 'PIKE', 'TURNPIKE', 'TPKE', 'EXPRESSWAY', 'FREEWAY',
]);

