// Configuration of the orchestration service: the kit's runtime variables (CLARITY_GRPC_PORT defaults to
// 50055, CLARITY_METRICS_PORT to 9465) plus the service's own.
import { loadRuntimeConfig, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_GRPC_PORT = 50055;
export const DEFAULT_METRICS_PORT = 9465;

export interface OrchestrationConfig {
  runtime: RuntimeConfig;
}

export function loadOrchestrationConfig(env: Record<string, string | undefined> = process.env): OrchestrationConfig {
  return { runtime: loadRuntimeConfig('orchestration', { grpcPort: DEFAULT_GRPC_PORT, metricsPort: DEFAULT_METRICS_PORT }, env) };
}
