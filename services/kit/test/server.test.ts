// The kit's server and client wiring, on real servers at port 0 talking real gRPC.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ClientError, Status } from 'nice-grpc-common';
import { RichClientError, BadRequest } from 'nice-grpc-error-details';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import { ClassificationServiceDefinition } from '@clarity/proto/clarity/classification/v1/classification.js';
import { checkHealth, createServiceClient, type RunningService } from '../src/index.js';
import { createTestCerts } from '../src/testing.js';
import { newObserved, payee, startClassificationDouble, startMatchingDouble } from './fixtures.js';

const spans = new InMemorySpanExporter();

describe('kit server and client', () => {
  const observedA = newObserved();
  const observedB = newObserved();
  let matching: RunningService;
  let classification: RunningService;

  before(async () => {
    // The first service of the process installs the (process-wide) tracer provider with the test exporter.
    matching = await startMatchingDouble(observedB, { spanExporter: spans });
    classification = await startClassificationDouble(observedA, { matchingAddress: matching.address });
  });
  after(async () => {
    await classification.shutdown();
    await matching.shutdown();
  });

  test('health: overall and per service SERVING, unknown service NOT_FOUND', async () => {
    assert.equal((await checkHealth(classification.address, '')).status, 'SERVING');
    assert.equal((await checkHealth(classification.address, 'clarity.classification.v1.ClassificationService')).status, 'SERVING');
    assert.equal((await checkHealth(classification.address, 'no.such.Service')).status, 'SERVICE_UNKNOWN');
  });

  test('reflection lists the service and grpc.health.v1.Health through the kit client', async () => {
    const client = createServiceClient(ServerReflectionService as never, classification.address) as unknown as {
      serverReflectionInfo(req: AsyncIterable<unknown>): AsyncIterable<{ listServicesResponse?: { service: Array<{ name: string }> }; getListServicesResponse?: () => { getServiceList(): Array<{ getName(): string }> } }>;
      close(): void;
    };
    // nice-grpc-server-reflection exposes a grpc-js (google-protobuf) definition: messages are class instances.
    const pb = (await import('nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb.js' as string)) as { default: { ServerReflectionRequest: new () => { setListServices(s: string): void } } };
    const { ServerReflectionRequest } = pb.default;
    const req = new ServerReflectionRequest();
    req.setListServices('*');
    async function* one() {
      yield req;
    }
    const names: string[] = [];
    for await (const res of client.serverReflectionInfo(one())) {
      for (const s of res.getListServicesResponse!().getServiceList()) names.push(s.getName());
    }
    client.close();
    assert.deepEqual(names.sort(), ['clarity.classification.v1.ClassificationService', 'grpc.health.v1.Health']);
  });

  test('error model: INVALID_ARGUMENT carries google.rpc.BadRequest field violations', async () => {
    const client = createServiceClient(ClassificationServiceDefinition, classification.address);
    const err = await client.classify(payee('')).then(() => undefined, (e: unknown) => e);
    client.close();
    assert.ok(err instanceof RichClientError, `expected RichClientError, got ${String(err)}`);
    assert.equal(err.code, Status.INVALID_ARGUMENT);
    const bad = err.extra.find((d) => d.$type === BadRequest.$type) as BadRequest | undefined;
    assert.deepEqual(bad?.fieldViolations.map((v) => v.field), ['payee.name']);
  });

  test('error model: an unexpected error becomes INTERNAL without leaking its message', async () => {
    const client = createServiceClient(ClassificationServiceDefinition, classification.address);
    const err = await client.classify(payee('boom')).then(() => undefined, (e: unknown) => e);
    client.close();
    assert.ok(err instanceof ClientError);
    assert.equal(err.code, Status.INTERNAL);
    assert.doesNotMatch(err.details, /secret|passwd|Error:|at /);
    assert.match(err.details, /internal error \(trace [0-9a-f]{32}\)/);
  });

  test('a client deadline reaches the signal of a service two hops away, with the budget in metadata', async () => {
    const client = createServiceClient(ClassificationServiceDefinition, classification.address);
    const started = Date.now();
    const err = await client.classify(payee('hop:x'), { timeoutMs: 300 }).then(() => undefined, (e: unknown) => e);
    client.close();
    assert.ok(err instanceof ClientError);
    assert.equal(err.code, Status.DEADLINE_EXCEEDED);
    assert.ok(Date.now() - started < 2_000);
    // Hop 2 saw its signal abort (not a 10 s default timeout) and received a budget below the client's.
    await waitFor(() => observedB.abortedAfterMs.length === 1);
    assert.ok(observedB.abortedAfterMs[0]! <= 1_000, `hop 2 aborted after ${observedB.abortedAfterMs[0]} ms`);
    const hop1Budget = Number(observedA.budgets.at(-1));
    const hop2Budget = Number(observedB.budgets.at(-1));
    assert.ok(hop1Budget > 0 && hop1Budget <= 300, `hop 1 budget ${hop1Budget}`);
    assert.ok(hop2Budget > 0 && hop2Budget <= hop1Budget, `hop 2 budget ${hop2Budget} vs hop 1 ${hop1Budget}`);
  });

  test('one trace id spans both services', async () => {
    spans.reset();
    const client = createServiceClient(ClassificationServiceDefinition, classification.address);
    await client.classify(payee('hop:trace'), { timeoutMs: 200 }).catch(() => undefined);
    client.close();
    await waitFor(() => spans.getFinishedSpans().filter((s) => s.name.includes('MatchingService/Match')).length >= 2);
    const finished = spans.getFinishedSpans();
    const classifyServer = finished.find((s) => s.name.includes('ClassificationService/Classify') && s.kind === 1);
    const matchServer = finished.find((s) => s.name.includes('MatchingService/Match') && s.kind === 1);
    assert.ok(classifyServer && matchServer, `spans: ${finished.map((s) => `${s.name}/${s.kind}`).join(', ')}`);
    assert.equal(matchServer.spanContext().traceId, classifyServer.spanContext().traceId);
    assert.notEqual(matchServer.spanContext().spanId, classifyServer.spanContext().spanId);
  });

  test('/metrics carries go-grpc-middleware metric names with correct labels, plus runtime metrics', async () => {
    const client = createServiceClient(ClassificationServiceDefinition, classification.address);
    await client.classify(payee('acme'));
    await client.classify(payee('')).catch(() => undefined);
    client.close();
    const body = await (await fetch(`http://127.0.0.1:${classification.metricsPort}/metrics`)).text();
    const line = (name: string, code: string) =>
      new RegExp(`^${name}\\{grpc_type="unary",grpc_service="clarity.classification.v1.ClassificationService",grpc_method="Classify",grpc_path="/clarity.classification.v1.ClassificationService/Classify",grpc_code="${code}"\\} [1-9]`, 'm');
    assert.match(body, line('grpc_server_handled_total', 'OK'));
    assert.match(body, line('grpc_server_handled_total', 'INVALID_ARGUMENT'));
    assert.match(body, line('grpc_client_handled_total', 'OK'));
    assert.match(body, /^grpc_server_handling_seconds_bucket\{(?=[^}]*le="0.004")(?=[^}]*grpc_method="Classify")(?=[^}]*grpc_code="OK")[^}]*\} \d+/m);
    assert.match(body, /^grpc_server_started_total\{grpc_type="unary",grpc_service="clarity.classification.v1.ClassificationService",grpc_method="Classify"/m);
    assert.match(body, /^process_resident_memory_bytes \d+/m);
    assert.match(body, /^nodejs_eventloop_lag_seconds \d/m);
  });
});

