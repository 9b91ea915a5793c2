// MatchingService.MatchBatch
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { MatchBatchRequest, MatchBatchResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';

export function matchBatchHandler(_deps: MatchingDeps) {
  return async (_request: MatchBatchRequest, _context: HandlerContext): Promise<MatchBatchResponse> => {
    throw unimplemented('MatchBatch', 'supplier matching (issue #3)');
  };
}
