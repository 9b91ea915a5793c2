// MatchingService.GetSupplier
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { GetSupplierRequest, GetSupplierResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';

export function getSupplierHandler(_deps: MatchingDeps) {
  return async (_request: GetSupplierRequest, _context: HandlerContext): Promise<GetSupplierResponse> => {
    throw unimplemented('GetSupplier', 'the supplier network (issue #3)');
  };
}
