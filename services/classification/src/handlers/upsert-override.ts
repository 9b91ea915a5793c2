// ClassificationService.UpsertOverride
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { UpsertOverrideRequest, UpsertOverrideResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function upsertOverrideHandler(_deps: ClassificationDeps) {
  return async (_request: UpsertOverrideRequest, _context: HandlerContext): Promise<UpsertOverrideResponse> => {
    throw unimplemented('UpsertOverride', 'user overrides (issue #4)');
  };
}
