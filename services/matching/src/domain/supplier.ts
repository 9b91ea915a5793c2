// The supplier record as importers produce it and as the store keeps it, with its stable id and a
// content hash that makes re-imports idempotent.
import { createHash } from 'node:crypto';
import {
  IdentifierType,
  type Supplier,
  type SupplierSummary,
} from '@clarity/proto/clarity/matching/v1/matching.js';
import { IndustryCodeSystem, PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import type { IndexEntry } from './supplier-index.js';
import type { SlotInfo } from './supplier-index.js';

export type IdentifierKind = 'EIN' | 'ROUTING_NUMBER' | 'PPP_LOAN' | 'OTHER';

export interface SupplierAddress {
  line1: string;
  line2: string;
  city: string;
  state: string;
  postalCode: string;
  countryCode: string;
  /** In-care-of line (IRS ICO). */
  recipient: string;
}

/** A supplier as an importer produces it. */
export interface SupplierRecord {
  source: string;
  sourceId: string;
  name: string;
  aliases: string[];
  address: SupplierAddress;
  identifiers: Array<{ type: IdentifierKind; value: string }>;
  industryCodes: Array<{ system: 'NAICS' | 'SIC'; code: string }>;
  payeeType: PayeeType;
  payeeSubtype: PayeeSubtype;
  /** Keys are lower_snake_case. */
  attributes: Record<string, string>;
  synthetic: boolean;
}

/** The stored document: the record plus identity, timestamps and the change sequence. */
export interface SupplierDoc extends SupplierRecord {
  _id: string;
  /** sha-256 (first 24 hex) of the record's content: re-imports compare it, not every field. */
  hash: string;
  createTime: Date;
  updateTime: Date;
  /** Change sequence: unique, increasing; replicas poll by it. */
  seq: number;
  /** Tombstone: the supplier was deleted (kept so replicas see the deletion). */
  deleted?: boolean;
  /**
   * What the matching index reads of this record, packed into one string (`packIndexed`): a full
   * rebuild decodes this one field instead of the address, aliases and identifiers objects. Absent on
   * tombstones and on documents written before it existed (a rebuild then reads those whole).
   */
  indexed?: string;
}

export const BUILTIN_SOURCES = ['irs_eo_bmf', 'sba_ppp', 'fedach', 'synthetic'] as const;

export function supplierId(source: string, sourceId: string): string {
  return `${source}:${sourceId}`;
}

export function emptyAddress(): SupplierAddress {
  return { line1: '', line2: '', city: '', state: '', postalCode: '', countryCode: '', recipient: '' };
}

/** Content hash over every field of the record in a fixed order. */
export function contentHash(r: SupplierRecord): string {
  const attributes = Object.keys(r.attributes)
    .sort()
    .map((k) => [k, r.attributes[k]]);
  const canonical = JSON.stringify([
    r.source,
    r.sourceId,
    r.name,
    r.aliases,
    [r.address.line1, r.address.line2, r.address.city, r.address.state, r.address.postalCode, r.address.countryCode, r.address.recipient],
    r.identifiers.map((i) => [i.type, i.value]),
    r.industryCodes.map((c) => [c.system, c.code]),
    r.payeeType,
    r.payeeSubtype,
    attributes,
    r.synthetic,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 24);
}

/** The stored fields a full rebuild reads; documents without `indexed` are fetched whole afterwards. */
export const INDEXED_FIELDS = ['indexed', 'seq', 'deleted', 'updateTime'] as const;
export type IndexedDoc = Pick<SupplierDoc, (typeof INDEXED_FIELDS)[number] | '_id'>;

/** What the index needs from a stored supplier (the whole document). */
export function indexEntryOf(doc: Pick<SupplierDoc, '_id' | 'seq' | 'source' | 'name' | 'aliases' | 'address' | 'identifiers'>): IndexEntry {
  const eins = doc.source === 'irs_eo_bmf' ? [] : doc.identifiers.filter((i) => i.type === 'EIN').map((i) => i.value);
  return {
    id: doc._id,
    name: doc.name,
    // IRS SORT_NAME is a secondary name line (chapter, post), not a name of its own.
    aliases: doc.source === 'irs_eo_bmf' ? [] : doc.aliases,
    secondaryNames: doc.source === 'irs_eo_bmf' ? doc.aliases : [],
    street: doc.address.line1,
    city: doc.address.city,
    state: doc.address.state,
    postalCode: doc.address.postalCode,
    eins,
    seq: doc.seq,
  };
}

/** Layout version of `indexed`: a document with another version is read whole. */
const INDEXED_LAYOUT = '1';
const FIELD_SEP = '\x1f';
const LIST_SEP = '\x1e';
const SEPARATORS = /[\x1e\x1f]/g;
const flat = (v: string) => v.replace(SEPARATORS, ' ');
const splitList = (v: string) => (v === '' ? [] : v.split(LIST_SEP));

/**
 * The `indexed` field of a record: its index entry (without id and seq) as separator-joined text —
 * splitting it is several times cheaper than parsing JSON, which a 424K-supplier rebuild feels.
 * (Imported text has no control characters; any other separator character becomes a space.)
 */
export function packIndexed(r: SupplierRecord): string {
  const e = indexEntryOf({ ...r, _id: '', seq: 0 });
  const list = (v: readonly string[] | undefined) => (v ?? []).map(flat).join(LIST_SEP);
  return [INDEXED_LAYOUT, flat(e.name), list(e.aliases), list(e.secondaryNames), flat(e.street), flat(e.city), flat(e.state), flat(e.postalCode), list(e.eins)].join(FIELD_SEP);
}

/** The index entry of a document scanned with INDEXED_FIELDS, or undefined when it must be read whole. */
export function indexEntryOfIndexed(doc: IndexedDoc): IndexEntry | undefined {
  if (typeof doc.indexed !== 'string') return undefined;
  const a = doc.indexed.split(FIELD_SEP);
  if (a[0] !== INDEXED_LAYOUT || a.length !== 9) return undefined;
  return { id: doc._id, name: a[1]!, aliases: splitList(a[2]!), secondaryNames: splitList(a[3]!), street: a[4]!, city: a[5]!, state: a[6]!, postalCode: a[7]!, eins: splitList(a[8]!), seq: doc.seq };
}

const IDENTIFIER_TYPES: Record<IdentifierKind, IdentifierType> = {
  EIN: IdentifierType.IDENTIFIER_TYPE_EIN,
  ROUTING_NUMBER: IdentifierType.IDENTIFIER_TYPE_ROUTING_NUMBER,
  PPP_LOAN: IdentifierType.IDENTIFIER_TYPE_PPP_LOAN,
  OTHER: IdentifierType.IDENTIFIER_TYPE_OTHER,
};

const IDENTIFIER_KINDS = new Map<IdentifierType, IdentifierKind>(Object.entries(IDENTIFIER_TYPES).map(([k, v]) => [v, k as IdentifierKind]));

export function toProtoSupplier(doc: SupplierDoc): Supplier {
  return {
    id: doc._id,
    source: doc.source,
    sourceId: doc.sourceId,
    name: doc.name,
    aliases: doc.aliases,
    address: { ...doc.address, freeform: '' },
    identifiers: doc.identifiers.map((i) => ({ type: IDENTIFIER_TYPES[i.type], value: i.value })),
    industryCodes: doc.industryCodes.map((c) => ({
      system: c.system === 'NAICS' ? IndustryCodeSystem.INDUSTRY_CODE_SYSTEM_NAICS : IndustryCodeSystem.INDUSTRY_CODE_SYSTEM_SIC,
      code: c.code,
      title: '',
      confidence: 1,
      source: 'supplier_network',
      evidence: [],
    })),
    payeeType: doc.payeeType,
    payeeSubtype: doc.payeeSubtype,
    attributes: { ...doc.attributes },
    createTime: doc.createTime,
    updateTime: doc.updateTime,
    synthetic: doc.synthetic,
  };
}

/** A structured record from the ImportSuppliers stream (the `id` field is ignored: it is derived). */
export function fromProtoSupplier(s: Supplier): SupplierRecord {
  return {
    source: s.source.trim(),
    sourceId: s.sourceId.trim(),
    name: s.name,
    aliases: s.aliases.filter((a) => a.trim() !== ''),
    address: {
      line1: s.address?.line1 ?? '',
      line2: s.address?.line2 ?? '',
      city: s.address?.city ?? '',
      state: s.address?.state ?? '',
      postalCode: s.address?.postalCode ?? '',
      countryCode: s.address?.countryCode ?? '',
      recipient: s.address?.recipient ?? '',
    },
    identifiers: s.identifiers.map((i) => ({ type: IDENTIFIER_KINDS.get(i.type) ?? 'OTHER', value: i.value })),
    industryCodes: s.industryCodes
      .filter((c) => c.code)
      .map((c) => ({ system: c.system === IndustryCodeSystem.INDUSTRY_CODE_SYSTEM_SIC ? ('SIC' as const) : ('NAICS' as const), code: c.code })),
    payeeType: s.payeeType ?? PayeeType.PAYEE_TYPE_UNSPECIFIED,
    payeeSubtype: s.payeeSubtype ?? PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED,
    attributes: Object.fromEntries(Object.entries(s.attributes ?? {}).map(([k, v]) => [attributeKey(k), v])),
    synthetic: s.synthetic,
  };
}

/** Attribute keys as the store accepts them (no "$", no "."): lower_snake_case. */
export function attributeKey(key: string): string {
  return key
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '') || 'attribute';
}

export function summaryOf(info: SlotInfo, matchedName: string): SupplierSummary {
  const colon = info.id.indexOf(':');
  return {
    id: info.id,
    source: colon > 0 ? info.id.slice(0, colon) : '',
    sourceId: colon > 0 ? info.id.slice(colon + 1) : info.id,
    name: info.name,
    matchedName,
    city: info.city,
    state: info.state,
    postalCode: info.postalCode,
    street: info.street,
  };
}
