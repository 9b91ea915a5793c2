// The store interface every service uses. It is a deliberately small subset of MongoDB's document
// model so the embedded store (the default for a one-command local run) and MongoDB behave alike;
// the same test suite runs against both.

/** Every document has a string `_id`. Field names must not start with "$" or contain ".". */
export type Doc = { _id: string };

/** Comparison operators usable on one field. */
export interface FieldCondition {
  $eq?: unknown;
  $ne?: unknown;
  $gt?: unknown;
  $gte?: unknown;
  $lt?: unknown;
  $lte?: unknown;
  $in?: unknown[];
  $nin?: unknown[];
  $exists?: boolean;
}

/**
 * A query: field paths (dot notation for nested fields) mapped to a value (equality; null matches
 * missing or null) or a FieldCondition; `$and` / `$or` combine sub-queries.
 */
export type Filter = { [path: string]: unknown; $and?: Filter[]; $or?: Filter[] };

export interface Update {
  /** Set fields (dot paths allowed). */
  $set?: Record<string, unknown>;
  /** Remove fields. */
  $unset?: Record<string, true | 1 | ''>;
  /** Add to numeric fields (missing counts as 0). */
  $inc?: Record<string, number>;
  /** Set only when the update inserts a new document. */
  $setOnInsert?: Record<string, unknown>;
}

export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
}

export interface ScanOptions {
  /** Documents fetched per round trip (MongoDB) or between yields to the event loop (embedded). */
  batchSize?: number;
  /** Top-level fields to return (`_id` always is); all when omitted. */
  fields?: readonly string[];
}

export interface UpdateResult {
  matched: number;
  modified: number;
  upsertedId?: string;
}

/**
 * A frozen, read-only view of a file-backed collection's log: what another thread needs to scan the
 * collection without the collection object (the matching service decodes its suppliers on a worker
 * thread this way while the main thread indexes them).
 */
export interface LogView {
  path: string;
  /** Bytes of the log when the view was taken: later appends are not part of it. */
  end: number;
  /** Live documents in the view. */
  count: number;
  /** Offsets of the live records, ascending, when the log also holds superseded records. */
  liveOffsets?: Float64Array;
}

export interface Collection<T extends Doc> {
  readonly name: string;
  get(id: string): Promise<T | null>;
  /** The documents that exist among `ids`, in the order of `ids`. */
  getMany(ids: readonly string[]): Promise<T[]>;
  /** Inserts a new document; fails with DuplicateKeyError when the id (or a unique index) exists. */
  insert(doc: T): Promise<void>;
  /** Inserts or replaces by `_id`. */
  put(doc: T): Promise<void>;
  /** Inserts or replaces many by `_id` (unordered bulk write). */
  putMany(docs: readonly T[]): Promise<void>;
  /** Updates the first document matching `filter` (in `_id` order), optionally inserting one. */
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update): Promise<UpdateResult>;
  /**
   * Atomically updates the first match (by `sort`, else `_id`) and returns it — the building block for
   * leases and claims shared by several replicas.
   */
  findOneAndUpdate(
    filter: Filter,
    update: Update,
    options?: { sort?: SortSpec; upsert?: boolean; returnDocument?: 'before' | 'after' },
  ): Promise<T | null>;
  delete(id: string): Promise<boolean>;
  deleteMany(filter: Filter): Promise<number>;
  find(filter?: Filter, options?: FindOptions): Promise<T[]>;
  /** Streams every match without holding them all (for index builds over large collections). */
  scan(filter?: Filter, options?: { batchSize?: number }): AsyncIterable<T>;
  /**
   * The same with a projection: only the named top-level fields (and `_id`) are read and returned,
   * which is what makes a scan over large documents fast when a caller needs a few fields.
   */
  scan<K extends keyof T & string>(filter: Filter | undefined, options: ScanOptions & { fields: readonly K[] }): AsyncIterable<Pick<T, K | '_id'>>;
  count(filter?: Filter): Promise<number>;
  /**
   * Embedded file-backed collections only: a frozen view of the collection's log that a worker thread
   * can scan with `readLogView` (from `@clarity/kit/store/embedded`) — parallel bulk reads.
   */
  logView?(): LogView | undefined;
  /** Declares an index (idempotent). The embedded store uses equality indexes to answer filters faster. */
  createIndex(keys: SortSpec, options?: { unique?: boolean; name?: string }): Promise<void>;
}

export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  /** Human-readable location (file directory, "memory", or the redacted MongoDB URI). */
  readonly location: string;
  collection<T extends Doc>(name: string): Collection<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DuplicateKeyError extends Error {
  constructor(collection: string, key: string) {
    super(`duplicate key in ${collection}: ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

export class InvalidDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDocumentError';
  }
}
