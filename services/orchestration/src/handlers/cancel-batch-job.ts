// OrchestrationService.CancelBatchJob
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { CancelBatchJobRequest, CancelBatchJobResponse } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import type { OrchestrationDeps } from '../server.js';

export function cancelBatchJobHandler(_deps: OrchestrationDeps) {
  return async (_request: CancelBatchJobRequest, _context: HandlerContext): Promise<CancelBatchJobResponse> => {
    throw unimplemented('CancelBatchJob', 'durable batch jobs (the orchestration issue)');
  };
}
