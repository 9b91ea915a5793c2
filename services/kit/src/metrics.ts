// Prometheus metrics: go-grpc-middleware names from nice-grpc-prometheus (grpc_server_handled_total,
// grpc_server_handling_seconds, grpc_client_*), Node runtime metrics, and Clarity's own, served on a
// separate HTTP port so scraping never competes with gRPC traffic.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as prom from 'prom-client';
import { registry as grpcRegistry } from 'nice-grpc-prometheus';

/** Registry for Clarity's own metrics (breakers, admission, store, domain metrics of services). */
export const metricsRegistry = new prom.Registry();

let runtimeCollected = false;
function collectRuntimeMetrics(): void {
  if (runtimeCollected) return;
  runtimeCollected = true;
  prom.collectDefaultMetrics({ register: metricsRegistry });
}

/** The merged exposition of gRPC, runtime and Clarity metrics. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const merged = prom.Registry.merge([metricsRegistry, grpcRegistry as unknown as prom.Registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}

/** Returns the existing metric of that name or registers a new one (services may start twice in tests). */
export function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): prom.Counter<L> {
  return (metricsRegistry.getSingleMetric(name) as prom.Counter<L> | undefined) ??
    new prom.Counter({ name, help, labelNames, registers: [metricsRegistry] });
}

export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): prom.Gauge<L> {
  return (metricsRegistry.getSingleMetric(name) as prom.Gauge<L> | undefined) ??
    new prom.Gauge({ name, help, labelNames, registers: [metricsRegistry] });
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets?: number[],
): prom.Histogram<L> {
  return (metricsRegistry.getSingleMetric(name) as prom.Histogram<L> | undefined) ??
    new prom.Histogram({ name, help, labelNames, registers: [metricsRegistry], ...(buckets ? { buckets } : {}) });
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves GET /metrics on host:port (port 0 picks a free port). */
export async function startMetricsServer(host: string, port: number): Promise<MetricsServer> {
  collectRuntimeMetrics();
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      renderMetrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics collection failed: ${(err as Error).message}`);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: metrics are at /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
