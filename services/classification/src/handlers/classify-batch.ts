// ClassificationService.ClassifyBatch
import { checkBatchSize, invalidArgument, toStatusProto, type HandlerContext } from '@clarity/kit';
import type { ClassifyBatchRequest, ClassifyBatchResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function classifyBatchHandler(deps: ClassificationDeps) {
  return async (request: ClassifyBatchRequest, context: HandlerContext): Promise<ClassifyBatchResponse> => {
    checkBatchSize(request.payees, 'payees', deps.config.runtime.batchMaxItems);
    const items = await deps.engine.classifyMany(request.payees, request.options, context.signal);
    return {
      results: items.map((item, index) =>
        'classification' in item ? { index, classification: item.classification } : { index, error: toStatusProto(invalidArgument(item.violations.list)) },
      ),
    };
  };
}
