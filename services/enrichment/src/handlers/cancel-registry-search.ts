// EnrichmentService.CancelRegistrySearch
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { CancelRegistrySearchRequest, CancelRegistrySearchResponse } from '@clarity/proto/clarity/enrichment/v1/enrichment.js';
import type { EnrichmentDeps } from '../server.js';

export function cancelRegistrySearchHandler(_deps: EnrichmentDeps) {
  return async (_request: CancelRegistrySearchRequest, _context: HandlerContext): Promise<CancelRegistrySearchResponse> => {
    throw unimplemented('CancelRegistrySearch', 'bulk registry search (the enrichment issue)');
  };
}
