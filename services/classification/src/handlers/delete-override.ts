// ClassificationService.DeleteOverride
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { DeleteOverrideRequest, DeleteOverrideResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function deleteOverrideHandler(_deps: ClassificationDeps) {
  return async (_request: DeleteOverrideRequest, _context: HandlerContext): Promise<DeleteOverrideResponse> => {
    throw unimplemented('DeleteOverride', 'user overrides (issue #4)');
  };
}
