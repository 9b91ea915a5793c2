// MatchingService.Match
import { FieldViolations, type HandlerContext } from '@clarity/kit';
import type { MatchRequest, MatchResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import { payeeQuery } from '../domain/payee.js';
import { effectiveOptions, toMatchResponse } from '../domain/respond.js';
import type { MatchingDeps } from '../server.js';

export function matchHandler(deps: MatchingDeps) {
  return async (request: MatchRequest, _context: HandlerContext): Promise<MatchResponse> => {
    const options = effectiveOptions(request.options, deps.config.matching);
    const v = new FieldViolations();
    const query = payeeQuery(request.payee, 'payee', v);
    v.throwIfAny();
    deps.requireReady();
    return toMatchResponse(deps.matcher.match(query!, options.topK), options);
  };
}
