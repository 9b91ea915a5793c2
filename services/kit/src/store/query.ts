// MongoDB query, update and sort semantics for the subset the store interface allows, evaluated in
// memory by the embedded store. Kept faithful to MongoDB so both stores pass the same suite.
import { randomBytes } from 'node:crypto';
import { InvalidDocumentError, type Filter, type SortSpec, type Update } from './types.js';

const MISSING = Symbol('missing');
type Value = unknown;

function getPath(doc: unknown, path: string): Value | typeof MISSING {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || cur instanceof Date) return MISSING;
    if (!Object.prototype.hasOwnProperty.call(cur, part)) return MISSING;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

// Typed arrays and Buffers are not plain: walked key by key they would be stored as {0: …, 1: …}.
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && deepEqual(a[k], b[k]));
  }
  return false;
}

/** BSON type order used by MongoDB for sorting across types. */
function typeRank(v: unknown): number {
  if (v === MISSING || v === null || v === undefined) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (Array.isArray(v)) return 4;
  if (typeof v === 'boolean') return 5;
  if (v instanceof Date) return 6;
  return 3;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

/** Range operators only compare values of the same type class, as in MongoDB. */
function comparable(a: unknown, b: unknown): boolean {
  const ra = typeRank(a);
  return ra !== 0 && ra === typeRank(b);
}

function equalsMatch(value: unknown, target: unknown): boolean {
  if (target === null) return value === MISSING || value === null;
  if (value === MISSING) return false;
  if (deepEqual(value, target)) return true;
  return Array.isArray(value) && !Array.isArray(target) && value.some((el) => deepEqual(el, target));
}

function rangeMatch(value: unknown, target: unknown, test: (c: number) => boolean): boolean {
  const candidates = Array.isArray(value) ? value : [value];
  return candidates.some((v) => comparable(v, target) && test(compareValues(v, target)));
}

const OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);

function isCondition(v: unknown): v is Record<string, unknown> {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function fieldMatches(value: unknown, condition: unknown): boolean {
  if (!isCondition(condition)) return equalsMatch(value, condition);
  for (const [op, target] of Object.entries(condition)) {
    switch (op) {
      case '$eq':
        if (!equalsMatch(value, target)) return false;
        break;
      case '$ne':
        if (equalsMatch(value, target)) return false;
        break;
      case '$gt':
        if (!rangeMatch(value, target, (c) => c > 0)) return false;
        break;
      case '$gte':
        if (!rangeMatch(value, target, (c) => c >= 0)) return false;
        break;
      case '$lt':
        if (!rangeMatch(value, target, (c) => c < 0)) return false;
        break;
      case '$lte':
        if (!rangeMatch(value, target, (c) => c <= 0)) return false;
        break;
      case '$in':
        if (!(target as unknown[]).some((t) => equalsMatch(value, t))) return false;
        break;
      case '$nin':
        if ((target as unknown[]).some((t) => equalsMatch(value, t))) return false;
        break;
      case '$exists':
        if ((value !== MISSING) !== Boolean(target)) return false;
        break;
      default:
        throw new InvalidDocumentError(`unsupported query operator ${op}`);
    }
  }
  return true;
}

export function matches(doc: unknown, filter: Filter | undefined): boolean {
  if (!filter) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and') {
      if (!(condition as Filter[]).every((f) => matches(doc, f))) return false;
    } else if (key === '$or') {
      if (!(condition as Filter[]).some((f) => matches(doc, f))) return false;
    } else if (key.startsWith('$')) {
      throw new InvalidDocumentError(`unsupported top-level operator ${key}`);
    } else if (!fieldMatches(getPath(doc, key), condition)) {
      return false;
    }
  }
  return true;
}

/** The top-level fields a filter reads (the first segment of each path), `_id` included. */
export function filterFields(filter: Filter, into = new Set<string>(['_id'])): Set<string> {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') for (const f of condition as Filter[]) filterFields(f, into);
    else into.add(key.split('.')[0]!);
  }
  return into;
}

