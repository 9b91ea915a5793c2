// Keeps a replica's in-memory index equal to the store without full rebuilds.
//
// Writers reserve change-sequence numbers from a counter, then write their documents. This replica
// applies its own writes directly and polls for the rest: it reads the counter; when everything up to
// it was written by this replica, there is nothing to fetch; otherwise it fetches documents with
// seq > W (its watermark) and applies each one whose seq is newer than what the index holds. W only
// advances to a counter value read at least `settleMs` ago, so a number reserved by a slow writer is
// still fetched once its document lands. Deletions arrive as tombstones.
import { Worker } from 'node:worker_threads';
import type { Logger, store } from '@clarity/kit';
import { indexEntryOf, indexEntryOfIndexed, type SupplierDoc } from '../domain/supplier.js';
import type { SupplierIndex } from '../domain/supplier-index.js';
import type { SupplierStore } from './supplier-store.js';
import { unpackBatch, type PackedBatch } from './packed-entries.js';

export interface IndexSyncOptions {
  intervalMs: number;
  settleMs: number;
  /** Full rebuilds of at least this many suppliers from a file-backed store use a decoding worker (0 = never). */
  buildWorkerMinSuppliers?: number;
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
  /** For a full build: whether a worker thread decoded the documents. */
  worker?: boolean;
}

const PAGE = 5000;

interface ScanTotals {
  suppliers: number;
  tombstones: number;
  /** The newest change sequence already settled when the scan began. */
  oldestSafe: number;
  /** Live documents without a usable `indexed` field, to be read whole. */
  readWhole: string[];
}

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
    const minForWorker = this.options.buildWorkerMinSuppliers ?? 0;
    const view = minForWorker > 0 ? this.store.logView() : undefined;
    this.index.beginBuild();
    let scanned: ScanTotals | undefined;
    let worker = false;
    if (view && view.count >= minForWorker) {
      try {
        scanned = await this.scanWithWorker(view, t0);
        worker = true;
      } catch (err) {
        // Only a worker that failed before sending anything may fall back: the index is still empty.
        if (this.index.supplierCount > 0 || this.index.termCount > 0) throw err;
        this.options.logger?.warn({ err }, 'index build worker failed to start; building on the main thread');
      }
    }
    scanned ??= await this.scanOnMainThread(t0);
    // Documents stored before the `indexed` field existed: read whole.
    for (let i = 0; i < scanned.readWhole.length; i += PAGE) {
      for (const doc of await this.store.getMany(scanned.readWhole.slice(i, i + PAGE))) {
        this.index.upsert(indexEntryOf(doc));
        scanned.suppliers += 1;
      }
    }
    if (scanned.readWhole.length > 0) {
      this.options.logger?.info({ documents: scanned.readWhole.length }, 'suppliers stored without the index projection were read whole (re-import them to speed up rebuilds)');
    }
    this.index.freeze();
    // Documents written while the scan ran may have been missed: the first poll re-reads everything
    // reserved after the last change that was already settled when the scan began. A file-backed
    // embedded store has no other writer.
    this.watermark = this.store.exclusive ? counterAtStart : Math.min(scanned.oldestSafe, counterAtStart);
    this.samples.push([t0, counterAtStart]);
    this.index.updatesApplied = 0;
    this.lastSyncTime = new Date();
    this.build = { seconds: (performance.now() - started) / 1000, suppliers: scanned.suppliers, tombstones: scanned.tombstones, builtTime: new Date(), source: 'store', worker };
    return this.build;
  }

  private async scanOnMainThread(t0: number): Promise<ScanTotals> {
    const totals: ScanTotals = { suppliers: 0, tombstones: 0, oldestSafe: 0, readWhole: [] };
    for await (const doc of this.store.scanAll()) {
      this.noteSettled(totals, doc.updateTime instanceof Date ? doc.updateTime.getTime() : NaN, doc.seq, t0);
      if (doc.deleted) {
        totals.tombstones += 1;
        continue;
      }
      const entry = indexEntryOfIndexed(doc);
      if (!entry) {
        totals.readWhole.push(doc._id);
        continue;
      }
      this.index.upsert(entry);
      totals.suppliers += 1;
    }
    return totals;
  }

  /**
   * The same scan with decoding and name normalization on a worker thread (index-build-worker.ts):
   * the main thread only fills the index from packed batches, acknowledging each so the worker stays
   * at most a few batches ahead.
   */
  private scanWithWorker(view: store.LogView, t0: number): Promise<ScanTotals> {
    const totals: ScanTotals = { suppliers: 0, tombstones: 0, oldestSafe: 0, readWhole: [] };
    const worker = new Worker(new URL('./index-build-worker.js', import.meta.url), { workerData: { view, batchSize: 2000 } });
    return new Promise<ScanTotals>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        reject(err);
      };
      worker.on('message', (m: PackedBatch | { done: true }) => {
        if (settled) return;
        if ('done' in m) {
          settled = true;
          resolve(totals);
          return;
        }
        try {
          this.index.appendTokens(m.firstNewId, m.newTokens);
          unpackBatch(m, (r) => {
            this.noteSettled(totals, r.updateTimeMs, r.seq, t0);
            if (r.readWhole) {
              totals.readWhole.push(r.id);
              return;
            }
            if (!r.entry) {
              totals.tombstones += 1;
              return;
            }
            this.index.upsertInterned(r.entry, r.variants);
            totals.suppliers += 1;
          });
          worker.postMessage(0);
        } catch (err) {
          fail(err);
        }
      });
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`index build worker exited with code ${code} before finishing`)));
    });
  }

  private noteSettled(totals: ScanTotals, updateTimeMs: number, seq: number, t0: number): void {
    if (updateTimeMs < t0 - this.options.settleMs && seq > totals.oldestSafe) totals.oldestSafe = seq;
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
