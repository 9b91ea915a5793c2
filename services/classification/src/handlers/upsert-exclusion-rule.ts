// ClassificationService.UpsertExclusionRule
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { UpsertExclusionRuleRequest, UpsertExclusionRuleResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function upsertExclusionRuleHandler(_deps: ClassificationDeps) {
  return async (_request: UpsertExclusionRuleRequest, _context: HandlerContext): Promise<UpsertExclusionRuleResponse> => {
    throw unimplemented('UpsertExclusionRule', 'exclusion lists (issue #4)');
  };
}
