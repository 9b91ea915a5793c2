// MatchingService.Match
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { MatchRequest, MatchResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';

export function matchHandler(_deps: MatchingDeps) {
  return async (_request: MatchRequest, _context: HandlerContext): Promise<MatchResponse> => {
    throw unimplemented('Match', 'supplier matching (issue #3)');
  };
}
