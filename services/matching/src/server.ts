// Server wiring of the matching service: dependencies in, one handler per RPC, the kit's server around them.
import { createLogger, openStore, startService, unavailable, type DeadlineContext, type Logger, type RunningService, type Store } from '@clarity/kit';
import { MatchingServiceDefinition, type MatchingServiceImplementation } from '@clarity/proto/clarity/matching/v1/matching.js';
import { STORE_SNAPSHOT, type MatchingConfig } from './config.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { IndexSync } from './adapters/index-sync.js';
import { loadSnapshot, writeSnapshot } from './adapters/index-snapshot.js';
import { StoreSnapshots } from './adapters/store-snapshot.js';
import { SupplierStore } from './adapters/supplier-store.js';
import { loadCalibration, type CalibrationModel } from './domain/calibration.js';
import { Matcher } from './domain/matcher.js';
import { SupplierIndex } from './domain/supplier-index.js';
import { matchHandler } from './handlers/match.js';
import { matchBatchHandler } from './handlers/match-batch.js';
import { getSupplierHandler } from './handlers/get-supplier.js';
import { listSuppliersHandler } from './handlers/list-suppliers.js';
import { deleteSupplierHandler } from './handlers/delete-supplier.js';
import { importSuppliersHandler } from './handlers/import-suppliers.js';
import { getIndexStatsHandler } from './handlers/get-index-stats.js';

export interface MatchingDeps {
  config: MatchingConfig;
  suppliers: SupplierStore;
  index: SupplierIndex;
  matcher: Matcher;
  sync: IndexSync;
  /** Resolves once the index is loaded. */
  isReady(): boolean;
  /** Throws UNAVAILABLE while the index loads. */
  requireReady(): void;
  logger: Logger;
}

export interface StartMatchingOptions {
  config: MatchingConfig;
  /** Injected store (tests, benchmarks); the caller keeps ownership and closes it. */
  store?: Store;
  /** Calibration model (tests); the committed calibration.json otherwise. */
  calibration?: CalibrationModel;
}

export interface RunningMatchingService extends RunningService {
  /** Resolves when the index is loaded (health SERVING). */
  ready: Promise<void>;
  deps: MatchingDeps;
}

