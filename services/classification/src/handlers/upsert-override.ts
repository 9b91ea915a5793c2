// ClassificationService.UpsertOverride
import type { HandlerContext } from '@clarity/kit';
import type { UpsertOverrideRequest, UpsertOverrideResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';
import { overrideFromRequest, overrideToProto } from './convert.js';

export function upsertOverrideHandler(deps: ClassificationDeps) {
  return async (request: UpsertOverrideRequest, _context: HandlerContext): Promise<UpsertOverrideResponse> => {
    const doc = overrideFromRequest(request.override, new Date());
    await deps.lists.overrides.put(doc);
    await deps.lists.bump();
    await deps.engine.refresh();
    return { override: overrideToProto(doc) };
  };
}
