// MatchingService.GetSupplier
import { invalidArgument, notFound, type HandlerContext } from '@clarity/kit';
import type { GetSupplierRequest, GetSupplierResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import { toProtoSupplier } from '../domain/supplier.js';
import type { MatchingDeps } from '../server.js';

export function checkSupplierId(id: string): string {
  const trimmed = id.trim();
  if (!trimmed) throw invalidArgument([{ field: 'id', description: 'is required' }]);
  if (trimmed.length > 300 || !/^[a-z0-9_-]+:\S/.test(trimmed)) {
    throw invalidArgument([{ field: 'id', description: 'must be <source>:<source id>, e.g. irs_eo_bmf:010180687' }]);
  }
  return trimmed;
}

export function getSupplierHandler(deps: MatchingDeps) {
  return async (request: GetSupplierRequest, _context: HandlerContext): Promise<GetSupplierResponse> => {
    const id = checkSupplierId(request.id);
    const doc = await deps.suppliers.get(id);
    if (!doc) throw notFound('supplier', id);
    return { supplier: toProtoSupplier(doc) };
  };
}
