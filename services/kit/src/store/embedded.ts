// The embedded store: in-process, zero setup, the default when MONGODB_URI is unset.
//
// Without a directory everything lives in memory. With one, each collection is an append-only log
// (<dir>/<collection>.log) of length-prefixed records; memory holds only a key directory
// (id → file offset) so a 500K-document collection costs tens of MB, not hundreds. Logs are compacted
// on open when more than half of them is garbage. One process owns a directory (LOCK file); replicas
// that share data must use MongoDB.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync, writeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  applyUpdate,
  assertDocument,
  assertFilter,
  clean,
  equalityValue,
  filterFields,
  matches,
  newId,
  sortComparator,
  upsertSeed,
} from './query.js';
import {
  DuplicateKeyError,
  InvalidDocumentError,
  type Collection,
  type Doc,
  type LogView,
  type Filter,
  type FindOptions,
  type SortSpec,
  type Store,
  type ScanOptions,
  type Update,
  type UpdateResult,
} from './types.js';

// Record: u32 length of the rest | u8 op | u16 id byte length | id | body (puts only).
// OP_PUT (format 1, still read): the body is one v8-serialized document. OP_PUT_FIELDS (format 2,
// written now): the body is a table of top-level fields, each encoded on its own, so a projected
// scan decodes only the fields it asks for and skips the rest by length.
const OP_PUT = 1;
const OP_DELETE = 2;
const OP_PUT_FIELDS = 3;
const HEADER = 4 + 1 + 2;

// Field: u16 name byte length | name | u8 kind | u32 value byte length | value.
const KIND_STRING = 0; // UTF-8 text
const KIND_NUMBER = 1; // f64
const KIND_TRUE = 2;
const KIND_FALSE = 3;
const KIND_NULL = 4;
const KIND_DATE = 5; // f64 milliseconds
const KIND_JSON = 6; // objects and arrays holding only JSON-exact values
const KIND_V8 = 7; // anything else (nested Dates, NaN, -0, undefined members …)

/** True when JSON.stringify → JSON.parse gives back an equal value. */
function jsonExact(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonExact(v[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in v) if (!Object.hasOwn(v, k) || !jsonExact((v as Record<string, unknown>)[k])) return false;
      return true;
    }
    default:
      return false;
  }
}

const F64 = Buffer.alloc(8);

function encodeField(name: string, value: unknown): Buffer[] {
  let kind: number;
  let body: Buffer;
  // A string with a lone surrogate has no UTF-8 form: JSON escapes it (String.prototype.isWellFormed: Node 20, ES2024).
  if (typeof value === 'string' && (value as unknown as { isWellFormed(): boolean }).isWellFormed()) [kind, body] = [KIND_STRING, Buffer.from(value, 'utf8')];
  else if (typeof value === 'number') {
    F64.writeDoubleLE(value, 0);
    [kind, body] = [KIND_NUMBER, Buffer.from(F64)];
  } else if (value === true) [kind, body] = [KIND_TRUE, Buffer.alloc(0)];
  else if (value === false) [kind, body] = [KIND_FALSE, Buffer.alloc(0)];
  else if (value === null) [kind, body] = [KIND_NULL, Buffer.alloc(0)];
  else if (value instanceof Date && Object.getPrototypeOf(value) === Date.prototype) {
    F64.writeDoubleLE(value.getTime(), 0);
    [kind, body] = [KIND_DATE, Buffer.from(F64)];
  } else if (jsonExact(value)) [kind, body] = [KIND_JSON, Buffer.from(JSON.stringify(value), 'utf8')];
  else [kind, body] = [KIND_V8, serialize(value)];
  const nameBytes = Buffer.from(name, 'utf8');
  const head = Buffer.allocUnsafe(2 + nameBytes.length + 1 + 4);
  head.writeUInt16LE(nameBytes.length, 0);
  nameBytes.copy(head, 2);
  head.writeUInt8(kind, 2 + nameBytes.length);
  head.writeUInt32LE(body.length, 3 + nameBytes.length);
  return [head, body];
}

