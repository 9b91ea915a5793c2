// The edge of the mesh. Browsers speak gRPC-Web, scripts speak JSON; both are turned into gRPC calls to
// the services. gRPC-Web bodies pass through as bytes (no re-encoding); JSON is converted with the
// generated codecs. CORS exposes grpc-status/grpc-message so gRPC-Web clients see statuses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import {
  channelCredentials,
  checkHealth,
  counter,
  createLogger,
  histogram,
  startMetricsServer,
  startTelemetry,
  BUDGET_HEADER,
  type Logger,
  type MetricsServer,
} from '@clarity/kit';
import { BadRequest, ErrorInfo, PreconditionFailure, QuotaFailure, ResourceInfo, RetryInfo } from '@clarity/proto/google/rpc/error_details.js';
import { Status as StatusProto } from '@clarity/proto/google/rpc/status.js';
import type { GatewayConfig } from './config.js';
import { decodeFrames, encodeFrame, encodeGrpcMessage, FRAME_DATA, trailerFrame } from './grpc-web.js';
import { buildRoutes, type Route } from './routes.js';

type Protocol = 'grpc-web' | 'grpc-web-text' | 'json';

const requests = counter('clarity_gateway_requests_total', 'Gateway requests by route, protocol and gRPC code.', ['route', 'protocol', 'code']);
const latency = histogram('clarity_gateway_request_seconds', 'Gateway request latency.', ['route', 'protocol'], [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);

/** grpc-gateway's mapping of gRPC codes to HTTP statuses. */
const HTTP_STATUS: Record<number, number> = {
  0: 200, 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
};

const FORWARDED_HEADERS = ['authorization', 'x-request-id', 'x-user-agent'];
const ALLOWED_HEADERS = 'content-type,x-grpc-web,x-user-agent,grpc-timeout,authorization,x-request-id,traceparent,tracestate,' + BUDGET_HEADER;
const EXPOSED_HEADERS = 'grpc-status,grpc-message,grpc-status-details-bin';

const DETAIL_CODECS: ReadonlyArray<[string, { decode(b: Uint8Array): unknown; toJSON(m: never): unknown }]> = [
  ['google.rpc.BadRequest', BadRequest],
  ['google.rpc.ErrorInfo', ErrorInfo],
  ['google.rpc.PreconditionFailure', PreconditionFailure],
  ['google.rpc.QuotaFailure', QuotaFailure],
  ['google.rpc.ResourceInfo', ResourceInfo],
  ['google.rpc.RetryInfo', RetryInfo],
];

class GatewayError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly detailsBin?: Buffer,
  ) {
    super(message);
  }
}

/** Parses a grpc-timeout header ("100m", "5S", "1H"…) into milliseconds. */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  const m = value?.match(/^(\d{1,8})([HMSmun])$/);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 }[m[2] as 'H' | 'M' | 'S' | 'm' | 'u' | 'n'];
  return n * unit;
}

function statusJson(code: number, message: string, detailsBin?: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = { code, status: GrpcStatus[code] ?? 'UNKNOWN', message };
  if (detailsBin?.length) {
    try {
      const st = StatusProto.decode(detailsBin);
      out.details = st.details.map((any) => {
        const codec = DETAIL_CODECS.find(([name]) => any.typeUrl.endsWith(`/${name}`))?.[1];
        if (!codec) return { '@type': any.typeUrl };
        return { '@type': any.typeUrl, ...(codec.toJSON(codec.decode(any.value) as never) as Record<string, unknown>) };
      });
    } catch {
      // Undecodable details are dropped; code and message still reach the caller.
    }
  }
  return out;
}

