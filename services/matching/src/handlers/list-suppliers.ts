// MatchingService.ListSuppliers
import { decodePageToken, encodePageToken, invalidArgument, pageSize, type HandlerContext } from '@clarity/kit';
import type { ListSuppliersRequest, ListSuppliersResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import { toProtoSupplier } from '../domain/supplier.js';
import type { MatchingDeps } from '../server.js';

// The index knows every live id; sorting them once per change is far cheaper than paging the store
// by id (which the embedded store cannot do without reading every document).
const caches = new WeakMap<MatchingDeps, { version: number; count: number; ids: string[] }>();

function sortedIds(deps: MatchingDeps): string[] {
  const version = deps.index.updatesApplied;
  let cache = caches.get(deps);
  if (!cache || cache.version !== version || cache.count !== deps.index.supplierCount) {
    cache = { version, count: deps.index.supplierCount, ids: deps.index.sortedIds() };
    caches.set(deps, cache);
  }
  return cache.ids;
}

/** Index of the first id that is greater than `key` (strictly, or or-equal with `orEqual`). */
function firstAfter(ids: string[], key: string, orEqual = false): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! < key || (!orEqual && ids[mid] === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function listSuppliersHandler(deps: MatchingDeps) {
  return async (request: ListSuppliersRequest, _context: HandlerContext): Promise<ListSuppliersResponse> => {
    const size = pageSize(request.pageSize, { default: 100, max: 1000 });
    const source = request.source.trim();
    const token = decodePageToken<{ after: string; source: string }>(request.pageToken);
    if (token && (typeof token.after !== 'string' || token.source !== source)) {
      throw invalidArgument([{ field: 'page_token', description: 'belongs to a listing with other filters; start again without a token' }]);
    }
    deps.requireReady();
    const ids = sortedIds(deps);
    const prefix = source ? `${source}:` : '';
    let i = token ? firstAfter(ids, token.after) : 0;
    if (source) i = Math.max(i, firstAfter(ids, prefix, true));
    const page: string[] = [];
    for (; i < ids.length && page.length < size; i++) {
      const id = ids[i]!;
      if (source && !id.startsWith(prefix)) break;
      page.push(id);
    }
    const docs = await deps.suppliers.getMany(page);
    const more = i < ids.length && (!source || ids[i]!.startsWith(prefix));
    return {
      suppliers: docs.map(toProtoSupplier),
      nextPageToken: more && page.length > 0 ? encodePageToken({ after: page[page.length - 1]!, source }) : '',
    };
  };
}
