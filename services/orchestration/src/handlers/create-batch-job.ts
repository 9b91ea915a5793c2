// OrchestrationService.CreateBatchJob
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { CreateBatchJobRequest, CreateBatchJobResponse } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import type { OrchestrationDeps } from '../server.js';

export function createBatchJobHandler(_deps: OrchestrationDeps) {
  return async (_requests: AsyncIterable<CreateBatchJobRequest>, _context: HandlerContext): Promise<CreateBatchJobResponse> => {
    throw unimplemented('CreateBatchJob', 'durable batch jobs (the orchestration issue)');
  };
}