function decodeValue(buf: Buffer, kind: number, start: number, end: number): unknown {
  switch (kind) {
    case KIND_STRING:
      return buf.toString('utf8', start, end);
    case KIND_NUMBER:
      return buf.readDoubleLE(start);
    case KIND_TRUE:
      return true;
    case KIND_FALSE:
      return false;
    case KIND_NULL:
      return null;
    case KIND_DATE:
      return new Date(buf.readDoubleLE(start));
    case KIND_JSON:
      return JSON.parse(buf.toString('utf8', start, end));
    case KIND_V8:
      return deserialize(buf.subarray(start, end));
    default:
      throw new Error(`embedded store: unknown field kind ${kind}`);
  }
}

/** Field names a projection keeps, as UTF-8 bytes: compared in place, without decoding every name. */
class FieldSelection {
  private readonly names: string[];
  private readonly bytes: Buffer[];
  constructor(readonly set: ReadonlySet<string>) {
    this.names = [...set];
    this.bytes = this.names.map((n) => Buffer.from(n, 'utf8'));
  }
  /** The selected name stored at buf[start, start + length), or undefined. */
  find(buf: Buffer, start: number, length: number): string | undefined {
    for (let i = 0; i < this.bytes.length; i++) {
      const b = this.bytes[i]!;
      if (b.length !== length) continue;
      let k = 0;
      while (k < length && buf[start + k] === b[k]) k++;
      if (k === length) return this.names[i];
    }
    return undefined;
  }
}

/** Decodes a field table (from `start` to the end of `buf`); with `fields`, only those fields. */
function decodeFields(buf: Buffer, start: number, fields?: FieldSelection): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  let off = start;
  while (off < buf.length) {
    // Plain byte reads: Buffer's readUInt*LE bounds-check every call, which shows on 500K-document scans.
    const nameLen = buf[off]! | (buf[off + 1]! << 8);
    const name = fields ? fields.find(buf, off + 2, nameLen) : buf.toString('utf8', off + 2, off + 2 + nameLen);
    const kind = buf[off + 2 + nameLen]!;
    const at = off + 3 + nameLen;
    const valueLen = (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16)) + buf[at + 3]! * 0x1000000;
    const valueStart = off + 7 + nameLen;
    off = valueStart + valueLen;
    if (name !== undefined) doc[name] = decodeValue(buf, kind, valueStart, off);
  }
  return doc;
}

/** Decodes the document of a put record (either format), optionally only some top-level fields. */
function decodeRecord<T>(record: Buffer, fields?: FieldSelection): T {
  const op = record[4];
  const bodyStart = HEADER + record.readUInt16LE(5);
  if (op === OP_PUT_FIELDS) return decodeFields(record, bodyStart, fields) as T;
  const doc = deserialize(record.subarray(bodyStart)) as Record<string, unknown>;
  return (fields ? project(doc, fields.set) : doc) as T;
}

/** The top-level fields of `doc` named in `fields` (callers include `_id`). */
function project<T>(doc: T, fields: ReadonlySet<string>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) if (fields.has(k)) out[k] = v;
  return out as T;
}

interface Location {
  offset: number;
  length: number;
  /** A format-1 record (rewritten by the next compaction). */
  legacy?: boolean;
}

/**
 * id → where its live record is. Locations sit in typed columns rather than one object per id: half
 * a million documents cost a Map of small integers instead of half a million objects on the heap.
 */
class KeyDirectory {
  private readonly slots = new Map<string, number>();
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private legacy = new Uint8Array(1024);
  private readonly freeSlots: number[] = [];
  private used = 0;

  get size(): number {
    return this.slots.size;
  }
  has(id: string): boolean {
    return this.slots.has(id);
  }
  get(id: string): Location | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.at(slot);
  }
  /** The offset of an id's live record (-1 when none). */
  offsetOf(id: string): number {
    const slot = this.slots.get(id);
    return slot === undefined ? -1 : this.offsets[slot]!;
  }
  set(id: string, offset: number, length: number, legacy = false): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.used++;
      if (slot >= this.offsets.length) this.grow();
      this.slots.set(id, slot);
    }
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
    this.legacy[slot] = legacy ? 1 : 0;
  }
  delete(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.freeSlots.push(slot);
  }
  keys(): IterableIterator<string> {
    return this.slots.keys();
  }
  *entries(): Generator<[string, Location]> {
    for (const [id, slot] of this.slots) yield [id, this.at(slot)];
  }
  private at(slot: number): Location {
    return { offset: this.offsets[slot]!, length: this.lengths[slot]!, legacy: this.legacy[slot] === 1 };
  }
  private grow(): void {
    const size = this.offsets.length * 2;
    const offsets = new Float64Array(size);
    offsets.set(this.offsets);
    const lengths = new Uint32Array(size);
    lengths.set(this.lengths);
    const legacy = new Uint8Array(size);
    legacy.set(this.legacy);
    [this.offsets, this.lengths, this.legacy] = [offsets, lengths, legacy];
  }
}