describe('limits', () => {
  test('an oversize message gets RESOURCE_EXHAUSTED', async () => {
    const running = await startClassificationDouble(newObserved(), { env: { CLARITY_MAX_MESSAGE_BYTES: '2048' } });
    const client = createServiceClient(ClassificationServiceDefinition, running.address);
    const err = await client.classify(payee('x'.repeat(10_000))).then(() => undefined, (e: unknown) => e);
    const ok = await client.classify(payee('small'));
    client.close();
    await running.shutdown();
    assert.ok(err instanceof ClientError);
    assert.equal(err.code, Status.RESOURCE_EXHAUSTED);
    assert.equal(ok.classification?.normalizedName, 'SMALL');
  });

  test('admission control refuses calls beyond the in-flight cap at once; health still answers', async () => {
    const running = await startClassificationDouble(newObserved(), { env: { CLARITY_MAX_INFLIGHT: '2' } });
    const client = createServiceClient(ClassificationServiceDefinition, running.address);
    const slow = [client.classify(payee('slow:400')), client.classify(payee('slow:400'))];
    await waitFor(() => running.inflight() === 2);
    const started = Date.now();
    const err = await client.classify(payee('x')).then(() => undefined, (e: unknown) => e);
    const refusedIn = Date.now() - started;
    const health = await checkHealth(running.address, '');
    await Promise.all(slow);
    client.close();
    await running.shutdown();
    assert.ok(err instanceof ClientError);
    assert.equal(err.code, Status.RESOURCE_EXHAUSTED);
    assert.ok(refusedIn < 300, `refused after ${refusedIn} ms`);
    assert.equal(health.status, 'SERVING');
  });
});

