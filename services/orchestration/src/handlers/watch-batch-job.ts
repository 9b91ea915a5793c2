// OrchestrationService.WatchBatchJob
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { WatchBatchJobRequest, WatchBatchJobResponse } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import type { OrchestrationDeps } from '../server.js';

export function watchBatchJobHandler(_deps: OrchestrationDeps) {
  // eslint-disable-next-line require-yield
  return async function* (_request: WatchBatchJobRequest, _context: HandlerContext): AsyncGenerator<WatchBatchJobResponse> {
    throw unimplemented('WatchBatchJob', 'durable batch jobs (the orchestration issue)');
  };
}