/** Where documents live: in memory, or in an append-only log with an in-memory key directory. */
interface Backing<T> {
  has(id: string): boolean;
  read(id: string): T | undefined;
  write(docs: readonly T[]): void;
  remove(ids: readonly string[]): void;
  ids(): IterableIterator<string>;
  size(): number;
  /** Every live document, in storage order, without random reads; with `fields`, only those. */
  all(fields?: ReadonlySet<string>): Generator<T>;
  /** File-backed only: a view another thread can scan. */
  view?(): LogView;
  close(): void;
}

class MemoryBacking<T extends Doc> implements Backing<T> {
  private docs = new Map<string, T>();
  has(id: string) {
    return this.docs.has(id);
  }
  read(id: string) {
    const d = this.docs.get(id);
    return d === undefined ? undefined : structuredClone(d);
  }
  write(docs: readonly T[]) {
    for (const d of docs) this.docs.set(d._id, structuredClone(d));
  }
  remove(ids: readonly string[]) {
    for (const id of ids) this.docs.delete(id);
  }
  ids() {
    return this.docs.keys();
  }
  size() {
    return this.docs.size;
  }
  *all(fields?: ReadonlySet<string>) {
    for (const d of [...this.docs.values()]) yield structuredClone(fields ? project(d, fields) : d);
  }
  close() {}
}

function encodeRecord(op: typeof OP_PUT_FIELDS | typeof OP_DELETE, id: string, doc?: Record<string, unknown>): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  const parts: Buffer[] = [];
  if (doc !== undefined) for (const k of Object.keys(doc)) parts.push(...encodeField(k, doc[k]));
  const bodyLength = parts.reduce((n, p) => n + p.length, 0);
  const buf = Buffer.allocUnsafe(HEADER + idBytes.length + bodyLength);
  buf.writeUInt32LE(1 + 2 + idBytes.length + bodyLength, 0);
  buf.writeUInt8(op, 4);
  buf.writeUInt16LE(idBytes.length, 5);
  idBytes.copy(buf, HEADER);
  let at = HEADER + idBytes.length;
  for (const p of parts) at += p.copy(buf, at);
  return buf;
}

function recordId(record: Buffer): string {
  return record.toString('utf8', HEADER, HEADER + record.readUInt16LE(5));
}

/**
 * Every put record of a log up to `end`, in storage order, decoded (only `fields` when given); with
 * `live`, only the records it accepts (the others are superseded). Sequential 8 MB reads.
 */
function* scanLog<T>(fd: number, end: number, fields: FieldSelection | undefined, live?: (record: Buffer, offset: number) => boolean): Generator<T> {
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024);
  let pos = 0;
  const take = (record: Buffer, offset: number): T | undefined => {
    const op = record.readUInt8(4);
    if (op !== OP_PUT && op !== OP_PUT_FIELDS) return undefined;
    if (live && !live(record, offset)) return undefined;
    return decodeRecord<T>(record, fields);
  };
  while (pos < end) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, end - pos), pos);
    if (n <= 0) break;
    let off = 0;
    while (off + HEADER <= n) {
      const len = chunk.readUInt32LE(off);
      if (4 + len > chunk.length) {
        // A record larger than the buffer: read it alone.
        const big = Buffer.allocUnsafe(4 + len);
        readSync(fd, big, 0, big.length, pos + off);
        const doc = take(big, pos + off);
        if (doc) yield doc;
        off += 4 + len;
        continue;
      }
      if (off + 4 + len > n) break;
      const doc = take(chunk.subarray(off, off + 4 + len), pos + off);
      if (doc) yield doc;
      off += 4 + len;
    }
    pos += off;
  }
}

/**
 * The live documents of a log view, in storage order (only `fields` and `_id` when given). Safe while
 * the owning process keeps appending: a log is only rewritten (compacted) when it is opened. A document
 * changed after the view was taken comes in its older version; callers catch up by change sequence.
 */