describe('readiness and shutdown', () => {
  test('NOT_SERVING until ready, NOT_SERVING as soon as shutdown starts', async () => {
    let markReady!: () => void;
    const ready = new Promise<void>((r) => (markReady = r));
    // A drain delay keeps the listener open while NOT_SERVING propagates to load balancers.
    const running = await startClassificationDouble(newObserved(), { ready, env: { CLARITY_SHUTDOWN_DRAIN_DELAY_MS: '300' } });
    assert.equal((await checkHealth(running.address, '')).status, 'NOT_SERVING');
    markReady();
    await waitFor(async () => (await checkHealth(running.address, '')).status === 'SERVING');
    const client = createServiceClient(ClassificationServiceDefinition, running.address);
    const inflight = client.classify(payee('slow:500'));
    await waitFor(() => running.inflight() === 1);
    const stopping = running.shutdown('test');
    // Health flips before the in-flight call finishes.
    const during = await checkHealth(running.address, 'clarity.classification.v1.ClassificationService');
    const res = await inflight;
    await stopping;
    client.close();
    assert.equal(during.status, 'NOT_SERVING');
    assert.equal(res.classification?.normalizedName, 'SLOW:500');
  });

  test('SIGTERM during an in-flight call lets it complete, then the process exits 0', async () => {
    const script = fileURLToPath(new URL('./bin/double-server.js', import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    const { address } = JSON.parse(first) as { address: string };
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const client = createServiceClient(ClassificationServiceDefinition, address);
    const call = client.classify(payee('slow:700'));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const res = await call;
    const code = await exited;
    client.close();
    assert.equal(res.classification?.normalizedName, 'SLOW:700');
    assert.equal(code, 0);
  });
});

describe('trace export', () => {
  test('OTEL_TRACES_EXPORTER=otlp sends spans to the configured OTLP/HTTP endpoint (flushed at shutdown)', async () => {
    const { createServer } = await import('node:http');
    const bodies: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('latin1')));
      req.on('end', () => {
        bodies.push(`${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    const script = fileURLToPath(new URL('./bin/double-server.js', import.meta.url));
    const child = spawn(process.execPath, [script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    });
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    const client = createServiceClient(ClassificationServiceDefinition, (JSON.parse(first) as { address: string }).address);
    await client.classify(payee('traced'));
    client.close();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    receiver.close();
    const all = bodies.join('\n');
    assert.match(all, /^\/v1\/traces /m);
    assert.match(all, /clarity-classification-double/);
    assert.match(all, /ClassificationService\/Classify/);
  });
});

describe('TLS', () => {
  test('mutual TLS: a client with a certificate signed by the CA is served; one without is refused', async () => {
    const certs = createTestCerts();
    const running = await startClassificationDouble(newObserved(), {
      env: { CLARITY_TLS_CERT_FILE: certs.serverCert, CLARITY_TLS_KEY_FILE: certs.serverKey, CLARITY_TLS_CA_FILE: certs.caCert },
    });
    const port = running.address.split(':')[1];
    const good = createServiceClient(ClassificationServiceDefinition, `localhost:${port}`, {
      tls: { certFile: certs.clientCert, keyFile: certs.clientKey, caFile: certs.caCert },
    });
    const res = await good.classify(payee('secure'));
    good.close();
    // A client that trusts the CA but presents no certificate.
    const { credentials } = await import('@grpc/grpc-js');
    const { createChannel, createClient } = await import('nice-grpc');
    const { readFileSync } = await import('node:fs');
    const channel = createChannel(`localhost:${port}`, credentials.createSsl(readFileSync(certs.caCert)));
    const bad = createClient(ClassificationServiceDefinition, channel);
    const err = await bad.classify(payee('x'), { signal: AbortSignal.timeout(3_000) }).then(() => undefined, (e: unknown) => e);
    channel.close();
    const plain = createServiceClient(ClassificationServiceDefinition, `localhost:${port}`, { retryAttempts: false });
    const plainErr = await plain.classify(payee('x'), { timeoutMs: 3_000 }).then(() => undefined, (e: unknown) => e);
    plain.close();
    await running.shutdown();
    assert.equal(res.classification?.normalizedName, 'SECURE');
    assert.ok(err instanceof Error, 'a client without a certificate must fail');
    assert.ok(plainErr instanceof Error, 'a plaintext client must fail');
  });
});

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
