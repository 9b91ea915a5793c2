// OpenTelemetry tracing through @opentelemetry/sdk-node. gRPC spans come from nice-grpc-opentelemetry
// middleware (not instrumentation-grpc: using both would double every span). The SDK always runs so
// W3C trace context propagates and logs carry trace ids; exporting is off unless configured.
import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RuntimeConfig } from './config.js';

let sdkStarting: Promise<NodeSDK> | undefined;
let refs = 0;

export interface TelemetryOptions {
  serviceName: string;
  exporter: RuntimeConfig['tracing']['exporter'];
  endpoint?: string;
  /** Test hook: export synchronously to this exporter (e.g. InMemorySpanExporter). */
  spanExporter?: SpanExporter;
}

/**
 * Starts the process-wide tracer provider once; later calls share it (several services may live in
 * one test process). Returns a function that releases this caller's reference.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<() => Promise<void>> {
  refs += 1;
  sdkStarting ??= createSdk(options);
  await sdkStarting;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    refs -= 1;
    if (refs === 0 && sdkStarting) {
      const s = await sdkStarting;
      sdkStarting = undefined;
      await s.shutdown().catch(() => undefined);
    }
  };
}

async function createSdk(options: TelemetryOptions): Promise<NodeSDK> {
  // Loaded on first use so tools that only import the kit's clients (the CLI) start fast.
  const [{ NodeSDK }, { resourceFromAttributes }, { BatchSpanProcessor, ConsoleSpanExporter, NoopSpanProcessor, SimpleSpanProcessor }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const spanProcessors: SpanProcessor[] = [];
  if (options.spanExporter) spanProcessors.push(new SimpleSpanProcessor(options.spanExporter));
  if (options.exporter === 'otlp') {
    const url = options.endpoint
      ? options.endpoint.endsWith('/v1/traces') ? options.endpoint : `${options.endpoint.replace(/\/$/, '')}/v1/traces`
      : undefined;
    // Loaded only when exporting: the exporter is a sizeable import.
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {})));
  } else if (options.exporter === 'console') {
    spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  }
  // With no exporter the SDK would register no tracer provider at all; a no-op processor keeps real
  // trace ids (for logs, error references and propagation) without exporting anything.
  if (spanProcessors.length === 0) spanProcessors.push(new NoopSpanProcessor());
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': `clarity-${options.serviceName}`, 'service.namespace': 'clarity' }),
    spanProcessors,
    instrumentations: [],
    // Metrics are served by prom-client; logs go to stdout through pino.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return sdk;
}
