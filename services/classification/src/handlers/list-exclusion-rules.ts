// ClassificationService.ListExclusionRules
import { decodePageToken, encodePageToken, pageSize, type Filter, type HandlerContext } from '@clarity/kit';
import type { ListExclusionRulesRequest, ListExclusionRulesResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';
import { ruleToProto } from './convert.js';

export function listExclusionRulesHandler(deps: ClassificationDeps) {
  return async (request: ListExclusionRulesRequest, _context: HandlerContext): Promise<ListExclusionRulesResponse> => {
    const size = pageSize(request.pageSize, { default: 100, max: 1000 });
    const token = decodePageToken<{ after?: string; list?: string; category?: string }>(request.pageToken);
    const filter: Filter = { deleted: { $ne: true } };
    if (request.list) filter.list = request.list.trim().toLowerCase();
    if (request.category) filter.category = request.category.trim().toLowerCase();
    const total = await deps.lists.rules.count(filter);
    const page = await deps.lists.rules.find(token?.after ? { ...filter, _id: { $gt: token.after } } : filter, { sort: { _id: 1 }, limit: size + 1 });
    const more = page.length > size;
    const rules = page.slice(0, size);
    return {
      rules: rules.map(ruleToProto),
      nextPageToken: more ? encodePageToken({ after: rules[rules.length - 1]!._id }) : '',
      totalSize: total,
      listsVersion: deps.engine.listsVersion,
    };
  };
}
