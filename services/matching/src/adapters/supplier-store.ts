// The supplier network in the store (embedded or MongoDB): one document per supplier keyed by its
// stable id, a change sequence allocated from a counter document (so replicas can poll "what changed
// after N"), and tombstones for deletions.
import { randomUUID } from 'node:crypto';
import type { Collection, Store, store } from '@clarity/kit';
import { contentHash, emptyAddress, INDEXED_FIELDS, packIndexed, supplierId, type IndexedDoc, type SupplierDoc, type SupplierRecord } from '../domain/supplier.js';

interface Counter {
  _id: string;
  value: number;
}

export interface UpsertOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  /** The documents written (inserts and updates), with their new sequence numbers. */
  written: SupplierDoc[];
  /** The sequence range reserved for them ([first, last]; empty when nothing changed). */
  seqRange?: [number, number];
}

const SEQ_COUNTER = 'supplier_seq';

export class SupplierStore {
  readonly suppliers: Collection<SupplierDoc>;
  private readonly counters: Collection<Counter>;

  constructor(readonly store: Store) {
    this.suppliers = store.collection<SupplierDoc>('suppliers');
    this.counters = store.collection<Counter>('matching_counters');
  }

  /** True when no other process can write this store (a file-backed embedded store holds a lock). */
  get exclusive(): boolean {
    return this.store.kind === 'embedded' && this.store.location !== 'memory';
  }

  async init(): Promise<void> {
    // MongoDB answers "seq > N" from this index. The embedded store only has equality indexes, which
    // would cost memory for nothing: its poller never needs to query (see IndexSync).
    if (this.store.kind === 'mongodb') await this.suppliers.createIndex({ seq: 1 }, { name: 'seq' });
  }

  /**
   * A random identity of this store, created on first use: an index snapshot is only valid for the
   * store it was taken from.
   */
  async storeId(): Promise<string> {
    const meta = this.store.collection<{ _id: string; value: string }>('matching_meta');
    const existing = await meta.get('store_id');
    if (existing) return existing.value;
    try {
      await meta.insert({ _id: 'store_id', value: randomUUID() });
    } catch {
      // Another replica created it first.
    }
    return (await meta.get('store_id'))!.value;
  }

  /** The highest sequence number reserved so far (0 when none). */
  async currentSeq(): Promise<number> {
    return (await this.counters.get(SEQ_COUNTER))?.value ?? 0;
  }

  /** Reserves `n` consecutive sequence numbers; returns the first. */
  async reserveSeq(n: number): Promise<number> {
    const after = await this.counters.findOneAndUpdate({ _id: SEQ_COUNTER }, { $inc: { value: n } }, { upsert: true, returnDocument: 'after' });
    return after!.value - n + 1;
  }

  async get(id: string): Promise<SupplierDoc | null> {
    const doc = await this.suppliers.get(id);
    return doc && !doc.deleted ? doc : null;
  }

  async getMany(ids: readonly string[]): Promise<SupplierDoc[]> {
    return (await this.suppliers.getMany(ids)).filter((d) => !d.deleted);
  }

  /**
   * Writes the records that are new or changed (compared by content hash with what is stored) and
   * leaves identical ones alone: re-importing a file changes nothing. With `dryRun` only counts.
   */
  async upsertBatch(records: readonly SupplierRecord[], options: { dryRun?: boolean; now?: Date } = {}): Promise<UpsertOutcome> {
    const now = options.now ?? new Date();
    const ids = records.map((r) => supplierId(r.source, r.sourceId));
    const stored = new Map((await this.suppliers.getMany(ids)).map((d) => [d._id, d]));
    let inserted = 0;
    let updated = 0;
    let unchanged = 0;
    const written: SupplierDoc[] = [];
    records.forEach((r, i) => {
      const id = ids[i]!;
      const hash = contentHash(r);
      const prev = stored.get(id);
      if (prev && !prev.deleted && prev.hash === hash) {
        unchanged += 1;
        return;
      }
      if (prev && !prev.deleted) updated += 1;
      else inserted += 1;
      written.push({
        _id: id,
        ...r,
        hash,
        createTime: prev && !prev.deleted ? prev.createTime : now,
        updateTime: now,
        seq: 0,
        indexed: packIndexed(r),
      });
    });
    if (options.dryRun || written.length === 0) return { inserted, updated, unchanged, written: options.dryRun ? [] : written };
    const first = await this.reserveSeq(written.length);
    written.forEach((d, i) => (d.seq = first + i));
    await this.suppliers.putMany(written);
    return { inserted, updated, unchanged, written, seqRange: [first, first + written.length - 1] };
  }

  /** Replaces the supplier by a tombstone. Returns it, or null when there was no such supplier. */
  async delete(id: string, now = new Date()): Promise<SupplierDoc | null> {
    const prev = await this.suppliers.get(id);
    if (!prev || prev.deleted) return null;
    const seq = await this.reserveSeq(1);
    const tombstone: SupplierDoc = {
      _id: id,
      source: prev.source,
      sourceId: prev.sourceId,
      name: '',
      aliases: [],
      address: emptyAddress(),
      identifiers: [],
      industryCodes: [],
      payeeType: 0,
      payeeSubtype: 0,
      attributes: {},
      synthetic: prev.synthetic,
      hash: '',
      createTime: prev.createTime,
      updateTime: now,
      seq,
      deleted: true,
    };
    await this.suppliers.put(tombstone);
    return tombstone;
  }

  /** A file-backed embedded store's log view of the suppliers, for a worker-thread scan (else undefined). */
  logView(): store.LogView | undefined {
    return this.suppliers.logView?.();
  }

  /** Every document, tombstones included, with the fields a rebuild reads (INDEXED_FIELDS). */
  scanAll(): AsyncIterable<IndexedDoc> {
    return this.suppliers.scan(undefined, { batchSize: 2000, fields: INDEXED_FIELDS });
  }

  /** Documents changed after `seq`, in sequence order. */
  async changesAfter(seq: number, limit: number): Promise<SupplierDoc[]> {
    // On the embedded store (no range index) the filter is tested on `seq` alone, and only the changed
    // documents are decoded whole: catch-up at 424K costs a scan of one field, not a rebuild.
    return this.suppliers.find({ seq: { $gt: seq } }, { sort: { seq: 1 }, limit });
  }
}
