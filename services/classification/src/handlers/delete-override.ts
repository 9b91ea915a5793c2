// ClassificationService.DeleteOverride
import { invalidArgument, notFound, type HandlerContext } from '@clarity/kit';
import type { DeleteOverrideRequest, DeleteOverrideResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';

export function deleteOverrideHandler(deps: ClassificationDeps) {
  return async (request: DeleteOverrideRequest, _context: HandlerContext): Promise<DeleteOverrideResponse> => {
    if (!request.id) throw invalidArgument([{ field: 'id', description: 'is required' }]);
    const existing = await deps.lists.overrides.get(request.id);
    if (!existing || existing.deleted) throw notFound('Override', request.id);
    await deps.lists.overrides.updateOne({ _id: request.id }, { $set: { deleted: true, updatedAt: new Date() } });
    await deps.lists.bump();
    await deps.engine.refresh();
    return {};
  };
}
