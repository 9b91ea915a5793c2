// OrchestrationService.ProcessPayee
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ProcessPayeeRequest, ProcessPayeeResponse } from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import type { OrchestrationDeps } from '../server.js';

export function processPayeeHandler(_deps: OrchestrationDeps) {
  return async (_request: ProcessPayeeRequest, _context: HandlerContext): Promise<ProcessPayeeResponse> => {
    throw unimplemented('ProcessPayee', 'the progressive pipeline (the orchestration issue)');
  };
}
