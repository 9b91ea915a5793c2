// MatchingService.ImportSuppliers
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ImportSuppliersRequest, ImportSuppliersResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';

export function importSuppliersHandler(_deps: MatchingDeps) {
  return async (_requests: AsyncIterable<ImportSuppliersRequest>, _context: HandlerContext): Promise<ImportSuppliersResponse> => {
    throw unimplemented('ImportSuppliers', 'supplier import (issue #3)');
  };
}
