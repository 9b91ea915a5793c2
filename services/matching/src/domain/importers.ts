// Importers for the public supplier formats. Each turns a byte stream into numbered rows: a
// SupplierRecord, or a row error a clerk can act on (the good rows beside it still land).
//
// Source identifiers:
//   irs_eo_bmf  the EIN (9 digits)
//   fedach      the routing number (9 digits)
//   sba_ppp     national FOIA layout: the SBA LoanNumber;
//               Georgia layout (no loan number): "ga-" + the first 16 hex digits of
//               sha256(RECIPIENT | ADDRESS | ZIP5 | DATE), each folded to upper-case letters, digits and
//               single spaces; a repeat of the same key later in the same file gets "-2", "-3"…
//   custom      the column mapped to source_id
import { createHash } from 'node:crypto';
import { cleanText, invalidArgument, readCsv } from '@clarity/kit';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { SupplierFormat } from '@clarity/proto/clarity/matching/v1/matching.js';
import { parseZip } from './address.js';
import { BUILTIN_SOURCES, emptyAddress, type SupplierRecord } from './supplier.js';

export type ParsedRow =
  | { row: number; record: SupplierRecord }
  | { row: number; field: string; message: string };

export interface ImporterOptions {
  /** GENERIC_CSV: the source name to store. */
  source?: string;
  /** GENERIC_CSV: Clarity field → CSV column. */
  columnMapping?: Record<string, string>;
}

export type Importer = (input: AsyncIterable<Buffer>) => AsyncGenerator<ParsedRow>;

export const FORMAT_NAMES: Record<string, SupplierFormat> = {
  'irs-eo-bmf': SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF,
  'sba-ppp-georgia': SupplierFormat.SUPPLIER_FORMAT_SBA_PPP_GEORGIA,
  'sba-ppp-foia': SupplierFormat.SUPPLIER_FORMAT_SBA_PPP_FOIA,
  fedach: SupplierFormat.SUPPLIER_FORMAT_FEDACH,
  csv: SupplierFormat.SUPPLIER_FORMAT_GENERIC_CSV,
};

export const MAPPABLE_FIELDS = ['source_id', 'name', 'aliases', 'street', 'city', 'state', 'postal_code', 'ein', 'naics'] as const;

/** The importer for a format; throws INVALID_ARGUMENT (naming the header field) for unusable options. */
export function importerFor(format: SupplierFormat, options: ImporterOptions = {}): Importer {
  switch (format) {
    case SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF:
      return irsEoBmf;
    case SupplierFormat.SUPPLIER_FORMAT_SBA_PPP_GEORGIA:
      return sbaPppGeorgia;
    case SupplierFormat.SUPPLIER_FORMAT_SBA_PPP_FOIA:
      return sbaPppFoia;
    case SupplierFormat.SUPPLIER_FORMAT_FEDACH:
      return fedach;
    case SupplierFormat.SUPPLIER_FORMAT_GENERIC_CSV:
      return genericCsv(options);
    default:
      throw invalidArgument([{ field: 'header.format', description: `must be one of ${Object.keys(FORMAT_NAMES).join(', ')} (got ${format})` }]);
  }
}

const text = (v: string | undefined) => cleanText(v ?? '');
const fold = (v: string | undefined) => text(v).toUpperCase().replace(/[^A-Z0-9]+/g, ' ').trim();

function einOf(raw: string | undefined): string | undefined {
  const digits = (raw ?? '').trim().replace(/-/g, '');
  return /^\d{9}$/.test(digits) ? digits : undefined;
}

/** Rows of a CSV whose header must hold `required` columns (compared case-insensitively). */
async function* csvRows(
  input: AsyncIterable<Buffer>,
  required: readonly string[],
  format: string,
): AsyncGenerator<{ row: number; record: Record<string, string> } | { row: number; field: string; message: string }> {
  let checked = false;
  for await (const item of readCsv(input, { lowerCaseHeader: true })) {
    if (item.kind === 'error') {
      yield { row: item.row, field: '', message: item.message };
      continue;
    }
    if (!checked) {
      const missing = required.filter((c) => !(c in item.record));
      if (missing.length) {
        throw invalidArgument([
          { field: 'header.format', description: `the file is not in the ${format} layout: its header lacks ${missing.map((m) => m.toUpperCase()).join(', ')}` },
        ]);
      }
      checked = true;
    }
    yield { row: item.row, record: item.record };
  }
}

