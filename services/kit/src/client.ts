// Clients for service-to-service calls: per-method timeouts and retries in the channel's service
// config (so grpc-timeout goes on the wire), the caller's remaining budget in metadata, keepalive,
// TLS, tracing and client metrics.
import { createChannel, createClientFactory, type Channel, type Client, type CompatServiceDefinition } from 'nice-grpc';
import { ClientError, Status, type ClientMiddleware } from 'nice-grpc-common';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import { openTelemetryClientMiddleware } from 'nice-grpc-opentelemetry';
import { prometheusClientMiddleware } from 'nice-grpc-prometheus';
import { HealthDefinition } from 'nice-grpc-server-health';
import type { TlsFiles } from './config.js';
import { deadlineClientMiddleware, type DeadlineCallOptions } from './middleware/deadline.js';
import type { ServiceDefinitionLike } from './server.js';
import { channelCredentials } from './tls.js';

export interface ClientOptions {
  tls?: TlsFiles;
  /** Timeout for unary and client-streaming calls without their own (default 10 s). */
  defaultTimeoutMs?: number;
  /** Per-method timeouts by RPC name ("Match": 500). Server-streaming methods have none unless set here. */
  methodTimeoutsMs?: Record<string, number>;
  /** Retry unary calls that fail with UNAVAILABLE (default 3 attempts; false disables). */
  retryAttempts?: number | false;
  maxMessageBytes?: number;
  keepaliveTimeMs?: number;
}

export type ServiceClient<D extends CompatServiceDefinition> = Client<D, DeadlineCallOptions> & { readonly channel: Channel; close(): void };

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)}s`;

function serviceConfig(definition: ServiceDefinitionLike, timeouts: Map<string, number>, retryAttempts: number | false): string {
  const methodConfig = Object.values(definition.methods).map((m) => {
    const timeout = timeouts.get(m.name);
    const unary = !m.requestStream && !m.responseStream;
    return {
      name: [{ service: definition.fullName, method: m.name }],
      ...(timeout !== undefined ? { timeout: seconds(timeout) } : {}),
      ...(unary && retryAttempts
        ? {
            retryPolicy: {
              maxAttempts: retryAttempts,
              initialBackoff: '0.05s',
              maxBackoff: '1s',
              backoffMultiplier: 2,
              retryableStatusCodes: ['UNAVAILABLE'],
            },
          }
        : {}),
    };
  });
  return JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }], methodConfig });
}

/** Accepts ts-proto generic definitions and grpc-js service definitions (e.g. from other packages). */
function asServiceDefinition(definition: unknown): ServiceDefinitionLike {
  const ts = definition as Partial<ServiceDefinitionLike>;
  if (ts.methods && ts.fullName) return ts as ServiceDefinitionLike;
  const methods: ServiceDefinitionLike['methods'] = {};
  let fullName = '';
  for (const [key, m] of Object.entries(definition as Record<string, { path?: string; requestStream: boolean; responseStream: boolean }>)) {
    const [, service, name] = /^\/([^/]+)\/([^/]+)$/.exec(m.path ?? '') ?? [];
    if (!service || !name) continue;
    fullName = service;
    methods[key] = { name, requestStream: m.requestStream, responseStream: m.responseStream };
  }
  return { name: fullName.split('.').pop() ?? fullName, fullName, methods };
}

export function createServiceClient<D extends CompatServiceDefinition>(
  definition: D,
  address: string,
  options: ClientOptions = {},
): ServiceClient<D> {
  const defaultTimeout = options.defaultTimeoutMs ?? 10_000;
  const timeouts = new Map<string, number>();
  const byPath = new Map<string, number>();
  const def = asServiceDefinition(definition);
  for (const m of Object.values(def.methods)) {
    const t = options.methodTimeoutsMs?.[m.name] ?? (m.responseStream ? undefined : defaultTimeout);
    if (t !== undefined) {
      timeouts.set(m.name, t);
      byPath.set(`/${def.fullName}/${m.name}`, t);
    }
  }
  const channel = createChannel(address, channelCredentials(options.tls), {
    'grpc.service_config': serviceConfig(def, timeouts, options.retryAttempts ?? 3),
    'grpc.enable_retries': 1,
    'grpc.max_receive_message_length': options.maxMessageBytes ?? 16 * 1024 * 1024,
    'grpc.max_send_message_length': options.maxMessageBytes ?? 16 * 1024 * 1024,
    'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const client = createClientFactory()
    // Outermost first: the span covers retries and timing; errors decode before our deadline mapping.
    .use(openTelemetryClientMiddleware() as ClientMiddleware)
    .use(prometheusClientMiddleware() as ClientMiddleware)
    .use(errorDetailsClientMiddleware as ClientMiddleware)
    .use(deadlineClientMiddleware((path) => byPath.get(path)))
    .create(definition as never, channel) as Client<D, DeadlineCallOptions>;
  return Object.assign(client, { channel, close: () => channel.close() });
}

export type HealthStatusName = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN' | 'UNKNOWN' | 'UNREACHABLE';

/** Asks a server's grpc.health.v1 service for one service's status ("" = overall). Never throws. */
export async function checkHealth(
  address: string,
  service = '',
  options: { tls?: TlsFiles; timeoutMs?: number } = {},
): Promise<{ status: HealthStatusName; error?: string }> {
  const client = createServiceClient(HealthDefinition, address, {
    tls: options.tls,
    defaultTimeoutMs: options.timeoutMs ?? 2_000,
    retryAttempts: false,
  });
  try {
    const res = await client.check({ service });
    const names: Record<number, HealthStatusName> = { 0: 'UNKNOWN', 1: 'SERVING', 2: 'NOT_SERVING', 3: 'SERVICE_UNKNOWN' };
    return { status: names[res.status] ?? 'UNKNOWN' };
  } catch (err) {
    if (err instanceof ClientError && err.code === Status.NOT_FOUND) return { status: 'SERVICE_UNKNOWN', error: err.details };
    return { status: 'UNREACHABLE', error: err instanceof ClientError ? `${Status[err.code]}: ${err.details}` : String(err) };
  } finally {
    client.close();
  }
}