export function* readLogView<T extends Doc>(view: LogView, fields?: readonly string[]): Generator<T> {
  const fd = openSync(view.path, 'r');
  try {
    const offsets = view.liveOffsets;
    let next = 0;
    const live = offsets
      ? (_record: Buffer, offset: number) => {
          while (next < offsets.length && offsets[next]! < offset) next++;
          return next < offsets.length && offsets[next] === offset;
        }
      : undefined;
    yield* scanLog<T>(fd, view.end, fields && new FieldSelection(new Set(['_id', ...fields])), live);
  } finally {
    closeSync(fd);
  }
}

class LogBacking<T extends Doc> implements Backing<T> {
  private keydir = new KeyDirectory();
  private fd: number;
  private end = 0;
  private garbage = 0;
  /** Live records still in format 1 (one v8 blob per document). */
  private legacy = 0;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'a+');
    this.load();
    // A log with format-1 records is rewritten once in format 2, so projected scans apply to all.
    if (this.legacy > 0 || (this.end > 4 * 1024 * 1024 && this.garbage > this.end / 2)) this.compact();
  }

  /** Rebuilds the key directory from the log; a torn final record (crash mid-write) is cut off. */
  private load() {
    const size = fstatSync(this.fd).size;
    const chunk = Buffer.allocUnsafe(Math.min(Math.max(size, 1), 8 * 1024 * 1024));
    let pos = 0;
    let carry = Buffer.alloc(0);
    let carryStart = 0;
    while (pos < size) {
      const n = readSync(this.fd, chunk, 0, chunk.length, pos);
      if (n <= 0) break;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const base = carry.length ? carryStart : pos;
      let off = 0;
      while (off + HEADER <= data.length) {
        const len = data.readUInt32LE(off);
        if (off + 4 + len > data.length) break;
        const op = data.readUInt8(off + 4);
        const idLen = data.readUInt16LE(off + 5);
        const id = data.toString('utf8', off + HEADER, off + HEADER + idLen);
        const prev = this.keydir.get(id);
        if (prev) {
          this.garbage += prev.length;
          if (prev.legacy) this.legacy -= 1;
        }
        if (op === OP_PUT_FIELDS) this.keydir.set(id, base + off, 4 + len);
        else if (op === OP_PUT) {
          this.keydir.set(id, base + off, 4 + len, true);
          this.legacy += 1;
        }
        else {
          this.keydir.delete(id);
          this.garbage += 4 + len;
        }
        off += 4 + len;
      }
      carry = Buffer.from(data.subarray(off));
      carryStart = base + off;
      pos += n;
    }
    this.end = carry.length ? carryStart : pos;
    if (this.end < size) {
      // Drop the torn tail so new appends start at a record boundary.
      closeSync(this.fd);
      const keep = readFileSync(this.path).subarray(0, this.end);
      writeFileSync(this.path, keep);
      this.fd = openSync(this.path, 'a+');
    }
  }

  has(id: string) {
    return this.keydir.has(id);
  }
  read(id: string) {
    const loc = this.keydir.get(id);
    if (!loc) return undefined;
    const buf = Buffer.allocUnsafe(loc.length);
    readSync(this.fd, buf, 0, loc.length, loc.offset);
    return decodeRecord<T>(buf);
  }
  private append(records: Buffer[]) {
    const all = records.length === 1 ? records[0]! : Buffer.concat(records);
    let written = 0;
    while (written < all.length) written += writeSync(this.fd, all, written, all.length - written);
    const start = this.end;
    this.end += all.length;
    return start;
  }
  write(docs: readonly T[]) {
    const records = docs.map((d) => encodeRecord(OP_PUT_FIELDS, d._id, d as unknown as Record<string, unknown>));
    let offset = this.append(records);
    records.forEach((r, i) => {
      const id = docs[i]!._id;
      const prev = this.keydir.get(id);
      if (prev) this.garbage += prev.length;
      this.keydir.set(id, offset, r.length);
      offset += r.length;
    });
  }
  remove(ids: readonly string[]) {
    const present = ids.filter((id) => this.keydir.has(id));
    if (present.length === 0) return;
    this.append(present.map((id) => encodeRecord(OP_DELETE, id)));
    for (const id of present) {
      this.garbage += this.keydir.get(id)!.length;
      this.keydir.delete(id);
    }
  }
  ids() {
    return this.keydir.keys();
  }
  size() {
    return this.keydir.size;
  }
  *all(fieldSet?: ReadonlySet<string>) {
    // A log without garbage holds only live records: no need to decode the id and look it up.
    const live = this.garbage > 0 ? (record: Buffer, offset: number) => this.keydir.offsetOf(recordId(record)) === offset : undefined;
    yield* scanLog<T>(this.fd, this.end, fieldSet && new FieldSelection(fieldSet), live);
  }
  view(): LogView {
    let liveOffsets: Float64Array | undefined;
    if (this.garbage > 0) {
      liveOffsets = new Float64Array(this.keydir.size);
      let i = 0;
      for (const [, loc] of this.keydir.entries()) liveOffsets[i++] = loc.offset;
      liveOffsets.sort();
    }
    return { path: this.path, end: this.end, count: this.keydir.size, liveOffsets };
  }
  compact() {
    const tmp = `${this.path}.compact`;
    const out = openSync(tmp, 'w');
    const next = new KeyDirectory();
    let pos = 0;
    for (const [id, loc] of this.keydir.entries()) {
      let buf: Buffer = Buffer.allocUnsafe(loc.length);
      readSync(this.fd, buf, 0, loc.length, loc.offset);
      if (loc.legacy) buf = encodeRecord(OP_PUT_FIELDS, id, decodeRecord<Record<string, unknown>>(buf));
      writeSync(out, buf);
      next.set(id, pos, buf.length);
      pos += buf.length;
    }
    fsyncSync(out);
    closeSync(out);
    closeSync(this.fd);
    renameSync(tmp, this.path);
    this.fd = openSync(this.path, 'a+');
    this.keydir = next;
    this.end = pos;
    this.garbage = 0;
    this.legacy = 0;
  }
  close() {
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }
}

