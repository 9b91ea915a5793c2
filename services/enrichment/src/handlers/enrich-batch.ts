// EnrichmentService.EnrichBatch
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { EnrichBatchRequest, EnrichBatchResponse } from '@clarity/proto/clarity/enrichment/v1/enrichment.js';
import type { EnrichmentDeps } from '../server.js';

export function enrichBatchHandler(_deps: EnrichmentDeps) {
  return async (_request: EnrichBatchRequest, _context: HandlerContext): Promise<EnrichBatchResponse> => {
    throw unimplemented('EnrichBatch', 'registry enrichment and payment-method prediction (the enrichment issue)');
  };
}
