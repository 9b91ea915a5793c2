// Configuration of the classification service: the kit's runtime variables (CLARITY_GRPC_PORT defaults to
// 50051, CLARITY_METRICS_PORT to 9461) plus the service's own CLASSIFICATION_* variables.
import { ConfigError, env, loadRuntimeConfig, parseEnv, type RuntimeConfig } from '@clarity/kit';

export const DEFAULT_GRPC_PORT = 50051;
export const DEFAULT_METRICS_PORT = 9461;

export interface LlmConfig {
  /** OpenAI-compatible API base URL ("https://api.openai.com/v1", "http://127.0.0.1:11434/v1"); unset = no LLM. */
  baseUrl?: string;
  model: string;
  apiKey?: string;
  /** Used when a request says LLM_POLICY_UNSPECIFIED. */
  defaultPolicy: 'never' | 'when_uncertain';
  /** Ask the LLM when the local confidence is below this. */
  threshold: number;
  /** The confidence given to an LLM answer is its self-reported confidence capped at this (it is not calibrated). */
  maxConfidence: number;
  timeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxConcurrency: number;
  ratePerMinute: number;
  /** At most this many LLM calls for one ClassifyBatch request; the rest keep their local answer. */
  maxCallsPerBatch: number;
  breaker: { errorThresholdPercentage: number; volumeThreshold: number; resetTimeoutMs: number; rollingWindowMs: number };
}

export interface ClassificationConfig {
  runtime: RuntimeConfig;
  /** A rule decides only when its measured precision is at least this. */
  minRulePrecision: number;
  /** Below this confidence the answer becomes UNKNOWN ("too uncertain"); 0 never abstains. */
  minConfidence: number;
  /** Maximum payee-name length in characters (after cleaning). */
  nameMaxLength: number;
  /** How often replicas poll the lists' version document for edits made elsewhere. */
  reloadIntervalMs: number;
  llm: LlmConfig;
}

export const classificationEnvShape = {
  CLASSIFICATION_MIN_RULE_PRECISION: env.number(0.999, 0.5, 1),
  CLASSIFICATION_MIN_CONFIDENCE: env.number(0, 0, 1),
  CLASSIFICATION_NAME_MAX_LENGTH: env.int(500, 10, 10_000),
  CLASSIFICATION_RELOAD_INTERVAL_MS: env.int(2_000, 50, 3_600_000),
  CLASSIFICATION_LLM_BASE_URL: env.string(),
  CLASSIFICATION_LLM_MODEL: env.string('gpt-4o-mini'),
  CLASSIFICATION_LLM_API_KEY: env.string(),
  CLASSIFICATION_LLM_POLICY: env.oneOf(['never', 'when_uncertain'] as const, 'when_uncertain'),
  CLASSIFICATION_LLM_THRESHOLD: env.number(0.8, 0, 1),
  CLASSIFICATION_LLM_MAX_CONFIDENCE: env.number(0.9, 0, 1),
  CLASSIFICATION_LLM_TIMEOUT_MS: env.int(8_000, 100, 120_000),
  CLASSIFICATION_LLM_MAX_ATTEMPTS: env.int(3, 1, 10),
  CLASSIFICATION_LLM_BASE_DELAY_MS: env.int(250, 0, 60_000),
  CLASSIFICATION_LLM_MAX_DELAY_MS: env.int(8_000, 0, 300_000),
  CLASSIFICATION_LLM_MAX_CONCURRENCY: env.int(4, 1, 256),
  CLASSIFICATION_LLM_RATE_PER_MINUTE: env.int(0, 0, 1_000_000),
  CLASSIFICATION_LLM_MAX_CALLS_PER_BATCH: env.int(50, 0, 100_000),
  CLASSIFICATION_LLM_BREAKER_ERROR_PERCENT: env.int(50, 1, 100),
  CLASSIFICATION_LLM_BREAKER_VOLUME: env.int(5, 1, 10_000),
  CLASSIFICATION_LLM_BREAKER_RESET_MS: env.int(30_000, 100, 3_600_000),
  CLASSIFICATION_LLM_BREAKER_WINDOW_MS: env.int(30_000, 1_000, 3_600_000),
};

export function loadClassificationConfig(source: Record<string, string | undefined> = process.env, runtime?: RuntimeConfig): ClassificationConfig {
  const e = parseEnv(classificationEnvShape, source);
  if (e.CLASSIFICATION_LLM_BASE_URL && !/^https?:\/\/\S+$/.test(e.CLASSIFICATION_LLM_BASE_URL)) {
    throw new ConfigError([`CLASSIFICATION_LLM_BASE_URL: expected an http(s) URL, got ${JSON.stringify(e.CLASSIFICATION_LLM_BASE_URL)}`]);
  }
  return {
    runtime: runtime ?? loadRuntimeConfig('classification', { grpcPort: DEFAULT_GRPC_PORT, metricsPort: DEFAULT_METRICS_PORT }, source),
    minRulePrecision: e.CLASSIFICATION_MIN_RULE_PRECISION,
    minConfidence: e.CLASSIFICATION_MIN_CONFIDENCE,
    nameMaxLength: e.CLASSIFICATION_NAME_MAX_LENGTH,
    reloadIntervalMs: e.CLASSIFICATION_RELOAD_INTERVAL_MS,
    llm: {
      baseUrl: e.CLASSIFICATION_LLM_BASE_URL,
      model: e.CLASSIFICATION_LLM_MODEL!,
      apiKey: e.CLASSIFICATION_LLM_API_KEY,
      defaultPolicy: e.CLASSIFICATION_LLM_POLICY,
      threshold: e.CLASSIFICATION_LLM_THRESHOLD,
      maxConfidence: e.CLASSIFICATION_LLM_MAX_CONFIDENCE,
      timeoutMs: e.CLASSIFICATION_LLM_TIMEOUT_MS,
      maxAttempts: e.CLASSIFICATION_LLM_MAX_ATTEMPTS,
      baseDelayMs: e.CLASSIFICATION_LLM_BASE_DELAY_MS,
      maxDelayMs: e.CLASSIFICATION_LLM_MAX_DELAY_MS,
      maxConcurrency: e.CLASSIFICATION_LLM_MAX_CONCURRENCY,
      ratePerMinute: e.CLASSIFICATION_LLM_RATE_PER_MINUTE,
      maxCallsPerBatch: e.CLASSIFICATION_LLM_MAX_CALLS_PER_BATCH,
      breaker: {
        errorThresholdPercentage: e.CLASSIFICATION_LLM_BREAKER_ERROR_PERCENT,
        volumeThreshold: e.CLASSIFICATION_LLM_BREAKER_VOLUME,
        resetTimeoutMs: e.CLASSIFICATION_LLM_BREAKER_RESET_MS,
        rollingWindowMs: e.CLASSIFICATION_LLM_BREAKER_WINDOW_MS,
      },
    },
  };
}
