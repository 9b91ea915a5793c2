// ClassificationService.ListOverrides
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ListOverridesRequest, ListOverridesResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function listOverridesHandler(_deps: ClassificationDeps) {
  return async (_request: ListOverridesRequest, _context: HandlerContext): Promise<ListOverridesResponse> => {
    throw unimplemented('ListOverrides', 'user overrides (issue #4)');
  };
}
