// MatchingService.ListSuppliers
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ListSuppliersRequest, ListSuppliersResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';

export function listSuppliersHandler(_deps: MatchingDeps) {
  return async (_request: ListSuppliersRequest, _context: HandlerContext): Promise<ListSuppliersResponse> => {
    throw unimplemented('ListSuppliers', 'the supplier network (issue #3)');
  };
}
