// Server wiring of the matching service: dependencies in, one handler per RPC, the kit's server around them.
import { createLogger, openStore, startService, unavailable, type DeadlineContext, type Logger, type RunningService, type Store } from '@clarity/kit';
import { MatchingServiceDefinition, type MatchingServiceImplementation } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingConfig } from './config.js';
import { IndexSync } from './adapters/index-sync.js';
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
  const loaded = (async () => {
    // Let the server start listening (and report NOT_SERVING) before the CPU-bound build.
    await new Promise((r) => setImmediate(r));
    const stats = await sync.buildIndex();
    ready = true;
    sync.start();
    logger.info({ suppliers: stats.suppliers, seconds: Number(stats.seconds.toFixed(2)), names: index.nameCount }, 'matching index loaded');
  })();
  const running = await startService({
    config: options.config.runtime,
    services: [{ definition: MatchingServiceDefinition, implementation }],
    logger,
    ready: loaded,
    onClose: async () => {
      await sync.stop();
      if (!options.store) await store.close();
    },
  });
  return Object.assign(running, { ready: loaded, deps });
}
