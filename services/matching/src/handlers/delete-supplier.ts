// MatchingService.DeleteSupplier
import { notFound, type HandlerContext } from '@clarity/kit';
import type { DeleteSupplierRequest, DeleteSupplierResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';
import { checkSupplierId } from './get-supplier.js';

export function deleteSupplierHandler(deps: MatchingDeps) {
  return async (request: DeleteSupplierRequest, _context: HandlerContext): Promise<DeleteSupplierResponse> => {
    const id = checkSupplierId(request.id);
    const tombstone = await deps.suppliers.delete(id);
    if (!tombstone) throw notFound('supplier', id);
    // This replica forgets it now; the others see the tombstone on their next poll.
    deps.sync.applyOwn([tombstone], [tombstone.seq, tombstone.seq]);
    return {};
  };
}
