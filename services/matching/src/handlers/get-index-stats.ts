// MatchingService.GetIndexStats
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { GetIndexStatsRequest, GetIndexStatsResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';

export function getIndexStatsHandler(_deps: MatchingDeps) {
  return async (_request: GetIndexStatsRequest, _context: HandlerContext): Promise<GetIndexStatsResponse> => {
    throw unimplemented('GetIndexStats', 'the matching index (issue #3)');
  };
}
