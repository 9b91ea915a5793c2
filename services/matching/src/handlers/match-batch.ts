// MatchingService.MatchBatch
import { FieldViolations, checkBatchSize, runBatch, type HandlerContext } from '@clarity/kit';
import type { MatchBatchRequest, MatchBatchResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import { payeeQuery } from '../domain/payee.js';
import { effectiveOptions, toMatchResponse } from '../domain/respond.js';
import type { MatchingDeps } from '../server.js';

export function matchBatchHandler(deps: MatchingDeps) {
  return async (request: MatchBatchRequest, context: HandlerContext): Promise<MatchBatchResponse> => {
    checkBatchSize(request.payees, 'payees', deps.config.runtime.batchMaxItems);
    const options = effectiveOptions(request.options, deps.config.matching);
    deps.requireReady();
    const results = await runBatch(
      request.payees,
      'match',
      (payee, index) => {
        const v = new FieldViolations();
        const query = payeeQuery(payee, `payees[${index}]`, v);
        v.throwIfAny();
        return toMatchResponse(deps.matcher.match(query!, options.topK), options);
      },
      context.signal,
    );
    return { results };
  };
}
