// EnrichmentService.StartRegistrySearch
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { StartRegistrySearchRequest, StartRegistrySearchResponse } from '@clarity/proto/clarity/enrichment/v1/enrichment.js';
import type { EnrichmentDeps } from '../server.js';

export function startRegistrySearchHandler(_deps: EnrichmentDeps) {
  return async (_request: StartRegistrySearchRequest, _context: HandlerContext): Promise<StartRegistrySearchResponse> => {
    throw unimplemented('StartRegistrySearch', 'bulk registry search (the enrichment issue)');
  };
}