export async function startMatchingService(options: StartMatchingOptions): Promise<RunningMatchingService> {
  const store = options.store ?? (await openStore(options.config.runtime.store, 'matching'));
  const suppliers = new SupplierStore(store);
  await suppliers.init();
  const index = new SupplierIndex();
  const matcher = new Matcher(index, options.calibration ?? loadCalibration(), { poolSize: options.config.matching.poolSize });
  const logger = createLogger(options.config.runtime.service, options.config.runtime.logLevel);
  const sync = new IndexSync(suppliers, index, {
    intervalMs: options.config.matching.syncIntervalMs,
    settleMs: options.config.matching.syncSettleMs,
    buildWorkerMinSuppliers: options.config.matching.buildWorkerMinSuppliers,
    logger,
  });
  let ready = false;
  const deps: MatchingDeps = {
    config: options.config,
    suppliers,
    index,
    matcher,
    sync,
    isReady: () => ready,
    requireReady: () => {
      if (!ready) throw unavailable('the matching index is still loading; retry shortly', 1000);
    },
    logger,
  };
  const implementation: MatchingServiceImplementation<DeadlineContext> = {
    match: matchHandler(deps),
    matchBatch: matchBatchHandler(deps),
    getSupplier: getSupplierHandler(deps),
    listSuppliers: listSuppliersHandler(deps),
    deleteSupplier: deleteSupplierHandler(deps),
    importSuppliers: importSuppliersHandler(deps),
    getIndexStats: getIndexStatsHandler(deps),
  };
  const snapshotPath = options.config.matching.snapshotPath;
  // 'store': the snapshot lives in the store, shared by every replica on it (see store-snapshot.ts).
  const storeSnapshots = snapshotPath === STORE_SNAPSHOT ? new StoreSnapshots(suppliers, { minChanges: options.config.matching.storeSnapshotMinChanges }) : undefined;
  let storeId = '';
  /** The write after a full build (asynchronous with a store snapshot): shutdown waits for it. */
  let pendingSave: Promise<void> | undefined;
  const saveSnapshot = async (why: string) => {
    try {
      if (storeSnapshots) {
        const watermark = sync.safeWatermark;
        const wanted = await storeSnapshots.wanted(watermark);
        if (!wanted.write) {
          logger.info({ why, reason: wanted.reason }, 'matching index snapshot in the store left as it is');
          return;
        }
        const w = await storeSnapshots.write(index, watermark, storeId);
        if (!w.written) {
          logger.info({ why, reason: w.reason }, 'matching index snapshot not written to the store');
          return;
        }
        index.updatesApplied = 0;
        logger.info({ snapshotId: w.snapshotId, bytes: w.bytes, chunks: w.chunks, seconds: Number(w.seconds.toFixed(2)), why, reason: wanted.reason }, 'matching index snapshot written to the store');
        return;
      }
      const w = writeSnapshot(snapshotPath, index, sync.safeWatermark, storeId);
      index.updatesApplied = 0;
      logger.info({ path: snapshotPath, bytes: w.bytes, seconds: Number(w.seconds.toFixed(2)), why }, 'matching index snapshot written');
    } catch (err) {
      logger.warn({ err, path: snapshotPath }, 'could not write the matching index snapshot');
    }
  };
  // One full garbage collection once the index is in place: the load's temporary strings and buffers
  // go, and V8 shrinks the heap it grew for them (~50 MB of resident memory on the 424K network).
  const collectGarbage = () => {
    try {
      setFlagsFromString('--expose-gc');
      (runInNewContext('gc') as () => void)();
    } catch {
      // Not essential.
    }
  };
  const loaded = (async () => {
    // Let the server start listening (and report NOT_SERVING) before the CPU-bound build.
    await new Promise((r) => setImmediate(r));
    if (snapshotPath) storeId = await suppliers.storeId();
    const snap = storeSnapshots
      ? await storeSnapshots.load(index)
      : snapshotPath
        ? await loadSnapshot(snapshotPath, index, suppliers)
        : ({ loaded: false, reason: 'snapshots off' } as const);
    if (snap.loaded) {
      const caught = await sync.catchUp(snap.meta.watermark);
      sync.build = { ...caught, seconds: snap.seconds + caught.seconds, snapshot: storeSnapshots ? 'store' : 'file' };
      collectGarbage();
      ready = true;
      sync.start();
      logger.info(
        { suppliers: caught.suppliers, seconds: Number(sync.build.seconds.toFixed(2)), caughtUp: caught.applied, snapshot: snapshotPath, snapshotWatermark: snap.meta.watermark },
        'matching index loaded from its snapshot and caught up from the store',
      );
      return;
    }
    if (snapshotPath) logger.info({ path: snapshotPath, reason: snap.reason }, 'no usable index snapshot: full build from the store');
    const stats = await sync.buildIndex();
    ready = true;
    sync.start();
    logger.info({ suppliers: stats.suppliers, seconds: Number(stats.seconds.toFixed(2)), names: index.nameCount, workerThread: stats.worker === true }, 'matching index loaded');
    setImmediate(() => {
      if (!snapshotPath) return collectGarbage();
      pendingSave = saveSnapshot('after a full build').finally(collectGarbage);
    });
  })();
  const running = await startService({
    config: options.config.runtime,
    services: [{ definition: MatchingServiceDefinition, implementation }],
    logger,
    ready: loaded,
    onClose: async () => {
      await sync.stop();
      await pendingSave;
      if (snapshotPath && ready && index.updatesApplied > 0) {
        // A single-owner store: move the watermark over this replica's own latest writes (no documents
        // are read), or the next start would re-read the store to catch up on changes it already has.
        if (suppliers.exclusive) await sync.poll().catch(() => 0);
        await saveSnapshot('changes since the last snapshot');
      }
      if (!options.store) await store.close();
    },
  });
  return Object.assign(running, { ready: loaded, deps });
}