interface EqualityIndex {
  fields: string[];
  unique: boolean;
  entries: Map<string, Set<string>>;
}

function indexKey(fields: string[], doc: unknown): string[] {
  // Multikey on single-field indexes over arrays, as MongoDB does.
  const values = fields.map((f) => f.split('.').reduce<unknown>((cur, p) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined), doc));
  if (fields.length === 1 && Array.isArray(values[0])) return (values[0] as unknown[]).map((v) => JSON.stringify([v ?? null]));
  return [JSON.stringify(values.map((v) => (v === undefined ? null : v instanceof Date ? { $date: v.getTime() } : v)))];
}

class EmbeddedCollection<T extends Doc> implements Collection<T> {
  private indexes: EqualityIndex[] = [];

  constructor(
    readonly name: string,
    private readonly backing: Backing<T>,
  ) {}

  // -- indexes ------------------------------------------------------------------------------

  private indexAdd(doc: T) {
    for (const idx of this.indexes) {
      for (const key of indexKey(idx.fields, doc)) {
        let set = idx.entries.get(key);
        if (!set) idx.entries.set(key, (set = new Set()));
        set.add(doc._id);
      }
    }
  }
  private indexRemove(doc: T) {
    for (const idx of this.indexes) {
      for (const key of indexKey(idx.fields, doc)) {
        const set = idx.entries.get(key);
        set?.delete(doc._id);
        if (set?.size === 0) idx.entries.delete(key);
      }
    }
  }
  private checkUnique(doc: T) {
    for (const idx of this.indexes) {
      if (!idx.unique) continue;
      for (const key of indexKey(idx.fields, doc)) {
        const holders = idx.entries.get(key);
        if (holders && [...holders].some((id) => id !== doc._id)) throw new DuplicateKeyError(this.name, `${idx.fields.join(',')}=${key}`);
      }
    }
  }

  /** Candidate ids for a filter: by _id, by an equality index, or every id. */
  private candidates(filter: Filter | undefined): Iterable<string> | undefined {
    if (!filter) return undefined;
    const id = filter._id;
    if (typeof id === 'string') return [id];
    if (id && typeof id === 'object' && Array.isArray((id as { $in?: unknown[] }).$in)) {
      return ((id as { $in: unknown[] }).$in).filter((x): x is string => typeof x === 'string');
    }
    for (const idx of this.indexes) {
      const values = idx.fields.map((f) => equalityValue(filter, f));
      if (values.every((v) => v.ok)) {
        const key = JSON.stringify(values.map((v) => (v as { value: unknown }).value));
        return [...(idx.entries.get(key) ?? [])];
      }
    }
    return undefined;
  }

