// ClassificationService.Classify
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ClassifyRequest, ClassifyResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function classifyHandler(_deps: ClassificationDeps) {
  return async (_request: ClassifyRequest, _context: HandlerContext): Promise<ClassifyResponse> => {
    throw unimplemented('Classify', 'payee classification (issue #4)');
  };
}
