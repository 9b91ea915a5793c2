// ClassificationService.ClassifyBatch
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ClassifyBatchRequest, ClassifyBatchResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function classifyBatchHandler(_deps: ClassificationDeps) {
  return async (_request: ClassifyBatchRequest, _context: HandlerContext): Promise<ClassifyBatchResponse> => {
    throw unimplemented('ClassifyBatch', 'payee classification (issue #4)');
  };
}