// --- IRS Exempt Organizations Business Master File -----------------------------------------------

const IRS_ATTRIBUTES = [
  'group', 'subsection', 'affiliation', 'classification', 'ruling', 'deductibility', 'foundation', 'activity',
  'organization', 'status', 'tax_period', 'asset_cd', 'income_cd', 'filing_req_cd', 'pf_filing_req_cd', 'acct_pd',
  'asset_amt', 'income_amt', 'revenue_amt', 'ntee_cd',
];

export async function* irsEoBmf(input: AsyncIterable<Buffer>): AsyncGenerator<ParsedRow> {
  for await (const r of csvRows(input, ['ein', 'name', 'street', 'city', 'state', 'zip'], 'IRS EO BMF')) {
    if (!('record' in r)) {
      yield r;
      continue;
    }
    const c = r.record;
    const ein = einOf(c.ein);
    if (!ein) {
      yield { row: r.row, field: 'EIN', message: `EIN must be 9 digits, got ${JSON.stringify(c.ein ?? '')}` };
      continue;
    }
    const name = text(c.name);
    if (!name) {
      yield { row: r.row, field: 'NAME', message: 'NAME is empty' };
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const k of IRS_ATTRIBUTES) if (c[k]) attributes[k] = c[k]!.trim();
    const sortName = text(c.sort_name);
    yield {
      row: r.row,
      record: {
        source: 'irs_eo_bmf',
        sourceId: ein,
        name,
        aliases: sortName && sortName !== name ? [sortName] : [],
        address: { ...emptyAddress(), line1: text(c.street), city: text(c.city), state: text(c.state), postalCode: text(c.zip), recipient: text(c.ico) },
        identifiers: [{ type: 'EIN', value: ein }],
        industryCodes: [],
        payeeType: PayeeType.PAYEE_TYPE_BUSINESS,
        // 501(c)(14) are state-chartered credit unions.
        payeeSubtype: c.subsection?.trim() === '14' ? PayeeSubtype.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION : PayeeSubtype.PAYEE_SUBTYPE_NONPROFIT,
        attributes,
        synthetic: false,
      },
    };
  }
}

// --- SBA PPP ---------------------------------------------------------------------------------

function pppType(businessType: string): [PayeeType, PayeeSubtype] {
  const t = businessType.toLowerCase();
  if (!t) return [PayeeType.PAYEE_TYPE_UNSPECIFIED, PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED];
  if (t.includes('sole') && t.includes('prop')) return [PayeeType.PAYEE_TYPE_INDIVIDUAL, PayeeSubtype.PAYEE_SUBTYPE_SOLE_PROPRIETOR];
  if (t.includes('sole oroprietor')) return [PayeeType.PAYEE_TYPE_INDIVIDUAL, PayeeSubtype.PAYEE_SUBTYPE_SOLE_PROPRIETOR];
  if (t.includes('self-employed') || t.includes('self employed')) return [PayeeType.PAYEE_TYPE_INDIVIDUAL, PayeeSubtype.PAYEE_SUBTYPE_SELF_EMPLOYED];
  if (t.includes('contractor')) return [PayeeType.PAYEE_TYPE_INDIVIDUAL, PayeeSubtype.PAYEE_SUBTYPE_INDEPENDENT_CONTRACTOR];
  if (t.includes('non-profit') || t.includes('nonprofit') || t.includes('501(c)')) return [PayeeType.PAYEE_TYPE_BUSINESS, PayeeSubtype.PAYEE_SUBTYPE_NONPROFIT];
  if (t.includes('trust')) return [PayeeType.PAYEE_TYPE_BUSINESS, PayeeSubtype.PAYEE_SUBTYPE_TRUST_OR_ESTATE];
  return [PayeeType.PAYEE_TYPE_BUSINESS, PayeeSubtype.PAYEE_SUBTYPE_BUSINESS];
}

function naicsCodes(raw: string | undefined): SupplierRecord['industryCodes'] {
  const code = (raw ?? '').trim().replace(/\.0+$/, '');
  return /^\d{2,6}$/.test(code) && !/^0+$/.test(code) ? [{ system: 'NAICS', code }] : [];
}

