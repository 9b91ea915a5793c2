// ClassificationService.Classify
import type { HandlerContext } from '@clarity/kit';
import type { ClassifyRequest, ClassifyResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function classifyHandler(deps: ClassificationDeps) {
  return async (request: ClassifyRequest, context: HandlerContext): Promise<ClassifyResponse> => {
    return { classification: await deps.engine.classifyOne(request.payee, request.options, context.signal) };
  };
}
