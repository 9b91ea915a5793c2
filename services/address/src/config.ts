// Configuration of the address service: the kit's runtime variables (CLARITY_GRPC_PORT defaults to
// 50053, CLARITY_METRICS_PORT to 9463) plus the service's own. The external validator (Google Address
// Validation API shape) is off unless CLARITY_ADDRESS_VALIDATION_API_KEY is set.
import { env, loadRuntimeConfig, parseEnv, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_GRPC_PORT = 50053;
export const DEFAULT_METRICS_PORT = 9463;

export interface ExternalValidatorConfig {
  apiKey: string;
  /** Base URL of the API (POST {baseUrl}/v1:validateAddress?key=…). */
  baseUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  ratePerMinute: number;
  maxConcurrency: number;
  breakerResetMs: number;
  breakerVolumeThreshold: number;
  breakerErrorPercentage: number;
  /** Full-jitter backoff base and cap. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface AddressConfig {
  runtime: RuntimeConfig;
  /** Undefined when no API key is configured: the service answers locally only. */
  external?: ExternalValidatorConfig;
  /** How long an external answer is reused from the store. */
  cacheTtlMs: number;
  /** Longest accepted text per address field (freeform gets twice this). */
  maxFieldChars: number;
  /** Resident memory above which the service asks V8 for a full collection after a batch (0 = never). */
  rssSoftLimitMb?: number;
}

export function loadAddressConfig(source: Record<string, string | undefined> = process.env): AddressConfig {
  const runtime = loadRuntimeConfig('address', { grpcPort: DEFAULT_GRPC_PORT, metricsPort: DEFAULT_METRICS_PORT }, source);
  const e = parseEnv(
    {
      CLARITY_ADDRESS_VALIDATION_API_KEY: env.string(),
      CLARITY_ADDRESS_VALIDATION_URL: env.string('https://addressvalidation.googleapis.com'),
      CLARITY_ADDRESS_VALIDATION_TIMEOUT_MS: env.int(5_000, 50, 120_000),
      CLARITY_ADDRESS_VALIDATION_MAX_ATTEMPTS: env.int(3, 1, 10),
      CLARITY_ADDRESS_VALIDATION_RATE_PER_MINUTE: env.int(6_000, 1, 1_000_000),
      CLARITY_ADDRESS_VALIDATION_MAX_CONCURRENCY: env.int(16, 1, 1_000),
      CLARITY_ADDRESS_VALIDATION_BREAKER_RESET_MS: env.int(30_000, 100, 3_600_000),
      CLARITY_ADDRESS_VALIDATION_BREAKER_VOLUME: env.int(10, 1, 10_000),
      CLARITY_ADDRESS_VALIDATION_BREAKER_ERROR_PERCENT: env.int(50, 1, 100),
      CLARITY_ADDRESS_VALIDATION_RETRY_BASE_MS: env.int(200, 0, 60_000),
      CLARITY_ADDRESS_VALIDATION_RETRY_MAX_MS: env.int(10_000, 0, 600_000),
      CLARITY_ADDRESS_VALIDATION_CACHE_TTL_DAYS: env.number(30, 0, 3650),
      CLARITY_ADDRESS_MAX_FIELD_CHARS: env.int(500, 20, 100_000),
      CLARITY_ADDRESS_RSS_SOFT_LIMIT_MB: env.int(160, 0, 100_000),
    },
    source,
  );
  const apiKey = e.CLARITY_ADDRESS_VALIDATION_API_KEY;
  return {
    runtime,
    cacheTtlMs: Math.round(e.CLARITY_ADDRESS_VALIDATION_CACHE_TTL_DAYS * 86_400_000),
    maxFieldChars: e.CLARITY_ADDRESS_MAX_FIELD_CHARS,
    rssSoftLimitMb: e.CLARITY_ADDRESS_RSS_SOFT_LIMIT_MB,
    ...(apiKey
      ? {
          external: {
            apiKey,
            baseUrl: e.CLARITY_ADDRESS_VALIDATION_URL!,
            timeoutMs: e.CLARITY_ADDRESS_VALIDATION_TIMEOUT_MS,
            maxAttempts: e.CLARITY_ADDRESS_VALIDATION_MAX_ATTEMPTS,
            ratePerMinute: e.CLARITY_ADDRESS_VALIDATION_RATE_PER_MINUTE,
            maxConcurrency: e.CLARITY_ADDRESS_VALIDATION_MAX_CONCURRENCY,
            breakerResetMs: e.CLARITY_ADDRESS_VALIDATION_BREAKER_RESET_MS,
            breakerVolumeThreshold: e.CLARITY_ADDRESS_VALIDATION_BREAKER_VOLUME,
            breakerErrorPercentage: e.CLARITY_ADDRESS_VALIDATION_BREAKER_ERROR_PERCENT,
            baseDelayMs: e.CLARITY_ADDRESS_VALIDATION_RETRY_BASE_MS,
            maxDelayMs: e.CLARITY_ADDRESS_VALIDATION_RETRY_MAX_MS,
          },
        }
      : {}),
  };
}