/**
 * A PPP borrower as a supplier record (both layouts): the loan key is its source id and its PPP_LOAN
 * identifier; the layout's extra columns become attributes.
 */
function pppRecord(
  c: Record<string, string | undefined>,
  key: string,
  name: string,
  address: SupplierRecord['address'],
  naics: string | undefined,
  attributeColumns: ReadonlyArray<[string, string]>,
): SupplierRecord {
  const [payeeType, payeeSubtype] = pppType(text(c.businesstype));
  const attributes: Record<string, string> = {};
  for (const [col, attr] of attributeColumns) {
    const v = text(c[col]);
    if (v) attributes[attr] = v;
  }
  return {
    source: 'sba_ppp',
    sourceId: key,
    name,
    aliases: [],
    address,
    identifiers: [{ type: 'PPP_LOAN', value: key }],
    industryCodes: naicsCodes(naics),
    payeeType,
    payeeSubtype,
    attributes,
    synthetic: false,
  };
}

/** The documented stable key of a Georgia-layout PPP row (see the file header). */
export function georgiaPppKey(recipient: string, address: string, zip5: string, date: string): string {
  const basis = [fold(recipient), fold(address), zip5, date.trim()].join('|');
  return `ga-${createHash('sha256').update(basis).digest('hex').slice(0, 16)}`;
}

const GEORGIA_ATTRIBUTES: Array<[string, string]> = [
  ['date', 'date_approved'], ['businesstype', 'business_type'], ['industry', 'industry'], ['raceethnicity', 'race_ethnicity'],
  ['gender', 'gender'], ['veteran', 'veteran'], ['nonprofit', 'nonprofit'], ['fips', 'county_fips'], ['county', 'county'],
  ['cbsa', 'cbsa'], ['msa', 'msa'], ['cdregion', 'cd_region'], ['jobs', 'jobs_reported'], ['amount', 'loan_amount'], ['loans', 'loans'],
];

export async function* sbaPppGeorgia(input: AsyncIterable<Buffer>): AsyncGenerator<ParsedRow> {
  const seen = new Map<string, number>();
  for await (const r of csvRows(input, ['date', 'recipient', 'businesstype', 'naics', 'address', 'city', 'zcta'], 'SBA PPP (Georgia)')) {
    if (!('record' in r)) {
      yield r;
      continue;
    }
    const c = r.record;
    const date = (c.date ?? '').trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      yield { row: r.row, field: 'Date', message: `Date must be YYYY-MM-DD, got ${JSON.stringify(date)}` };
      continue;
    }
    const zip = parseZip(c.zcta);
    const name = text(c.recipient);
    const street = text(c.address);
    // The SBA withheld some sole proprietors' names: such rows are kept (address, NAICS), never name-matched.
    if (!name && !street) {
      yield { row: r.row, field: 'Recipient', message: 'Recipient and Address are both empty: nothing identifies the borrower' };
      continue;
    }
    const zip5 = zip.ok ? zip.value : '';
    let key = georgiaPppKey(name, street, zip5, date);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) key = `${key}-${n}`;
    // The Georgia file has no state column: every loan in it is a Georgia loan.
    const address = { ...emptyAddress(), line1: street, city: text(c.city), state: 'GA', postalCode: zip5 || text(c.zcta) };
    yield { row: r.row, record: pppRecord(c, key, name, address, c.naics, GEORGIA_ATTRIBUTES) };
  }
}

// FOIA columns kept as attributes (lower-cased header → attribute name).
const FOIA_ATTRIBUTES: Array<[string, string]> = [
  ['dateapproved', 'date_approved'], ['sbaofficecode', 'sba_office_code'], ['processingmethod', 'processing_method'],
  ['loanstatusdate', 'loan_status_date'], ['loanstatus', 'loan_status'], ['term', 'term'],
  ['sbaguarantypercentage', 'sba_guaranty_percentage'], ['initialapprovalamount', 'initial_approval_amount'],
  ['currentapprovalamount', 'current_approval_amount'], ['undisbursedamount', 'undisbursed_amount'],
  ['franchisename', 'franchise_name'], ['servicinglenderlocationid', 'servicing_lender_location_id'],
  ['servicinglendername', 'servicing_lender_name'], ['ruralurbanindicator', 'rural_urban_indicator'],
  ['hubzoneindicator', 'hubzone_indicator'], ['lmiindicator', 'lmi_indicator'], ['businessagedescription', 'business_age_description'],
  ['projectcountyname', 'project_county_name'], ['projectcity', 'project_city'], ['projectstate', 'project_state'],
  ['projectzip', 'project_zip'], ['cd', 'congressional_district'], ['jobsreported', 'jobs_reported'], ['race', 'race'],
  ['ethnicity', 'ethnicity'], ['businesstype', 'business_type'], ['originatinglenderlocationid', 'originating_lender_location_id'],
  ['originatinglender', 'originating_lender'], ['originatinglendercity', 'originating_lender_city'],
  ['originatinglenderstate', 'originating_lender_state'], ['gender', 'gender'], ['veteran', 'veteran'], ['nonprofit', 'nonprofit'],
  ['forgivenessamount', 'forgiveness_amount'], ['forgivenessdate', 'forgiveness_date'],
];

