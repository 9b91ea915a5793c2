// Gateway configuration: the kit's runtime variables plus the edge's own.
import { env, loadRuntimeConfig, parseEnv, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_METRICS_PORT = 9460;

export interface GatewayConfig {
  runtime: RuntimeConfig;
  httpPort: number;
  /** Upstream gRPC address per component ("classification" → "127.0.0.1:50051"). */
  upstreams: Record<string, string>;
  /** Allowed CORS origins; ["*"] allows any. */
  corsOrigins: string[];
  maxBodyBytes: number;
  /** Default budget of unary calls without grpc-timeout. */
  defaultTimeoutMs: number;
  /** How long /readyz trusts an upstream health answer. */
  healthCacheMs: number;
}

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  const runtime = loadRuntimeConfig('gateway', { metricsPort: DEFAULT_METRICS_PORT }, source);
  const e = parseEnv(
    {
      CLARITY_HTTP_PORT: env.port(DEFAULT_HTTP_PORT),
      CLARITY_CLASSIFICATION_ADDR: env.address('127.0.0.1:50051'),
      CLARITY_MATCHING_ADDR: env.address('127.0.0.1:50052'),
      CLARITY_ADDRESS_ADDR: env.address('127.0.0.1:50053'),
      CLARITY_ENRICHMENT_ADDR: env.address('127.0.0.1:50054'),
      CLARITY_ORCHESTRATION_ADDR: env.address('127.0.0.1:50055'),
      CLARITY_CORS_ORIGINS: env.string('*'),
      CLARITY_GATEWAY_MAX_BODY_BYTES: env.int(8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      CLARITY_GATEWAY_TIMEOUT_MS: env.int(30_000, 10, 3_600_000),
      CLARITY_GATEWAY_HEALTH_CACHE_MS: env.int(1_000, 0, 60_000),
    },
    source,
  );
  return {
    runtime,
    httpPort: e.CLARITY_HTTP_PORT,
    upstreams: {
      classification: e.CLARITY_CLASSIFICATION_ADDR,
      matching: e.CLARITY_MATCHING_ADDR,
      address: e.CLARITY_ADDRESS_ADDR,
      enrichment: e.CLARITY_ENRICHMENT_ADDR,
      orchestration: e.CLARITY_ORCHESTRATION_ADDR,
    },
    corsOrigins: e.CLARITY_CORS_ORIGINS!.split(',').map((s) => s.trim()).filter(Boolean),
    maxBodyBytes: e.CLARITY_GATEWAY_MAX_BODY_BYTES,
    defaultTimeoutMs: e.CLARITY_GATEWAY_TIMEOUT_MS,
    healthCacheMs: e.CLARITY_GATEWAY_HEALTH_CACHE_MS,
  };
}
