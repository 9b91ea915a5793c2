// Server wiring shared by every service — every operational feature in one place: health (overall and
// per service), reflection, metrics, tracing, logging, deadlines, error model, admission control,
// keepalive, max connection age, max message size, TLS, and graceful drain on shutdown.
import { createServer, type Server } from 'nice-grpc';
import type { CallContext, ServerMiddleware } from 'nice-grpc-common';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import { openTelemetryServerMiddleware } from 'nice-grpc-opentelemetry';
import { prometheusServerMiddleware } from 'nice-grpc-prometheus';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { clarityDescriptorSet } from '@clarity/proto/descriptor';
import type { RuntimeConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startMetricsServer, type MetricsServer } from './metrics.js';
import { admissionMiddleware } from './middleware/admission.js';
import { deadlineServerMiddleware, type DeadlineContext } from './middleware/deadline.js';
import { errorMiddleware } from './middleware/errors.js';
import { startTelemetry } from './telemetry.js';
import { serverCredentials } from './tls.js';

/** The context every handler receives: nice-grpc's CallContext plus the caller's deadline. */
export type HandlerContext = CallContext & DeadlineContext;

/** A ts-proto generic service definition (e.g. MatchingServiceDefinition). */
export interface ServiceDefinitionLike {
  name: string;
  fullName: string;
  methods: Record<string, { path?: string; name: string; requestStream: boolean; responseStream: boolean }>;
}

export interface ServiceRegistration {
  definition: ServiceDefinitionLike;
  // The implementation's type is checked where it is built (against the generated
  // <Service>Implementation<DeadlineContext> interface); here it is only handed to nice-grpc.
  implementation: object;
}

export interface StartServiceOptions {
  config: RuntimeConfig;
  services: ServiceRegistration[];
  logger?: Logger;
  /** Resolves when the service can answer; health stays NOT_SERVING until then. A rejection stops the process. */
  ready?: Promise<void>;
  /** Closes the service's own resources (store, breakers, timers) once in-flight calls have drained. */
  onClose?: () => Promise<void>;
  /** Test hook: receive every finished span. */
  spanExporter?: SpanExporter;
}

export interface RunningService {
  name: string;
  /** host:port the gRPC server listens on. */
  address: string;
  port: number;
  metricsPort?: number;
  logger: Logger;
  health: HealthState;
  /** Marks one service (or, with no name, all of them) SERVING or NOT_SERVING. */
  setServing(serving: boolean, serviceFullName?: string): void;
  /** Graceful shutdown: NOT_SERVING → drain delay → wait for in-flight calls → close resources. */
  shutdown(reason?: string): Promise<void>;
  /** In-flight calls right now (admission-controlled methods only). */
  inflight(): number;
}

export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.service, config.logLevel);
  const releaseTelemetry = await startTelemetry({
    serviceName: config.service,
    exporter: config.tracing.exporter,
    endpoint: config.tracing.endpoint,
    spanExporter: options.spanExporter,
  });

  const admission = admissionMiddleware(config.service, config.maxInflight);
  const server: Server = createServer({
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
    'grpc.keepalive_time_ms': config.keepalive.timeMs,
    'grpc.keepalive_timeout_ms': config.keepalive.timeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    ...(config.keepalive.maxConnectionAgeMs > 0
      ? {
          // Bounded connection age lets clients re-resolve and rebalance across replicas.
          'grpc.max_connection_age_ms': config.keepalive.maxConnectionAgeMs,
          'grpc.max_connection_age_grace_ms': config.keepalive.maxConnectionAgeGraceMs,
        }
      : {}),
  })
    // Outermost first.
    .use(admission)
    .use(prometheusServerMiddleware())
    .use(openTelemetryServerMiddleware())
    .use(deadlineServerMiddleware())
    .use(errorDetailsServerMiddleware as ServerMiddleware)
    .use(errorMiddleware(logger));

  const health = HealthState();
  const names = options.services.map((s) => s.definition.fullName);
  const setServing = (serving: boolean, name?: string) => {
    const status = serving ? 'healthy' : 'unhealthy';
    for (const n of name ? [name] : names) health.setStatus(status, n);
    // Overall ('') is SERVING only when every service is.
    health.setStatus(names.every((n) => health.getStatus(n) === 'healthy') ? 'healthy' : 'unhealthy', '');
  };
  setServing(false);

  for (const s of options.services) {
    server.add(s.definition as never, s.implementation as never);
  }
  server.add(HealthDefinition, HealthServiceImpl(health));
  server.add(ServerReflectionService, ServerReflection(clarityDescriptorSet(), [...names, 'grpc.health.v1.Health']));

  const port = await server.listen(`${config.host}:${config.grpcPort}`, serverCredentials(config.tls));
  const address = `${config.host}:${port}`;
  let metrics: MetricsServer | undefined;
  if (config.metricsEnabled) metrics = await startMetricsServer(config.host, config.metricsPort);
  logger.info(
    { address, metricsPort: metrics?.port, tls: Boolean(config.tls), mtls: Boolean(config.tls?.caFile), store: config.store.kind },
    `${config.service} listening`,
  );

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown requested'): Promise<void> => {
    shuttingDown ??= (async () => {
      logger.info({ reason, inflight: admission.inflight() }, 'shutting down: NOT_SERVING, draining');
      setServing(false);
      if (config.shutdown.drainDelayMs > 0) {
        // Give load balancers time to see NOT_SERVING before the listener goes away.
        await new Promise((r) => setTimeout(r, config.shutdown.drainDelayMs));
      }
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        server.shutdown().then(() => true),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), config.shutdown.timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!drained) {
        logger.warn({ inflight: admission.inflight(), timeoutMs: config.shutdown.timeoutMs }, 'drain timed out; cancelling remaining calls');
        server.forceShutdown();
      }
      if (options.onClose) await options.onClose().catch((err: unknown) => logger.error({ err }, 'error while closing resources'));
      await metrics?.close();
      await releaseTelemetry();
      logger.info('stopped');
    })();
    return shuttingDown;
  };

  if (options.ready) {
    options.ready.then(
      () => {
        if (!shuttingDown) {
          setServing(true);
          logger.info('SERVING');
        }
      },
      (err: unknown) => {
        logger.fatal({ err }, 'service failed to become ready');
        void shutdown('not ready').finally(() => {
          process.exitCode = 1;
        });
      },
    );
  } else {
    setServing(true);
  }

  return {
    name: config.service,
    address,
    port,
    metricsPort: metrics?.port,
    logger,
    health,
    setServing,
    shutdown,
    inflight: () => admission.inflight(),
  };
}