export async function* sbaPppFoia(input: AsyncIterable<Buffer>): AsyncGenerator<ParsedRow> {
  for await (const r of csvRows(input, ['loannumber', 'dateapproved', 'borrowername', 'borroweraddress', 'borrowercity', 'borrowerstate', 'borrowerzip'], 'SBA PPP (national FOIA)')) {
    if (!('record' in r)) {
      yield r;
      continue;
    }
    const c = r.record;
    const loan = (c.loannumber ?? '').trim().replace(/\.0+$/, '');
    if (!/^\d{6,12}$/.test(loan)) {
      yield { row: r.row, field: 'LoanNumber', message: `LoanNumber must be 6 to 12 digits, got ${JSON.stringify(c.loannumber ?? '')}` };
      continue;
    }
    const name = text(c.borrowername);
    const street = text(c.borroweraddress);
    if (!name && !street) {
      yield { row: r.row, field: 'BorrowerName', message: 'BorrowerName and BorrowerAddress are both empty: nothing identifies the borrower' };
      continue;
    }
    const address = { ...emptyAddress(), line1: street, city: text(c.borrowercity), state: text(c.borrowerstate), postalCode: text(c.borrowerzip) };
    yield { row: r.row, record: pppRecord(c, loan, name, address, c.naicscode, FOIA_ATTRIBUTES) };
  }
}

// --- FedACH participant directory (fixed width) ----------------------------------------------

/** ABA routing number check digit: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10). */
export function validRoutingNumber(rn: string): boolean {
  if (!/^\d{9}$/.test(rn)) return false;
  const d = [...rn].map(Number);
  return (3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)) % 10 === 0;
}

/** Lines of a byte stream (LF or CRLF), numbered from 1. */
export async function* lines(input: AsyncIterable<Buffer>): AsyncGenerator<{ row: number; line: string }> {
  let carry = '';
  let row = 0;
  for await (const chunk of input) {
    const parts = (carry + chunk.toString('latin1')).split('\n');
    carry = parts.pop()!;
    for (const p of parts) yield { row: ++row, line: p.endsWith('\r') ? p.slice(0, -1) : p };
  }
  if (carry.length > 0) yield { row: ++row, line: carry.endsWith('\r') ? carry.slice(0, -1) : carry };
}

export async function* fedach(input: AsyncIterable<Buffer>): AsyncGenerator<ParsedRow> {
  for await (const { row, line } of lines(input)) {
    if (line.trim() === '') continue;
    if (line.length !== 155) {
      yield { row, field: '', message: `a FedACH record is 155 characters; this line has ${line.length}` };
      continue;
    }
    const col = (from: number, to: number) => line.slice(from - 1, to).trim();
    const routing = col(1, 9);
    if (!validRoutingNumber(routing)) {
      yield { row, field: 'routing_number', message: `routing number ${JSON.stringify(routing)} is not 9 digits with a valid check digit` };
      continue;
    }
    const name = cleanText(col(36, 71));
    if (!name) {
      yield { row, field: 'customer_name', message: 'customer name (columns 36-71) is empty' };
      continue;
    }
    const zip = col(130, 134);
    const zip4 = col(135, 138);
    const attributes: Record<string, string> = {};
    const put = (k: string, v: string) => {
      if (v && !/^0+$/.test(v)) attributes[k] = v;
    };
    put('office_code', col(10, 10));
    put('servicing_frb_routing_number', col(11, 19));
    put('record_type', col(20, 20));
    put('change_date', col(21, 26));
    put('new_routing_number', col(27, 35));
    put('phone', col(139, 148));
    put('institution_status', col(149, 149));
    put('data_view', col(150, 150));
    yield {
      row,
      record: {
        source: 'fedach',
        sourceId: routing,
        name,
        aliases: [],
        address: { ...emptyAddress(), line1: cleanText(col(72, 107)), city: cleanText(col(108, 127)), state: col(128, 129), postalCode: zip4 && zip4 !== '0000' ? `${zip}-${zip4}` : zip },
        identifiers: [{ type: 'ROUTING_NUMBER', value: routing }],
        industryCodes: [],
        payeeType: PayeeType.PAYEE_TYPE_BUSINESS,
        payeeSubtype: PayeeSubtype.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION,
        attributes,
        synthetic: false,
      },
    };
  }
}

