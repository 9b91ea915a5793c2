// ClassificationService.ListOverrides
import { decodePageToken, encodePageToken, pageSize, type Filter, type HandlerContext } from '@clarity/kit';
import type { ListOverridesRequest, ListOverridesResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { ClassificationDeps } from '../server.js';
import { overrideToProto } from './convert.js';

export function listOverridesHandler(deps: ClassificationDeps) {
  return async (request: ListOverridesRequest, _context: HandlerContext): Promise<ListOverridesResponse> => {
    const size = pageSize(request.pageSize, { default: 100, max: 1000 });
    const token = decodePageToken<{ after?: string }>(request.pageToken);
    const filter: Filter = { deleted: { $ne: true } };
    const total = await deps.lists.overrides.count(filter);
    const page = await deps.lists.overrides.find(token?.after ? { ...filter, _id: { $gt: token.after } } : filter, { sort: { _id: 1 }, limit: size + 1 });
    const more = page.length > size;
    const items = page.slice(0, size);
    return { overrides: items.map(overrideToProto), nextPageToken: more ? encodePageToken({ after: items[items.length - 1]!._id }) : '', totalSize: total };
  };
}
