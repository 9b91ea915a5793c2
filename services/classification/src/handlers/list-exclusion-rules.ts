// ClassificationService.ListExclusionRules
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ListExclusionRulesRequest, ListExclusionRulesResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function listExclusionRulesHandler(_deps: ClassificationDeps) {
  return async (_request: ListExclusionRulesRequest, _context: HandlerContext): Promise<ListExclusionRulesResponse> => {
    throw unimplemented('ListExclusionRules', 'exclusion lists (issue #4)');
  };
}
