// ClassificationService.DeleteExclusionRule
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { DeleteExclusionRuleRequest, DeleteExclusionRuleResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function deleteExclusionRuleHandler(_deps: ClassificationDeps) {
  return async (_request: DeleteExclusionRuleRequest, _context: HandlerContext): Promise<DeleteExclusionRuleResponse> => {
    throw unimplemented('DeleteExclusionRule', 'exclusion lists (issue #4)');
  };
}