// --- Generic CSV with a column mapping --------------------------------------------------------

export function checkGenericOptions(options: ImporterOptions): { source: string; mapping: Record<string, string> } {
  const violations: Array<{ field: string; description: string }> = [];
  const source = (options.source ?? '').trim() || 'custom';
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(source)) {
    violations.push({ field: 'header.source', description: 'must be 1-40 lower-case letters, digits, "_" or "-", starting with a letter or digit' });
  } else if ((BUILTIN_SOURCES as readonly string[]).includes(source)) {
    violations.push({ field: 'header.source', description: `${source} is reserved for its own importer; choose another source name` });
  }
  const mapping: Record<string, string> = {};
  for (const [field, column] of Object.entries(options.columnMapping ?? {})) {
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(field)) {
      violations.push({ field: `header.column_mapping[${field}]`, description: `unknown field; mappable fields are ${MAPPABLE_FIELDS.join(', ')}` });
    } else if (!column.trim()) {
      violations.push({ field: `header.column_mapping[${field}]`, description: 'names no column' });
    } else mapping[field] = column.trim().toLowerCase();
  }
  for (const required of ['source_id', 'name']) {
    if (!mapping[required] && !violations.some((v) => v.field.includes(`[${required}]`))) {
      violations.push({ field: `header.column_mapping[${required}]`, description: 'is required for a generic CSV import' });
    }
  }
  if (violations.length) throw invalidArgument(violations);
  return { source, mapping };
}

function genericCsv(options: ImporterOptions): Importer {
  const { source, mapping } = checkGenericOptions(options);
  return async function* generic(input: AsyncIterable<Buffer>): AsyncGenerator<ParsedRow> {
    for await (const r of csvRows(input, Object.values(mapping), 'mapped CSV')) {
      if (!('record' in r)) {
        yield r;
        continue;
      }
      const get = (field: string) => (mapping[field] ? text(r.record[mapping[field]!]) : '');
      const sourceId = get('source_id');
      if (!sourceId) {
        yield { row: r.row, field: mapping.source_id!, message: `${mapping.source_id} (source_id) is empty` };
        continue;
      }
      if (sourceId.length > 200) {
        yield { row: r.row, field: mapping.source_id!, message: 'source_id is longer than 200 characters' };
        continue;
      }
      const name = get('name');
      if (!name) {
        yield { row: r.row, field: mapping.name!, message: `${mapping.name} (name) is empty` };
        continue;
      }
      const rawEin = get('ein');
      const ein = rawEin ? einOf(rawEin) : undefined;
      if (rawEin && !ein) {
        yield { row: r.row, field: mapping.ein!, message: `EIN must be 9 digits (12-3456789 or 123456789), got ${JSON.stringify(rawEin)}` };
        continue;
      }
      yield {
        row: r.row,
        record: {
          source,
          sourceId,
          name,
          aliases: get('aliases')
            .split(/[;|]/)
            .map((a) => a.trim())
            .filter(Boolean),
          address: { ...emptyAddress(), line1: get('street'), city: get('city'), state: get('state'), postalCode: get('postal_code') },
          identifiers: ein ? [{ type: 'EIN', value: ein }] : [],
          industryCodes: naicsCodes(get('naics')),
          payeeType: PayeeType.PAYEE_TYPE_UNSPECIFIED,
          payeeSubtype: PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED,
          attributes: {},
          synthetic: false,
        },
      };
    }
  };
}