/** Validates a filter's operators up front so both stores reject the same things. */
export function assertFilter(filter: Filter | undefined): void {
  if (!filter) return;
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      for (const f of condition as Filter[]) assertFilter(f);
    } else if (key.startsWith('$')) {
      throw new InvalidDocumentError(`unsupported top-level operator ${key}`);
    } else if (isCondition(condition)) {
      for (const op of Object.keys(condition)) {
        if (!OPERATORS.has(op)) throw new InvalidDocumentError(`unsupported query operator ${op}`);
      }
    }
  }
}

/** Plain equality on a field (not an operator, not null), usable by an index. */
export function equalityValue(filter: Filter, path: string): { ok: true; value: unknown } | { ok: false } {
  if (!Object.prototype.hasOwnProperty.call(filter, path)) return { ok: false };
  let v = filter[path];
  if (isCondition(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1 || keys[0] !== '$eq') return { ok: false };
    v = v.$eq;
  }
  if (v === null || v === undefined || typeof v === 'object') return { ok: false };
  return { ok: true, value: v };
}

export function sortComparator(sort: SortSpec | undefined): (a: unknown, b: unknown) => number {
  const entries = Object.entries(sort ?? {});
  return (a, b) => {
    for (const [path, dir] of entries) {
      const c = compareValues(getPath(a, path), getPath(b, path));
      if (c !== 0) return c * dir;
    }
    const ia = (a as { _id: string })._id;
    const ib = (b as { _id: string })._id;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function unsetPath(doc: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  let cur: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur)) return;
    cur = cur[part];
  }
  if (isPlainObject(cur)) delete cur[parts[parts.length - 1]!];
}

export function applyUpdate<T>(doc: T, update: Update, inserting: boolean): T {
  const out = structuredClone(doc) as Record<string, unknown>;
  for (const [p, v] of Object.entries(update.$set ?? {})) setPath(out, p, clean(v));
  for (const p of Object.keys(update.$unset ?? {})) unsetPath(out, p);
  for (const [p, n] of Object.entries(update.$inc ?? {})) {
    const cur = getPath(out, p);
    if (cur !== MISSING && typeof cur !== 'number') throw new InvalidDocumentError(`cannot $inc non-numeric field ${p}`);
    setPath(out, p, (cur === MISSING ? 0 : (cur as number)) + n);
  }
  if (inserting) for (const [p, v] of Object.entries(update.$setOnInsert ?? {})) setPath(out, p, clean(v));
  return out as T;
}

/** The document an upsert inserts: the filter's equality fields, then the update. */
export function upsertSeed(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  for (const [key, condition] of Object.entries(filter)) {
    if (key.startsWith('$')) continue;
    const eq = equalityValue(filter, key);
    if (eq.ok) setPath(seed, key, eq.value);
    else if (!isCondition(condition) && condition !== null) setPath(seed, key, clean(condition));
  }
  return seed;
}

export function newId(): string {
  return randomBytes(12).toString('hex');
}

/** Drops undefined values (MongoDB is configured with ignoreUndefined to match). */
export function clean<V>(value: V): V {
  if (Array.isArray(value)) return value.map((v) => clean(v)) as V;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out as V;
  }
  return value;
}

/** Rejects field names MongoDB rejects or treats specially, so documents behave the same in both stores. */
export function assertDocument(doc: unknown, where = 'document'): void {
  if (!isPlainObject(doc)) throw new InvalidDocumentError(`${where} must be an object`);
  if (typeof doc._id !== 'string' || doc._id === '') throw new InvalidDocumentError(`${where}._id must be a non-empty string`);
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k.startsWith('$') || k.includes('.')) throw new InvalidDocumentError(`field name ${JSON.stringify(k)} at ${path} must not start with "$" or contain "."`);
        walk(x, `${path}.${k}`);
      }
    } else if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') {
      throw new InvalidDocumentError(`unsupported value type ${typeof v} at ${path}`);
    } else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      throw new InvalidDocumentError(`binary values are not supported (at ${path}); store base64 text`);
    }
  };
  walk(doc, where);
}
