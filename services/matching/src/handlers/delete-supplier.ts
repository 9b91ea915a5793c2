// MatchingService.DeleteSupplier
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { DeleteSupplierRequest, DeleteSupplierResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';

export function deleteSupplierHandler(_deps: MatchingDeps) {
  return async (_request: DeleteSupplierRequest, _context: HandlerContext): Promise<DeleteSupplierResponse> => {
    throw unimplemented('DeleteSupplier', 'the supplier network (issue #3)');
  };
}
