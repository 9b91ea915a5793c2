// ClassificationService.DeleteExclusionRule
import { invalidArgument, notFound, type HandlerContext } from '@clarity/kit';
import type { DeleteExclusionRuleRequest, DeleteExclusionRuleResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import { ListsStore } from '../adapters/lists-store.js';
import type { ClassificationDeps } from '../server.js';

export function deleteExclusionRuleHandler(deps: ClassificationDeps) {
  return async (request: DeleteExclusionRuleRequest, _context: HandlerContext): Promise<DeleteExclusionRuleResponse> => {
    if (!request.id) throw invalidArgument([{ field: 'id', description: 'is required' }]);
    const existing = await deps.lists.rules.get(request.id);
    if (!existing || existing.deleted) throw notFound('ExclusionRule', request.id);
    // A tombstone, so a deleted default rule is not seeded again by a newer default list.
    await deps.lists.rules.updateOne({ _id: request.id }, { $set: { deleted: true, updatedAt: new Date() } });
    const version = await deps.lists.bump();
    await deps.engine.refresh();
    return { listsVersion: ListsStore.versionLabel(version) };
  };
}
