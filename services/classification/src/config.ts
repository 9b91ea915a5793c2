// Configuration of the classification service: the kit's runtime variables (CLARITY_GRPC_PORT defaults to
// 50051, CLARITY_METRICS_PORT to 9461) plus the service's own.
import { loadRuntimeConfig, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_GRPC_PORT = 50051;
export const DEFAULT_METRICS_PORT = 9461;

export interface ClassificationConfig {
  runtime: RuntimeConfig;
}

export function loadClassificationConfig(env: Record<string, string | undefined> = process.env): ClassificationConfig {
  return { runtime: loadRuntimeConfig('classification', { grpcPort: DEFAULT_GRPC_PORT, metricsPort: DEFAULT_METRICS_PORT }, env) };
}
