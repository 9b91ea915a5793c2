// Configuration of the enrichment service: the kit's runtime variables (CLARITY_GRPC_PORT defaults to
// 50054, CLARITY_METRICS_PORT to 9464) plus the service's own.
import { loadRuntimeConfig, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_GRPC_PORT = 50054;
export const DEFAULT_METRICS_PORT = 9464;

export interface EnrichmentConfig {
  runtime: RuntimeConfig;
}

export function loadEnrichmentConfig(env: Record<string, string | undefined> = process.env): EnrichmentConfig {
  return { runtime: loadRuntimeConfig('enrichment', { grpcPort: DEFAULT_GRPC_PORT, metricsPort: DEFAULT_METRICS_PORT }, env) };
}
