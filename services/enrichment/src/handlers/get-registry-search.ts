// EnrichmentService.GetRegistrySearch
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { GetRegistrySearchRequest, GetRegistrySearchResponse } from '@clarity/proto/clarity/enrichment/v1/enrichment.js';
import type { EnrichmentDeps } from '../server.js';

export function getRegistrySearchHandler(_deps: EnrichmentDeps) {
  return async (_request: GetRegistrySearchRequest, _context: HandlerContext): Promise<GetRegistrySearchResponse> => {
    throw unimplemented('GetRegistrySearch', 'bulk registry search (the enrichment issue)');
  };
}
