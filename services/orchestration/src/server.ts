// Server wiring of the orchestration service: dependencies in, one handler per RPC, the kit's server around them.
import { openStore, startService, type DeadlineContext, type RunningService, type Store } from '@clarity/kit';
import { OrchestrationServiceDefinition, type OrchestrationServiceImplementation } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import type { OrchestrationConfig } from './config.js';
import { processPayeeHandler } from './handlers/process-payee.js';
import { createBatchJobHandler } from './handlers/create-batch-job.js';
import { getBatchJobHandler } from './handlers/get-batch-job.js';
import { listBatchJobsHandler } from './handlers/list-batch-jobs.js';
import { watchBatchJobHandler } from './handlers/watch-batch-job.js';
import { listBatchJobResultsHandler } from './handlers/list-batch-job-results.js';
import { cancelBatchJobHandler } from './handlers/cancel-batch-job.js';

export interface OrchestrationDeps {
  config: OrchestrationConfig;
  store: Store;
}

export interface StartOrchestrationOptions {
  config: OrchestrationConfig;
  /** Injected store (tests); otherwise the configured one is opened. */
  store?: Store;
}

export async function startOrchestrationService(options: StartOrchestrationOptions): Promise<RunningService> {
  const store = options.store ?? (await openStore(options.config.runtime.store, 'orchestration'));
  const deps: OrchestrationDeps = { config: options.config, store };
  const implementation: OrchestrationServiceImplementation<DeadlineContext> = {
    processPayee: processPayeeHandler(deps),
    createBatchJob: createBatchJobHandler(deps),
    getBatchJob: getBatchJobHandler(deps),
    listBatchJobs: listBatchJobsHandler(deps),
    watchBatchJob: watchBatchJobHandler(deps),
    listBatchJobResults: listBatchJobResultsHandler(deps),
    cancelBatchJob: cancelBatchJobHandler(deps),
  };
  return startService({
    config: options.config.runtime,
    services: [{ definition: OrchestrationServiceDefinition, implementation }],
    onClose: () => store.close(),
  });
}
