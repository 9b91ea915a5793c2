// ClassificationService.UpsertExclusionRule
import type { HandlerContext } from '@clarity/kit';
import type { UpsertExclusionRuleRequest, UpsertExclusionRuleResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import { ListsStore } from '../adapters/lists-store.js';
import type { ClassificationDeps } from '../server.js';
import { ruleFromRequest, ruleToProto } from './convert.js';

export function upsertExclusionRuleHandler(deps: ClassificationDeps) {
  return async (request: UpsertExclusionRuleRequest, _context: HandlerContext): Promise<UpsertExclusionRuleResponse> => {
    const doc = ruleFromRequest(request.rule, new Date());
    const existing = await deps.lists.rules.get(doc._id);
    if (existing?.origin === 'default' && !existing.deleted) doc.origin = 'default'; // an edited default rule stays recognisable
    await deps.lists.rules.put(doc);
    const version = await deps.lists.bump();
    await deps.engine.refresh();
    return { rule: ruleToProto(doc), listsVersion: ListsStore.versionLabel(version) };
  };
}
