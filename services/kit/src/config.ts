// Typed configuration from environment variables, validated at boot. A bad value stops the process
// with a message that names the variable, before anything listens.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Builders for environment variables: each returns a zod schema over the raw string (or undefined). */
export const env = {
  string: (fallback?: string) =>
    z.string().optional().transform((v) => (v === undefined || v === '' ? fallback : v)),
  requiredString: () => z.string({ error: 'is required' }).min(1, 'is required'),
  int: (fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === '') return fallback;
        const n = Number(v);
        if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `expected an integer between ${min} and ${max}, got ${JSON.stringify(v)}` });
          return z.NEVER;
        }
        return n;
      }),
  number: (fallback: number, min = -Infinity, max = Infinity) =>
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === '') return fallback;
        const n = Number(v);
        if (!Number.isFinite(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `expected a number between ${min} and ${max}, got ${JSON.stringify(v)}` });
          return z.NEVER;
        }
        return n;
      }),
  port: (fallback: number) => env.int(fallback, 0, 65535),
  bool: (fallback: boolean) =>
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === '') return fallback;
        const s = v.trim().toLowerCase();
        if (['1', 'true', 'yes', 'on'].includes(s)) return true;
        if (['0', 'false', 'no', 'off'].includes(s)) return false;
        ctx.addIssue({ code: 'custom', message: `expected true or false, got ${JSON.stringify(v)}` });
        return z.NEVER;
      }),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
    z
      .string()
      .optional()
      .transform((v, ctx): T[number] => {
        if (v === undefined || v.trim() === '') return fallback;
        const s = v.trim().toLowerCase();
        if ((values as readonly string[]).includes(s)) return s as T[number];
        ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}, got ${JSON.stringify(v)}` });
        return z.NEVER;
      }),
  /** host:port (or a grpc-js target such as dns:///svc:50051). */
  address: (fallback: string) =>
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        const s = v === undefined || v.trim() === '' ? fallback : v.trim();
        if (!/^([a-z]+:\/\/\/?)?[^\s/]+:\d{1,5}$/.test(s)) {
          ctx.addIssue({ code: 'custom', message: `expected host:port, got ${JSON.stringify(v)}` });
          return z.NEVER;
        }
        return s;
      }),
};

/**
 * Parses `source` (default process.env) with a shape whose keys are variable names. Throws ConfigError
 * listing every bad variable (not just the first).
 */
export function parseEnv<S extends z.ZodRawShape>(shape: S, source: Env = process.env): z.output<z.ZodObject<S>> {
  const picked: Env = {};
  for (const key of Object.keys(shape)) picked[key] = source[key];
  const result = z.object(shape).safeParse(picked);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return result.data;
}

/** Variables every Clarity process reads. */
export const runtimeEnvShape = {
  CLARITY_HOST: env.string('127.0.0.1'),
  CLARITY_GRPC_PORT: env.port(0),
  CLARITY_METRICS_PORT: env.port(0),
  CLARITY_METRICS_ENABLED: env.bool(true),
  CLARITY_LOG_LEVEL: env.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
  CLARITY_MAX_INFLIGHT: env.int(256, 1, 100_000),
  CLARITY_MAX_MESSAGE_BYTES: env.int(16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  CLARITY_BATCH_MAX_ITEMS: env.int(1000, 1, 100_000),
  CLARITY_KEEPALIVE_TIME_MS: env.int(30_000, 1_000),
  CLARITY_KEEPALIVE_TIMEOUT_MS: env.int(10_000, 100),
  CLARITY_MAX_CONNECTION_AGE_MS: env.int(0, 0),
  CLARITY_MAX_CONNECTION_AGE_GRACE_MS: env.int(30_000, 0),
  CLARITY_SHUTDOWN_DRAIN_DELAY_MS: env.int(0, 0, 600_000),
  CLARITY_SHUTDOWN_TIMEOUT_MS: env.int(25_000, 100, 600_000),
  CLARITY_TLS_CERT_FILE: env.string(),
  CLARITY_TLS_KEY_FILE: env.string(),
  CLARITY_TLS_CA_FILE: env.string(),
  CLARITY_DATA_DIR: env.string(),
  MONGODB_URI: env.string(),
  CLARITY_MONGODB_DB: env.string('clarity'),
  OTEL_TRACES_EXPORTER: env.oneOf(['none', 'otlp', 'console'] as const, 'none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.string(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: env.string(),
};

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** With a CA, servers require and verify client certificates (mutual TLS) and clients verify servers. */
  caFile?: string;
}

export type StoreConfig =
  | { kind: 'mongodb'; uri: string; database: string }
  | { kind: 'embedded'; dir?: string };

export interface RuntimeConfig {
  service: string;
  host: string;
  grpcPort: number;
  metricsPort: number;
  metricsEnabled: boolean;
  logLevel: string;
  maxInflight: number;
  maxMessageBytes: number;
  batchMaxItems: number;
  keepalive: { timeMs: number; timeoutMs: number; maxConnectionAgeMs: number; maxConnectionAgeGraceMs: number };
  shutdown: { drainDelayMs: number; timeoutMs: number };
  tls?: TlsFiles;
  store: StoreConfig;
  tracing: { exporter: 'none' | 'otlp' | 'console'; endpoint?: string };
}

/**
 * Reads the runtime variables for `service`. `defaults` supplies the service's own default ports (the
 * env variables still win).
 */
export function loadRuntimeConfig(
  service: string,
  defaults: { grpcPort?: number; metricsPort?: number } = {},
  source: Env = process.env,
): RuntimeConfig {
  const withDefaults: Env = { ...source };
  if (!withDefaults.CLARITY_GRPC_PORT && defaults.grpcPort !== undefined) withDefaults.CLARITY_GRPC_PORT = String(defaults.grpcPort);
  if (!withDefaults.CLARITY_METRICS_PORT && defaults.metricsPort !== undefined) withDefaults.CLARITY_METRICS_PORT = String(defaults.metricsPort);
  const e = parseEnv(runtimeEnvShape, withDefaults);
  const tlsVars = [e.CLARITY_TLS_CERT_FILE, e.CLARITY_TLS_KEY_FILE];
  if (tlsVars.some(Boolean) && !tlsVars.every(Boolean)) {
    throw new ConfigError(['CLARITY_TLS_CERT_FILE and CLARITY_TLS_KEY_FILE: set both or neither']);
  }
  if (e.CLARITY_TLS_CA_FILE && !e.CLARITY_TLS_CERT_FILE) {
    throw new ConfigError(['CLARITY_TLS_CA_FILE: needs CLARITY_TLS_CERT_FILE and CLARITY_TLS_KEY_FILE too']);
  }
  if (e.MONGODB_URI && !/^mongodb(\+srv)?:\/\//.test(e.MONGODB_URI)) {
    throw new ConfigError([`MONGODB_URI: expected a mongodb:// or mongodb+srv:// URI, got ${JSON.stringify(e.MONGODB_URI)}`]);
  }
  return {
    service,
    host: e.CLARITY_HOST!,
    grpcPort: e.CLARITY_GRPC_PORT,
    metricsPort: e.CLARITY_METRICS_PORT,
    metricsEnabled: e.CLARITY_METRICS_ENABLED,
    logLevel: e.CLARITY_LOG_LEVEL,
    maxInflight: e.CLARITY_MAX_INFLIGHT,
    maxMessageBytes: e.CLARITY_MAX_MESSAGE_BYTES,
    batchMaxItems: e.CLARITY_BATCH_MAX_ITEMS,
    keepalive: {
      timeMs: e.CLARITY_KEEPALIVE_TIME_MS,
      timeoutMs: e.CLARITY_KEEPALIVE_TIMEOUT_MS,
      maxConnectionAgeMs: e.CLARITY_MAX_CONNECTION_AGE_MS,
      maxConnectionAgeGraceMs: e.CLARITY_MAX_CONNECTION_AGE_GRACE_MS,
    },
    shutdown: { drainDelayMs: e.CLARITY_SHUTDOWN_DRAIN_DELAY_MS, timeoutMs: e.CLARITY_SHUTDOWN_TIMEOUT_MS },
    tls: e.CLARITY_TLS_CERT_FILE
      ? { certFile: e.CLARITY_TLS_CERT_FILE, keyFile: e.CLARITY_TLS_KEY_FILE!, caFile: e.CLARITY_TLS_CA_FILE }
      : undefined,
    store: e.MONGODB_URI
      ? { kind: 'mongodb', uri: e.MONGODB_URI, database: e.CLARITY_MONGODB_DB! }
      : { kind: 'embedded', dir: e.CLARITY_DATA_DIR },
    tracing: {
      exporter: e.OTEL_TRACES_EXPORTER,
      endpoint: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
  };
}
