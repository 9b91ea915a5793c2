// The MongoDB store, through the official driver. Works with MongoDB and MongoDB-wire servers such as
// FerretDB (which the integration tests use).
import { MongoClient, MongoServerError, type Collection as MongoCollection, type Db, type Document } from 'mongodb';
import { assertDocument, assertFilter, clean, newId } from './query.js';
import {
  DuplicateKeyError,
  type Collection,
  type Doc,
  type Filter,
  type FindOptions,
  type SortSpec,
  type Store,
  type ScanOptions,
  type Update,
  type UpdateResult,
} from './types.js';

const isDuplicate = (err: unknown) => err instanceof MongoServerError && err.code === 11000;

function toMongoUpdate(update: Update, upsert: boolean, filter: Filter): Document {
  const out: Document = {};
  if (update.$set && Object.keys(update.$set).length) out.$set = clean(update.$set);
  if (update.$unset && Object.keys(update.$unset).length) out.$unset = update.$unset;
  if (update.$inc && Object.keys(update.$inc).length) out.$inc = update.$inc;
  const onInsert = { ...(update.$setOnInsert ?? {}) };
  // Our ids are strings: never let an upsert fall back to an ObjectId.
  if (upsert && typeof filter._id !== 'string' && onInsert._id === undefined) onInsert._id = newId();
  if (Object.keys(onInsert).length) out.$setOnInsert = clean(onInsert);
  return out;
}

class MongoStoreCollection<T extends Doc> implements Collection<T> {
  constructor(private readonly c: MongoCollection<Document>) {}

  get name() {
    return this.c.collectionName;
  }
  async get(id: string) {
    return (await this.c.findOne({ _id: id as never })) as T | null;
  }
  async getMany(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const found = (await this.c.find({ _id: { $in: [...ids] as never[] } }).toArray()) as unknown as T[];
    const byId = new Map(found.map((d) => [d._id, d]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }
  async insert(doc: T) {
    const d = clean(doc);
    assertDocument(d);
    try {
      await this.c.insertOne(d as Document);
    } catch (err) {
      if (isDuplicate(err)) throw new DuplicateKeyError(this.name, d._id);
      throw err;
    }
  }
  async put(doc: T) {
    const d = clean(doc);
    assertDocument(d);
    try {
      await this.c.replaceOne({ _id: d._id as never }, d as Document, { upsert: true });
    } catch (err) {
      if (isDuplicate(err)) throw new DuplicateKeyError(this.name, d._id);
      throw err;
    }
  }
  async putMany(docs: readonly T[]) {
    if (docs.length === 0) return;
    const cleaned = docs.map((d) => clean(d));
    cleaned.forEach((d, i) => assertDocument(d, `documents[${i}]`));
    // Last write of an id wins within one call, as in the embedded store.
    const last = new Map(cleaned.map((d) => [d._id, d]));
    try {
      await this.c.bulkWrite(
        [...last.values()].map((d) => ({ replaceOne: { filter: { _id: d._id as never }, replacement: d as Document, upsert: true } })),
        { ordered: false },
      );
    } catch (err) {
      if (isDuplicate(err)) throw new DuplicateKeyError(this.name, 'bulk write');
      throw err;
    }
  }
  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    assertFilter(filter);
    try {
      const r = await this.c.updateOne(filter as Document, toMongoUpdate(update, Boolean(options.upsert), filter), {
        upsert: Boolean(options.upsert),
      });
      return {
        matched: r.matchedCount,
        modified: r.modifiedCount,
        ...(r.upsertedId != null ? { upsertedId: String(r.upsertedId) } : {}),
      };
    } catch (err) {
      if (isDuplicate(err)) throw new DuplicateKeyError(this.name, JSON.stringify(filter));
      throw err;
    }
  }
  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    assertFilter(filter);
    const r = await this.c.updateMany(filter as Document, toMongoUpdate(update, false, filter));
    return { matched: r.matchedCount, modified: r.modifiedCount };
  }
  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { sort?: SortSpec; upsert?: boolean; returnDocument?: 'before' | 'after' } = {},
  ): Promise<T | null> {
    assertFilter(filter);
    try {
      return (await this.c.findOneAndUpdate(filter as Document, toMongoUpdate(update, Boolean(options.upsert), filter), {
        sort: { ...(options.sort ?? {}), _id: 1 },
        upsert: Boolean(options.upsert),
        returnDocument: options.returnDocument ?? 'before',
        includeResultMetadata: false,
      })) as T | null;
    } catch (err) {
      if (isDuplicate(err)) throw new DuplicateKeyError(this.name, JSON.stringify(filter));
      throw err;
    }
  }
  async delete(id: string) {
    return (await this.c.deleteOne({ _id: id as never })).deletedCount === 1;
  }
  async deleteMany(filter: Filter) {
    assertFilter(filter);
    return (await this.c.deleteMany(filter as Document)).deletedCount;
  }
  async find(filter: Filter = {}, options: FindOptions = {}) {
    assertFilter(filter);
    let cursor = this.c.find(filter as Document);
    // Sort ties break by _id, as in the embedded store.
    if (options.sort || options.skip || options.limit) cursor = cursor.sort({ ...(options.sort ?? {}), _id: 1 });
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as unknown as T[];
  }
  async *scan(filter: Filter = {}, options: ScanOptions = {}): AsyncIterable<T> {
    assertFilter(filter);
    const projection = options.fields ? Object.fromEntries(options.fields.map((f) => [f, 1])) : undefined;
    const cursor = this.c.find(filter as Document, { batchSize: options.batchSize ?? 5000, ...(projection ? { projection } : {}) });
    try {
      for await (const doc of cursor) yield doc as unknown as T;
    } finally {
      await cursor.close();
    }
  }
  async count(filter: Filter = {}) {
    assertFilter(filter);
    if (Object.keys(filter).length === 0) return this.c.estimatedDocumentCount();
    return this.c.countDocuments(filter as Document);
  }
  async createIndex(keys: SortSpec, options: { unique?: boolean; name?: string } = {}) {
    if (Object.keys(keys).length === 1 && keys._id) return;
    await this.c.createIndex(keys, { unique: Boolean(options.unique), ...(options.name ? { name: options.name } : {}) });
  }
}

export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  readonly location: string;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    uri: string,
  ) {
    this.location = uri.replace(/\/\/[^@/]*@/, '//***@');
  }

  static async connect(uri: string, database: string, options: { serverSelectionTimeoutMS?: number } = {}): Promise<MongoStore> {
    const client = new MongoClient(uri, {
      ignoreUndefined: true,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
      appName: 'clarity',
    });
    await client.connect();
    const store = new MongoStore(client, client.db(database), uri);
    await store.ping();
    return store;
  }

  collection<T extends Doc>(name: string): Collection<T> {
    return new MongoStoreCollection<T>(this.db.collection(name));
  }
  async ping() {
    await this.db.command({ ping: 1 });
  }
  async close() {
    await this.client.close();
  }
}
