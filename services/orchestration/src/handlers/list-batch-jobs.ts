// OrchestrationService.ListBatchJobs
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ListBatchJobsRequest, ListBatchJobsResponse } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import type { OrchestrationDeps } from '../server.js';

export function listBatchJobsHandler(_deps: OrchestrationDeps) {
  return async (_request: ListBatchJobsRequest, _context: HandlerContext): Promise<ListBatchJobsResponse> => {
    throw unimplemented('ListBatchJobs', 'durable batch jobs (the orchestration issue)');
  };
}
