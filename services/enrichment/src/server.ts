// Server wiring of the enrichment service: dependencies in, one handler per RPC, the kit's server around them.
import { openStore, startService, type DeadlineContext, type RunningService, type Store } from '@clarity/kit';
import { EnrichmentServiceDefinition, type EnrichmentServiceImplementation } from '@clarity/proto/clarity/enrichment/v1/enrichment.js';
import type { EnrichmentConfig } from './config.js';
import { enrichHandler } from './handlers/enrich.js';
import { enrichBatchHandler } from './handlers/enrich-batch.js';
import { startRegistrySearchHandler } from './handlers/start-registry-search.js';
import { getRegistrySearchHandler } from './handlers/get-registry-search.js';
import { listRegistrySearchResultsHandler } from './handlers/list-registry-search-results.js';
import { cancelRegistrySearchHandler } from './handlers/cancel-registry-search.js';

export interface EnrichmentDeps {
  config: EnrichmentConfig;
  store: Store;
}

export interface StartEnrichmentOptions {
  config: EnrichmentConfig;
  /** Injected store (tests); otherwise the configured one is opened. */
  store?: Store;
}

export async function startEnrichmentService(options: StartEnrichmentOptions): Promise<RunningService> {
  const store = options.store ?? (await openStore(options.config.runtime.store, 'enrichment'));
  const deps: EnrichmentDeps = { config: options.config, store };
  const implementation: EnrichmentServiceImplementation<DeadlineContext> = {
    enrich: enrichHandler(deps),
    enrichBatch: enrichBatchHandler(deps),
    startRegistrySearch: startRegistrySearchHandler(deps),
    getRegistrySearch: getRegistrySearchHandler(deps),
    listRegistrySearchResults: listRegistrySearchResultsHandler(deps),
    cancelRegistrySearch: cancelRegistrySearchHandler(deps),
  };
  return startService({
    config: options.config.runtime,
    services: [{ definition: EnrichmentServiceDefinition, implementation }],
    onClose: () => store.close(),
  });
}
