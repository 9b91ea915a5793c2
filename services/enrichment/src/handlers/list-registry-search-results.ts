// EnrichmentService.ListRegistrySearchResults
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ListRegistrySearchResultsRequest, ListRegistrySearchResultsResponse } from '@clarity/proto/clarity/enrichment/v1/enrichment.js';
import type { EnrichmentDeps } from '../server.js';

export function listRegistrySearchResultsHandler(_deps: EnrichmentDeps) {
  return async (_request: ListRegistrySearchResultsRequest, _context: HandlerContext): Promise<ListRegistrySearchResultsResponse> => {
    throw unimplemented('ListRegistrySearchResults', 'bulk registry search (the enrichment issue)');
  };
}
