// OrchestrationService.GetBatchJob
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { GetBatchJobRequest, GetBatchJobResponse } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import type { OrchestrationDeps } from '../server.js';

export function getBatchJobHandler(_deps: OrchestrationDeps) {
  return async (_request: GetBatchJobRequest, _context: HandlerContext): Promise<GetBatchJobResponse> => {
    throw unimplemented('GetBatchJob', 'durable batch jobs (the orchestration issue)');
  };
}