  private *matching(filter: Filter | undefined): Generator<T> {
    assertFilter(filter);
    const ids = this.candidates(filter);
    if (ids === undefined) {
      if (!filter || Object.keys(filter).length === 0) {
        yield* this.backing.all();
        return;
      }
      // Without an index the filter is tested on the fields it names alone (a file-backed store decodes
      // nothing else), and only matches are read whole: a selective query over 500K documents (catch-up
      // by `seq`) no longer decodes every one. Re-tested whole, in case it was rewritten in between.
      for (const probe of this.backing.all(filterFields(filter))) {
        if (!matches(probe, filter)) continue;
        const doc = this.backing.read(probe._id);
        if (doc && matches(doc, filter)) yield doc;
      }
      return;
    }
    for (const id of ids) {
      const doc = this.backing.read(id);
      if (doc && matches(doc, filter)) yield doc;
    }
  }

  private store(docs: T[]) {
    for (const doc of docs) this.checkUnique(doc);
    if (this.indexes.length) {
      for (const doc of docs) {
        const prev = this.backing.read(doc._id);
        if (prev) this.indexRemove(prev);
      }
    }
    this.backing.write(docs);
    for (const doc of docs) this.indexAdd(doc);
  }

  // -- Collection ---------------------------------------------------------------------------

  async get(id: string) {
    return this.backing.read(id) ?? null;
  }
  async getMany(ids: readonly string[]) {
    const out: T[] = [];
    for (const id of ids) {
      const d = this.backing.read(id);
      if (d) out.push(d);
    }
    return out;
  }
  async insert(doc: T) {
    const d = clean(doc);
    assertDocument(d);
    if (this.backing.has(d._id)) throw new DuplicateKeyError(this.name, d._id);
    this.store([d]);
  }
  async put(doc: T) {
    const d = clean(doc);
    assertDocument(d);
    this.store([d]);
  }
  async putMany(docs: readonly T[]) {
    if (docs.length === 0) return;
    const cleaned = docs.map((d) => clean(d));
    cleaned.forEach((d, i) => assertDocument(d, `documents[${i}]`));
    // Within one call the last write of an id wins, as with an unordered bulk write of replaces.
    this.store(cleaned);
  }
  private firstMatch(filter: Filter, sort?: SortSpec): T | undefined {
    const all = [...this.matching(filter)];
    if (all.length === 0) return undefined;
    return all.sort(sortComparator(sort))[0];
  }
  private modify(before: T, update: Update, inserting: boolean): { after: T; changed: boolean } {
    const after = applyUpdate(before, update, inserting);
    if (after._id !== before._id) throw new InvalidDocumentError('_id cannot be changed');
    assertDocument(after);
    const changed = inserting || !Buffer.from(serialize(after)).equals(Buffer.from(serialize(before)));
    if (changed) this.store([after]);
    return { after, changed };
  }
  private seed(filter: Filter, update: Update): T {
    const seed = upsertSeed(filter);
    if (typeof seed._id !== 'string') seed._id = (update.$setOnInsert?._id as string | undefined) ?? newId();
    return seed as T;
  }
  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const doc = this.firstMatch(filter);
    if (doc) {
      const { changed } = this.modify(doc, update, false);
      return { matched: 1, modified: changed ? 1 : 0 };
    }
    if (!options.upsert) return { matched: 0, modified: 0 };
    const seed = this.seed(filter, update);
    if (this.backing.has(seed._id)) throw new DuplicateKeyError(this.name, seed._id);
    this.modify(seed, update, true);
    return { matched: 0, modified: 0, upsertedId: seed._id };
  }
  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    const docs = [...this.matching(filter)];
    let modified = 0;
    for (const doc of docs) if (this.modify(doc, update, false).changed) modified += 1;
    return { matched: docs.length, modified };
  }
  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { sort?: SortSpec; upsert?: boolean; returnDocument?: 'before' | 'after' } = {},
  ): Promise<T | null> {
    const doc = this.firstMatch(filter, options.sort);
    if (doc) {
      const { after } = this.modify(doc, update, false);
      return options.returnDocument === 'after' ? after : doc;
    }
    if (!options.upsert) return null;
    const seed = this.seed(filter, update);
    if (this.backing.has(seed._id)) throw new DuplicateKeyError(this.name, seed._id);
    const { after } = this.modify(seed, update, true);
    return options.returnDocument === 'after' ? after : null;
  }
  async delete(id: string) {
    const prev = this.backing.read(id);
    if (!prev) return false;
    this.indexRemove(prev);
    this.backing.remove([id]);
    return true;
  }
  async deleteMany(filter: Filter) {
    const docs = [...this.matching(filter)];
    for (const d of docs) this.indexRemove(d);
    this.backing.remove(docs.map((d) => d._id));
    return docs.length;
  }
  async find(filter?: Filter, options: FindOptions = {}) {
    let docs = [...this.matching(filter)];
    if (options.sort || options.skip || options.limit) docs.sort(sortComparator(options.sort));
    if (options.skip) docs = docs.slice(options.skip);
    if (options.limit) docs = docs.slice(0, options.limit);
    return docs;
  }
  async *scan(filter?: Filter, options: ScanOptions = {}): AsyncIterable<T> {
    const every = options.batchSize ?? 1000;
    const fields = options.fields ? new Set(['_id', ...options.fields]) : undefined;
    const unfiltered = !filter || Object.keys(filter).length === 0;
    // Without a filter the projection is applied while decoding: unread fields are never parsed.
    const docs = fields && unfiltered ? this.backing.all(fields) : this.projected(this.matching(filter), fields);
    let n = 0;
    for (const doc of docs) {
      yield doc;
      // Let other work run during long scans (index builds over 500K documents).
      if (++n % every === 0) await yieldToLoop();
    }
  }
  private *projected(docs: Iterable<T>, fields: ReadonlySet<string> | undefined): Generator<T> {
    for (const doc of docs) yield fields ? project(doc, fields) : doc;
  }
  logView(): LogView | undefined {
    return this.backing.view?.();
  }
  async count(filter?: Filter) {
    if (!filter || Object.keys(filter).length === 0) return this.backing.size();
    let n = 0;
    for (const _ of this.matching(filter)) n += 1;
    return n;
  }
  async createIndex(keys: SortSpec, options: { unique?: boolean } = {}) {
    const fields = Object.keys(keys);
    if (fields.length === 0) throw new InvalidDocumentError('an index needs at least one field');
    if (fields.length === 1 && fields[0] === '_id') return;
    if (this.indexes.some((i) => i.fields.join() === fields.join())) return;
    const idx: EqualityIndex = { fields, unique: Boolean(options.unique), entries: new Map() };
    for (const doc of this.backing.all()) {
      for (const key of indexKey(fields, doc)) {
        let set = idx.entries.get(key);
        if (!set) idx.entries.set(key, (set = new Set()));
        if (idx.unique && set.size > 0) throw new DuplicateKeyError(this.name, `${fields.join(',')}=${key}`);
        set.add(doc._id);
      }
    }
    this.indexes.push(idx);
  }

  close() {
    this.backing.close();
  }
}

