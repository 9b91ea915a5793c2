// Keeps a replica's in-memory index equal to the store without full rebuilds.
//
// Writers reserve change-sequence numbers from a counter, then write their documents. This replica
// applies its own writes directly and polls for the rest: it reads the counter; when everything up to
// it was written by this replica, there is nothing to fetch; otherwise it fetches documents with
// seq > W (its watermark) and applies each one whose seq is newer than what the index holds. W only
// advances to a counter value read at least `settleMs` ago, so a number reserved by a slow writer is
// still fetched once its document lands. Deletions arrive as tombstones.
import type { Logger } from '@clarity/kit';
import { indexEntryOf, type SupplierDoc } from '../domain/supplier.js';
import type { SupplierIndex } from '../domain/supplier-index.js';
import type { SupplierStore } from './supplier-store.js';

export interface IndexSyncOptions {
  intervalMs: number;
  settleMs: number;
  logger?: Logger;
}

export interface BuildStats {
  seconds: number;
  suppliers: number;
  tombstones: number;
  builtTime: Date;
  /** Where the index came from: every document of the store, or a snapshot caught up from it. */
  source: 'store' | 'snapshot';
  /** For a snapshot: whether it came from a local file or from the store (shared by replicas). */
  snapshot?: 'file' | 'store';
}

const PAGE = 5000;

export class IndexSync {
  private watermark = 0;
  private readonly samples: Array<[number, number]> = [];
  private own: Array<[number, number]> = [];
  private timer?: NodeJS.Timeout;
  private polling?: Promise<unknown>;
  private stopped = false;
  lastSyncTime?: Date;
  build?: BuildStats;

  constructor(
    private readonly store: SupplierStore,
    private readonly index: SupplierIndex,
    private readonly options: IndexSyncOptions,
  ) {}

  /** Loads every live supplier into the index. */
  async buildIndex(): Promise<BuildStats> {
    const started = performance.now();
    const t0 = Date.now();
    const counterAtStart = await this.store.currentSeq();
    let oldestSafe = 0;
    let suppliers = 0;
    let tombstones = 0;
    this.index.beginBuild();
    for await (const doc of this.store.scanAll()) {
      if (doc.updateTime instanceof Date && doc.updateTime.getTime() < t0 - this.options.settleMs && doc.seq > oldestSafe) oldestSafe = doc.seq;
      if (doc.deleted) {
        tombstones += 1;
        continue;
      }
      this.index.upsert(indexEntryOf(doc));
      suppliers += 1;
    }
    this.index.freeze();
    // Documents written while the scan ran may have been missed: the first poll re-reads everything
    // reserved after the last change that was already settled when the scan began. A file-backed
    // embedded store has no other writer.
    this.watermark = this.store.exclusive ? counterAtStart : Math.min(oldestSafe, counterAtStart);
    this.samples.push([t0, counterAtStart]);
    this.index.updatesApplied = 0;
    this.lastSyncTime = new Date();
    this.build = { seconds: (performance.now() - started) / 1000, suppliers, tombstones, builtTime: new Date(), source: 'store' };
    return this.build;
  }

  /** The sync's watermark: every change at or below it is in the index. */
  get safeWatermark(): number {
    return this.watermark;
  }

  /**
   * Catches up an index restored from a snapshot taken at `watermark`: applies every change written
   * after it (tombstones included) without reading the rest of the store.
   */
  async catchUp(watermark: number): Promise<BuildStats & { applied: number }> {
    const started = performance.now();
    const t0 = Date.now();
    const counter = await this.store.currentSeq();
    let applied = 0;
    let after = watermark;
    // A store only this process writes, unchanged since the snapshot: nothing to read.
    const unchanged = this.store.exclusive && counter === watermark;
    while (!unchanged) {
      const page = await this.store.changesAfter(after, PAGE);
      for (const doc of page) if (this.apply(doc)) applied += 1;
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    // As after a build: another replica's reserved numbers may land late, so the poller keeps
    // re-reading from the snapshot's watermark until the counter read now has settled.
    this.watermark = this.store.exclusive ? counter : watermark;
    this.samples.push([t0, counter]);
    // Counted as changes since the snapshot, so that shutdown writes a fresh one.
    this.index.updatesApplied = applied;
    this.lastSyncTime = new Date();
    this.build = { seconds: (performance.now() - started) / 1000, suppliers: this.index.supplierCount, tombstones: 0, builtTime: new Date(), source: 'snapshot' };
    return { ...this.build, applied };
  }

  /** Records a sequence range this replica wrote and already applied to its index. */
  recordOwn(range: [number, number] | undefined): void {
    if (!range) return;
    this.own.push(range);
  }

  /** Applies documents written by this replica. */
  applyOwn(docs: readonly SupplierDoc[], range: [number, number] | undefined): void {
    for (const d of docs) this.apply(d);
    this.recordOwn(range);
    this.scheduleCompaction();
  }

  private compaction?: Promise<boolean>;

  /**
   * Drops the index's dead variants once they pile up (changed and deleted suppliers), from memory, on
   * a later turn of the event loop so the write that caused it answers first.
   */
  scheduleCompaction(): Promise<boolean> {
    this.compaction ??= new Promise<boolean>((resolve) =>
      setImmediate(() => {
        this.compaction = undefined;
        resolve(this.index.compactIfNeeded());
      }),
    );
    return this.compaction;
  }

  apply(doc: SupplierDoc): boolean {
    return doc.deleted ? this.index.remove(doc._id, doc.seq) : this.index.upsert(indexEntryOf(doc));
  }

  start(): void {
    if (this.options.intervalMs <= 0 || this.stopped) return;
    this.timer = setInterval(() => {
      if (this.polling) return;
      this.polling = this.poll()
        .catch((err: unknown) => this.options.logger?.warn({ err }, 'index sync poll failed; retrying'))
        .finally(() => (this.polling = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
  }

  /** One synchronization round (also callable directly, e.g. by tests). */
  async poll(): Promise<number> {
    const now = Date.now();
    const counter = await this.store.currentSeq();
    this.samples.push([now, counter]);
    // The newest counter value read at least settleMs ago: everything up to it has been written.
    let settled = this.watermark;
    while (this.samples.length > 1 && this.samples[1]![0] <= now - this.options.settleMs) this.samples.shift();
    if (this.samples[0]![0] <= now - this.options.settleMs) settled = Math.max(settled, this.samples[0]![1]);
    let applied = 0;
    if (counter > this.watermark && !this.coveredByOwn(this.watermark, counter)) {
      let after = this.watermark;
      for (;;) {
        const page = await this.store.changesAfter(after, PAGE);
        for (const doc of page) if (this.apply(doc)) applied += 1;
        if (page.length < PAGE || this.stopped) break;
        after = page[page.length - 1]!.seq;
      }
      this.watermark = Math.max(this.watermark, Math.min(settled, counter));
    } else {
      this.watermark = Math.max(this.watermark, counter);
    }
    this.own = this.own.filter(([, to]) => to > this.watermark);
    this.lastSyncTime = new Date();
    if (applied > 0) void this.scheduleCompaction();
    return applied;
  }

  private coveredByOwn(from: number, to: number): boolean {
    // Is every number in (from, to] inside a range this replica wrote?
    const ranges = [...this.own].sort((a, b) => a[0] - b[0]);
    let next = from + 1;
    for (const [a, b] of ranges) {
      if (b < next) continue;
      if (a > next) return false;
      next = b + 1;
      if (next > to) return true;
    }
    return next > to;
  }
}