function protocolOf(contentType: string | undefined): Protocol | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/grpc-web' || ct === 'application/grpc-web+proto') return 'grpc-web';
  if (ct === 'application/grpc-web-text' || ct === 'application/grpc-web-text+proto') return 'grpc-web-text';
  if (ct === 'application/json' || ct === '') return 'json';
  return undefined;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new GatewayError(GrpcStatus.RESOURCE_EXHAUSTED, `request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface RunningGateway {
  url: string;
  port: number;
  metricsPort?: number;
  logger: Logger;
  shutdown(reason?: string): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: { logger?: Logger } = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger('gateway', config.runtime.logLevel);
  const releaseTelemetry = await startTelemetry({ serviceName: 'gateway', exporter: config.runtime.tracing.exporter, endpoint: config.runtime.tracing.endpoint });
  const tracer = trace.getTracer('clarity-gateway');
  const routes = buildRoutes();
  const creds = channelCredentials(config.runtime.tls);
  const upstreams = new Map<string, Client>();
  for (const [component, address] of Object.entries(config.upstreams)) {
    upstreams.set(
      component,
      new Client(address, creds, {
        'grpc.max_receive_message_length': config.runtime.maxMessageBytes,
        'grpc.max_send_message_length': config.runtime.maxMessageBytes,
        'grpc.keepalive_time_ms': config.runtime.keepalive.timeMs,
        'grpc.keepalive_timeout_ms': config.runtime.keepalive.timeoutMs,
      }),
    );
  }

  let inflight = 0;
  let draining = false;
  const health = new Map<string, { at: number; ok: boolean; status: string }>();

  async function upstreamHealth(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    await Promise.all(
      Object.entries(config.upstreams).map(async ([component, address]) => {
        const cached = health.get(component);
        if (cached && Date.now() - cached.at < config.healthCacheMs) {
          out[component] = cached.status;
          return;
        }
        const h = await checkHealth(address, '', { tls: config.runtime.tls, timeoutMs: 1_000 });
        health.set(component, { at: Date.now(), ok: h.status === 'SERVING', status: h.status });
        out[component] = h.status;
      }),
    );
    return out;
  }

  function cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!origin) return;
    const allowed = config.corsOrigins.includes('*') || config.corsOrigins.includes(origin);
    if (!allowed) return;
    res.setHeader('access-control-allow-origin', config.corsOrigins.includes('*') ? '*' : origin);
    res.setHeader('vary', 'origin');
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }

  function sendJson(res: ServerResponse, httpStatus: number, body: unknown): void {
    res.writeHead(httpStatus, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function upstreamMetadata(req: IncomingMessage, budgetMs: number | undefined): Metadata {
    const md = new Metadata();
    for (const h of FORWARDED_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') md.set(h, v);
    }
    if (budgetMs !== undefined) md.set(BUDGET_HEADER, String(Math.floor(budgetMs)));
    propagation.inject(context.active(), md, { set: (m, k, v) => m.set(k, v) });
    return md;
  }

  function decodeRequests(route: Route, protocol: Protocol, body: Buffer): Buffer[] {
    if (protocol === 'json') {
      let parsed: unknown;
      try {
        parsed = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch (err) {
        throw new GatewayError(GrpcStatus.INVALID_ARGUMENT, `request body is not valid JSON: ${(err as Error).message}`);
      }
      const items = route.requestStream ? parsed : [parsed];
      if (!Array.isArray(items)) throw new GatewayError(GrpcStatus.INVALID_ARGUMENT, `${route.method} streams requests: send a JSON array of messages`);
      return items.map((item, i) => {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          throw new GatewayError(GrpcStatus.INVALID_ARGUMENT, `message ${i} must be a JSON object`);
        }
        try {
          return Buffer.from(route.request.encode(route.request.fromJSON(item)).finish());
        } catch (err) {
          throw new GatewayError(GrpcStatus.INVALID_ARGUMENT, `message ${i} does not fit ${route.method}'s request: ${(err as Error).message}`);
        }
      });
    }
    const raw = protocol === 'grpc-web-text' ? Buffer.from(body.toString('latin1'), 'base64') : body;
    try {
      const frames = decodeFrames(raw);
      if (!route.requestStream && frames.length !== 1) throw new Error(`expected exactly one message, got ${frames.length}`);
      return frames;
    } catch (err) {
      throw new GatewayError(GrpcStatus.INVALID_ARGUMENT, (err as Error).message);
    }
  }

  /** Writes one response message in the request's protocol. */
  function writeMessage(res: ServerResponse, route: Route, protocol: Protocol, bytes: Buffer): void {
    if (protocol === 'json') {
      const json = JSON.stringify(route.response.toJSON(route.response.decode(bytes)));
      res.write(route.responseStream ? `${json}\n` : json);
      return;
    }
    const frame = encodeFrame(FRAME_DATA, bytes);
    res.write(protocol === 'grpc-web-text' ? frame.toString('base64') : frame);
  }

  function startResponse(res: ServerResponse, route: Route, protocol: Protocol): void {
    if (res.headersSent) return;
    const type =
      protocol === 'json' ? (route.responseStream ? 'application/x-ndjson' : 'application/json') : protocol === 'grpc-web-text' ? 'application/grpc-web-text+proto' : 'application/grpc-web+proto';
    res.writeHead(200, { 'content-type': type });
  }

  function finish(res: ServerResponse, route: Route, protocol: Protocol, code: number, message: string, detailsBin?: Buffer): void {
    if (protocol === 'json') {
      if (code === GrpcStatus.OK) {
        if (!res.headersSent) startResponse(res, route, protocol);
        res.end();
      } else if (!res.headersSent) {
        sendJson(res, HTTP_STATUS[code] ?? 500, { error: statusJson(code, message, detailsBin) });
      } else {
        // Mid-stream failure of a server stream: the last NDJSON line carries the status.
        res.end(`${JSON.stringify({ error: statusJson(code, message, detailsBin) })}\n`);
      }
      return;
    }
    const trailers: Record<string, string> = { 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) };
    if (detailsBin?.length) trailers['grpc-status-details-bin'] = detailsBin.toString('base64').replace(/=+$/, '');
    if (!res.headersSent) {
      // Trailers-only response: status in headers too, for clients that read it there.
      res.setHeader('grpc-status', trailers['grpc-status']!);
      res.setHeader('grpc-message', trailers['grpc-message']!);
      startResponse(res, route, protocol);
    }
    const frame = trailerFrame(trailers);
    res.end(protocol === 'grpc-web-text' ? frame.toString('base64') : frame);
  }

  async function proxy(req: IncomingMessage, res: ServerResponse, route: Route, protocol: Protocol): Promise<number> {
    const body = await readBody(req, config.maxBodyBytes);
    const messages = decodeRequests(route, protocol, body);
    const timeout =
      parseGrpcTimeout(req.headers['grpc-timeout'] as string | undefined) ??
      (req.headers[BUDGET_HEADER] ? Number(req.headers[BUDGET_HEADER]) : undefined) ??
      (route.responseStream ? undefined : config.defaultTimeoutMs);
    const budget = timeout !== undefined && Number.isFinite(timeout) ? timeout : undefined;
    const metadata = upstreamMetadata(req, budget);
    const callOptions = budget !== undefined ? { deadline: new Date(Date.now() + budget) } : {};
    const client = upstreams.get(route.component)!;
    const identity = (b: Buffer) => b;

    return new Promise<number>((resolve) => {
      let settled = false;
      const done = (err: ServiceError | null) => {
        if (settled) return;
        settled = true;
        const code = err ? err.code : GrpcStatus.OK;
        const detailsBin = err?.metadata?.get('grpc-status-details-bin')[0];
        finish(res, route, protocol, code, err ? err.details : '', Buffer.isBuffer(detailsBin) ? detailsBin : undefined);
        resolve(code);
      };
      let call: { cancel(): void };
      if (!route.responseStream) {
        const onResult = (err: ServiceError | null, value?: Buffer) => {
          if (!err && value) {
            startResponse(res, route, protocol);
            writeMessage(res, route, protocol, value);
          }
          done(err);
        };
        if (route.requestStream) {
          const stream = client.makeClientStreamRequest(route.path, identity, identity, metadata, callOptions, onResult);
          for (const m of messages) stream.write(m);
          stream.end();
          call = stream;
        } else {
          call = client.makeUnaryRequest(route.path, identity, identity, messages[0]!, metadata, callOptions, onResult);
        }
      } else {
        if (route.requestStream) {
          done({ code: GrpcStatus.UNIMPLEMENTED, details: 'bidirectional streaming is not proxied', metadata: new Metadata() } as ServiceError);
          return;
        }
        const stream = client.makeServerStreamRequest(route.path, identity, identity, messages[0]!, metadata, callOptions);
        stream.on('data', (value: Buffer) => {
          startResponse(res, route, protocol);
          writeMessage(res, route, protocol, value);
        });
        stream.on('error', (err: ServiceError) => done(err));
        stream.on('end', () => setImmediate(() => done(null)));
        call = stream;
      }
      // The browser went away: cancel upstream work.
      res.on('close', () => {
        if (!settled) {
          settled = true;
          call.cancel();
          resolve(GrpcStatus.CANCELLED);
        }
      });
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    cors(req, res);
    const url = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'POST, GET, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '86400',
      });
      res.end();
      return;
    }
    if (req.method === 'GET' && url === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url === '/readyz') {
      const upstream = await upstreamHealth();
      const ready = !draining && Object.values(upstream).every((s) => s === 'SERVING');
      return sendJson(res, ready ? 200 : 503, { ready, draining, upstream });
    }
    if (req.method === 'GET' && url === '/') {
      return sendJson(res, 200, { service: 'clarity-gateway', protocols: ['grpc-web', 'grpc-web-text', 'json'], routes: [...routes.keys()] });
    }
    const route = routes.get(url);
    if (!route) return sendJson(res, 404, { error: statusJson(GrpcStatus.UNIMPLEMENTED, `no route for ${req.method} ${url}`) });
    if (req.method !== 'POST') return sendJson(res, 405, { error: statusJson(GrpcStatus.UNIMPLEMENTED, `${url} accepts POST`) });
    const protocol = protocolOf(req.headers['content-type']);
    if (!protocol) {
      return sendJson(res, 415, {
        error: statusJson(GrpcStatus.INVALID_ARGUMENT, 'content-type must be application/json, application/grpc-web(+proto) or application/grpc-web-text(+proto)'),
      });
    }
    const parent = propagation.extract(context.active(), req.headers);
    await tracer.startActiveSpan(`gateway ${route.path}`, { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': route.service, 'rpc.method': route.method, 'clarity.protocol': protocol } }, parent, async (span) => {
      const stopTimer = latency.startTimer({ route: route.path, protocol });
      let code: number = GrpcStatus.UNKNOWN;
      try {
        if (draining) throw new GatewayError(GrpcStatus.UNAVAILABLE, 'gateway is shutting down');
        if (inflight >= config.runtime.maxInflight) throw new GatewayError(GrpcStatus.RESOURCE_EXHAUSTED, `gateway is at its limit of ${config.runtime.maxInflight} in-flight requests; retry with backoff`);
        inflight += 1;
        try {
          code = await proxy(req, res, route, protocol);
        } finally {
          inflight -= 1;
        }
      } catch (err) {
        code = err instanceof GatewayError ? err.code : GrpcStatus.INTERNAL;
        if (!(err instanceof GatewayError)) logger.error({ err, route: route.path }, 'gateway error');
        if (!res.writableEnded) finish(res, route, protocol, code, err instanceof GatewayError ? err.message : 'internal gateway error');
      } finally {
        requests.inc({ route: route.path, protocol, code: GrpcStatus[code] ?? String(code) });
        stopTimer();
        span.setAttribute('rpc.grpc.status_code', code);
        if (code !== GrpcStatus.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: GrpcStatus[code] });
        span.end();
      }
    });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'unhandled gateway error');
      if (!res.headersSent) sendJson(res, 500, { error: statusJson(GrpcStatus.INTERNAL, 'internal gateway error') });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.runtime.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let metrics: MetricsServer | undefined;
  if (config.runtime.metricsEnabled) metrics = await startMetricsServer(config.runtime.host, config.runtime.metricsPort);
  const url = `http://${config.runtime.host}:${port}`;
  logger.info({ url, metricsPort: metrics?.port, upstreams: config.upstreams }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown requested') => {
    stopping ??= (async () => {
      logger.info({ reason, inflight }, 'gateway draining');
      draining = true;
      if (config.runtime.shutdown.drainDelayMs > 0) await new Promise((r) => setTimeout(r, config.runtime.shutdown.drainDelayMs));
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const deadline = Date.now() + config.runtime.shutdown.timeoutMs;
      while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
      await closed;
      for (const c of upstreams.values()) c.close();
      await metrics?.close();
      await releaseTelemetry();
      logger.info('gateway stopped');
    })();
    return stopping;
  };
  return { url, port, metricsPort: metrics?.port, logger, shutdown };
}
