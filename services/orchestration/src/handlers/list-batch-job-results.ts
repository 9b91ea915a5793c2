// OrchestrationService.ListBatchJobResults
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ListBatchJobResultsRequest, ListBatchJobResultsResponse } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import type { OrchestrationDeps } from '../server.js';

export function listBatchJobResultsHandler(_deps: OrchestrationDeps) {
  return async (_request: ListBatchJobResultsRequest, _context: HandlerContext): Promise<ListBatchJobResultsResponse> => {
    throw unimplemented('ListBatchJobResults', 'durable batch jobs (the orchestration issue)');
  };
}
