// EnrichmentService.Enrich
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { EnrichRequest, EnrichResponse } from '@clarity/proto/clarity/enrichment/v1/enrichment.js';
import type { EnrichmentDeps } from '../server.js';

export function enrichHandler(_deps: EnrichmentDeps) {
  return async (_request: EnrichRequest, _context: HandlerContext): Promise<EnrichResponse> => {
    throw unimplemented('Enrich', 'registry enrichment and payment-method prediction (the enrichment issue)');
  };
}
