// Configuration of the matching service: the kit's runtime variables (CLARITY_GRPC_PORT defaults to
// 50052, CLARITY_METRICS_PORT to 9462) plus the service's own.
import { loadRuntimeConfig, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_GRPC_PORT = 50052;
export const DEFAULT_METRICS_PORT = 9462;

export interface MatchingConfig {
  runtime: RuntimeConfig;
}

export function loadMatchingConfig(env: Record<string, string | undefined> = process.env): MatchingConfig {
  return { runtime: loadRuntimeConfig('matching', { grpcPort: DEFAULT_GRPC_PORT, metricsPort: DEFAULT_METRICS_PORT }, env) };
}
