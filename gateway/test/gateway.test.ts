// The gateway against real gRPC services on port 0: JSON, gRPC-Web (binary and text), server streaming,
// errors with details, deadlines, CORS and readiness.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { invalidArgument, startService, unimplemented, type DeadlineContext, type RunningService } from '@clarity/kit';
import { testRuntimeConfig } from '@clarity/kit/testing';
import {
  ClassificationServiceDefinition,
  ClassifyRequest,
  ClassifyResponse,
  type ClassificationServiceImplementation,
} from '@clarity/proto/clarity/classification/v1/classification.js';
import { PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import {
  BatchJobEventType,
  BatchJobState,
  OrchestrationServiceDefinition,
  type OrchestrationServiceImplementation,
} from '@clarity/proto/clarity/orchestration/v1/orchestration.js';
import { loadGatewayConfig } from '../src/config.js';
import { startGateway, type RunningGateway } from '../src/gateway.js';
import { decodeFrames, encodeFrame, FRAME_DATA } from '../src/grpc-web.js';

const no = (rpc: string) => async () => {
  throw unimplemented(rpc, 'not part of this test double');
};

const classification: ClassificationServiceImplementation<DeadlineContext> = {
  async classify(req, ctx) {
    const name = req.payee?.name ?? '';
    if (!name.trim()) throw invalidArgument([{ field: 'payee.name', description: 'is required' }]);
    if (name === 'slow') await sleep(2_000, undefined, { signal: ctx.signal });
    return { classification: { payeeType: PayeeType.PAYEE_TYPE_BUSINESS, normalizedName: name.toUpperCase(), confidence: 0.5 } };
  },
  classifyBatch: no('ClassifyBatch'),
  listExclusionRules: no('ListExclusionRules'),
  upsertExclusionRule: no('UpsertExclusionRule'),
  deleteExclusionRule: no('DeleteExclusionRule'),
  listOverrides: no('ListOverrides'),
  upsertOverride: no('UpsertOverride'),
  deleteOverride: no('DeleteOverride'),
};

const orchestration: OrchestrationServiceImplementation<DeadlineContext> = {
  processPayee: no('ProcessPayee'),
  createBatchJob: no('CreateBatchJob'),
  getBatchJob: no('GetBatchJob'),
  listBatchJobs: no('ListBatchJobs'),
  async *watchBatchJob(req) {
    for (let done = 0; done <= 2; done++) {
      yield {
        type: done === 0 ? BatchJobEventType.BATCH_JOB_EVENT_TYPE_SNAPSHOT : BatchJobEventType.BATCH_JOB_EVENT_TYPE_PROGRESS,
        job: { id: req.id, state: BatchJobState.BATCH_JOB_STATE_RUNNING, processedRows: done * 10, totalRows: 20 },
      };
    }
  },
  listBatchJobResults: no('ListBatchJobResults'),
  cancelBatchJob: no('CancelBatchJob'),
};

describe('gateway', () => {
  let services: RunningService;
  let orch: RunningService;
  let gw: RunningGateway;

  before(async () => {
    services = await startService({ config: testRuntimeConfig('classification'), services: [{ definition: ClassificationServiceDefinition, implementation: classification }] });
    orch = await startService({ config: testRuntimeConfig('orchestration'), services: [{ definition: OrchestrationServiceDefinition, implementation: orchestration }] });
    gw = await startGateway(
      loadGatewayConfig({
        CLARITY_HOST: '127.0.0.1',
        CLARITY_HTTP_PORT: '0',
        CLARITY_METRICS_PORT: '0',
        CLARITY_LOG_LEVEL: 'silent',
        CLARITY_CORS_ORIGINS: 'https://console.example',
        CLARITY_CLASSIFICATION_ADDR: services.address,
        CLARITY_ORCHESTRATION_ADDR: orch.address,
        // Nothing listens on these: readiness must say so.
        CLARITY_MATCHING_ADDR: '127.0.0.1:1',
        CLARITY_ADDRESS_ADDR: '127.0.0.1:1',
        CLARITY_ENRICHMENT_ADDR: '127.0.0.1:1',
      }),
    );
  });
  after(async () => {
    await gw.shutdown();
    await services.shutdown();
    await orch.shutdown();
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string>) => fetch(`${gw.url}${path}`, { method: 'POST', body, headers });

  test('JSON unary call', async () => {
    const res = await post('/clarity.classification.v1.ClassificationService/Classify', JSON.stringify({ payee: { name: 'acme llc' } }), {
      'content-type': 'application/json',
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { classification: { payeeType: string; normalizedName: string } };
    assert.equal(body.classification.payeeType, 'PAYEE_TYPE_BUSINESS');
    assert.equal(body.classification.normalizedName, 'ACME LLC');
  });

  test('JSON errors: HTTP status from the gRPC code, google.rpc.BadRequest details decoded', async () => {
    const res = await post('/clarity.classification.v1.ClassificationService/Classify', JSON.stringify({ payee: { name: ' ' } }), {
      'content-type': 'application/json',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { status: string; details: Array<{ '@type': string; fieldViolations: Array<{ field: string }> }> } };
    assert.equal(body.error.status, 'INVALID_ARGUMENT');
    assert.equal(body.error.details[0]!['@type'], 'type.googleapis.com/google.rpc.BadRequest');
    assert.equal(body.error.details[0]!.fieldViolations[0]!.field, 'payee.name');
    const bad = await post('/clarity.classification.v1.ClassificationService/Classify', '{nope', { 'content-type': 'application/json' });
    assert.equal(bad.status, 400);
    const missing = await post('/clarity.nope.v1.X/Y', '{}', { 'content-type': 'application/json' });
    assert.equal(missing.status, 404);
  });

  test('gRPC-Web (binary): frames pass through; trailers carry grpc-status', async () => {
    const req = ClassifyRequest.encode(ClassifyRequest.fromPartial({ payee: { name: 'grpc web' } })).finish();
    const res = await post('/clarity.classification.v1.ClassificationService/Classify', encodeFrame(FRAME_DATA, req), {
      'content-type': 'application/grpc-web+proto',
      'x-grpc-web': '1',
    });
    assert.equal(res.status, 200);
    const raw = Buffer.from(await res.arrayBuffer());
    const [message] = decodeFrames(raw);
    assert.equal(ClassifyResponse.decode(message!).classification?.normalizedName, 'GRPC WEB');
    assert.match(raw.toString('latin1'), /grpc-status: 0\r\n/);
  });

  test('gRPC-Web (text) error: status, message and details in the trailer frame', async () => {
    const req = ClassifyRequest.encode(ClassifyRequest.fromPartial({ payee: { name: '' } })).finish();
    const res = await post('/clarity.classification.v1.ClassificationService/Classify', encodeFrame(FRAME_DATA, req).toString('base64'), {
      'content-type': 'application/grpc-web-text',
    });
    const raw = Buffer.from(await res.text(), 'base64');
    const trailer = raw.subarray(5).toString('latin1');
    assert.match(trailer, /grpc-status: 3\r\n/);
    assert.match(trailer, /grpc-message: payee.name: is required\r\n/);
    assert.match(trailer, /grpc-status-details-bin: [A-Za-z0-9+/]+/);
  });

  test('server streaming: NDJSON for JSON, frames for gRPC-Web', async () => {
    const res = await post('/clarity.orchestration.v1.OrchestrationService/WatchBatchJob', JSON.stringify({ id: 'job-1' }), { 'content-type': 'application/json' });
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { job: { processedRows: number } });
    // proto3 JSON omits zero values.
    assert.deepEqual(lines.map((l) => l.job.processedRows ?? 0), [0, 10, 20]);
    const { WatchBatchJobRequest, WatchBatchJobResponse } = await import('@clarity/proto/clarity/orchestration/v1/orchestration.js');
    const web = await post('/clarity.orchestration.v1.OrchestrationService/WatchBatchJob', encodeFrame(FRAME_DATA, WatchBatchJobRequest.encode({ id: 'job-2' }).finish()), {
      'content-type': 'application/grpc-web+proto',
    });
    const raw = Buffer.from(await web.arrayBuffer());
    const events = decodeFrames(raw).map((f) => WatchBatchJobResponse.decode(f));
    assert.deepEqual(events.map((e) => [e.job?.id, e.job?.processedRows]), [['job-2', 0], ['job-2', 10], ['job-2', 20]]);
    assert.match(raw.toString('latin1'), /grpc-status: 0/);
  });

  test("the caller's grpc-timeout becomes the upstream deadline", async () => {
    const started = Date.now();
    const res = await post('/clarity.classification.v1.ClassificationService/Classify', JSON.stringify({ payee: { name: 'slow' } }), {
      'content-type': 'application/json',
      'grpc-timeout': '200m',
    });
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as { error: { status: string } }).error.status, 'DEADLINE_EXCEEDED');
    assert.ok(Date.now() - started < 1_500);
  });

  test('CORS: preflight allows gRPC-Web headers; responses expose grpc-status and grpc-message', async () => {
    const pre = await fetch(`${gw.url}/clarity.classification.v1.ClassificationService/Classify`, {
      method: 'OPTIONS',
      headers: { origin: 'https://console.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://console.example');
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /x-grpc-web/);
    const res = await post('/clarity.classification.v1.ClassificationService/Classify', JSON.stringify({ payee: { name: 'x' } }), {
      'content-type': 'application/json',
      origin: 'https://console.example',
    });
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /grpc-status.*grpc-message/);
    const other = await post('/clarity.classification.v1.ClassificationService/Classify', JSON.stringify({ payee: { name: 'x' } }), {
      'content-type': 'application/json',
      origin: 'https://evil.example',
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  test('readiness reflects upstream health; liveness does not', async () => {
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
    const ready = await fetch(`${gw.url}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { upstream: Record<string, string> };
    assert.equal(body.upstream.classification, 'SERVING');
    assert.equal(body.upstream.matching, 'UNREACHABLE');
  });

  test('gateway metrics count requests by route, protocol and code', async () => {
    const text = await (await fetch(`http://127.0.0.1:${gw.metricsPort}/metrics`)).text();
    assert.match(text, /clarity_gateway_requests_total\{route="\/clarity.classification.v1.ClassificationService\/Classify",protocol="json",code="OK"\} [1-9]/);
    assert.match(text, /clarity_gateway_requests_total\{route="\/clarity.classification.v1.ClassificationService\/Classify",protocol="grpc-web-text",code="INVALID_ARGUMENT"\} 1/);
  });
});
