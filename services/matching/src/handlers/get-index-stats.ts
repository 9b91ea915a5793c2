// MatchingService.GetIndexStats
import type { HandlerContext } from '@clarity/kit';
import type { GetIndexStatsRequest, GetIndexStatsResponse } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingDeps } from '../server.js';

export function getIndexStatsHandler(deps: MatchingDeps) {
  return async (_request: GetIndexStatsRequest, _context: HandlerContext): Promise<GetIndexStatsResponse> => {
    const { index, sync } = deps;
    return {
      ready: deps.isReady(),
      supplierCount: index.supplierCount,
      nameCount: index.nameCount,
      termCount: index.termCount,
      builtTime: sync.build?.builtTime,
      buildSeconds: sync.build?.seconds ?? 0,
      lastSyncTime: sync.lastSyncTime,
      updatesApplied: index.updatesApplied,
      memoryBytes: index.memoryBytes(),
    };
  };
}
