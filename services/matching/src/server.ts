// Server wiring of the matching service: dependencies in, one handler per RPC, the kit's server around them.
import { openStore, startService, type DeadlineContext, type RunningService, type Store } from '@clarity/kit';
import { MatchingServiceDefinition, type MatchingServiceImplementation } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingConfig } from './config.js';
import { matchHandler } from './handlers/match.js';
import { matchBatchHandler } from './handlers/match-batch.js';
import { getSupplierHandler } from './handlers/get-supplier.js';
import { listSuppliersHandler } from './handlers/list-suppliers.js';
import { deleteSupplierHandler } from './handlers/delete-supplier.js';
import { importSuppliersHandler } from './handlers/import-suppliers.js';
import { getIndexStatsHandler } from './handlers/get-index-stats.js';

export interface MatchingDeps {
  config: MatchingConfig;
  store: Store;
}

export interface StartMatchingOptions {
  config: MatchingConfig;
  /** Injected store (tests); otherwise the configured one is opened. */
  store?: Store;
}

export async function startMatchingService(options: StartMatchingOptions): Promise<RunningService> {
  const store = options.store ?? (await openStore(options.config.runtime.store, 'matching'));
  const deps: MatchingDeps = { config: options.config, store };
  const implementation: MatchingServiceImplementation<DeadlineContext> = {
    match: matchHandler(deps),
    matchBatch: matchBatchHandler(deps),
    getSupplier: getSupplierHandler(deps),
    listSuppliers: listSuppliersHandler(deps),
    deleteSupplier: deleteSupplierHandler(deps),
    importSuppliers: importSuppliersHandler(deps),
    getIndexStats: getIndexStatsHandler(deps),
  };
  return startService({
    config: options.config.runtime,
    services: [{ definition: MatchingServiceDefinition, implementation }],
    onClose: () => store.close(),
  });
}