export interface EmbeddedStoreOptions {
  /** Directory for the collection logs; omit for a memory-only store. */
  dir?: string;
}

export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  readonly location: string;
  private collections = new Map<string, EmbeddedCollection<Doc>>();
  private closed = false;
  private lockPath?: string;

  constructor(private readonly options: EmbeddedStoreOptions = {}) {
    this.location = options.dir ?? 'memory';
    if (options.dir) {
      mkdirSync(options.dir, { recursive: true });
      this.lockPath = join(options.dir, 'LOCK');
      this.acquireLock(this.lockPath);
    }
  }

  private acquireLock(path: string) {
    if (existsSync(path)) {
      const pid = Number(readFileSync(path, 'utf8').trim());
      let alive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (alive) throw new Error(`embedded store ${this.options.dir} is in use by process ${pid}; use MONGODB_URI to share data between processes`);
    }
    writeFileSync(path, String(process.pid));
  }

  collection<T extends Doc>(name: string): Collection<T> {
    if (this.closed) throw new Error('store is closed');
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new InvalidDocumentError(`invalid collection name ${JSON.stringify(name)}`);
    let c = this.collections.get(name);
    if (!c) {
      const backing = this.options.dir ? new LogBacking<Doc>(join(this.options.dir, `${name}.log`)) : new MemoryBacking<Doc>();
      c = new EmbeddedCollection<Doc>(name, backing);
      this.collections.set(name, c);
    }
    return c as unknown as Collection<T>;
  }

  async ping() {
    if (this.closed) throw new Error('store is closed');
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.collections.values()) c.close();
    if (this.lockPath) {
      try {
        unlinkSync(this.lockPath);
      } catch {
        // already gone
      }
    }
  }
}
