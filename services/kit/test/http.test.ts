// The external-HTTP helper against a real local HTTP server: retries with Retry-After, breaker, timeouts,
// malformed answers, rate limit and concurrency cap.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DependencyUnavailableError, HttpDependency, HttpDependencyError, MalformedResponseError, parseRetryAfter } from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
let handler: Handler = (_req, res) => res.end('{}');
let hits = 0;
let concurrent = 0;
let maxConcurrent = 0;
const hitTimes: number[] = [];
let baseUrl = '';
const server = createServer((req, res) => {
  hits += 1;
  hitTimes.push(Date.now());
  concurrent += 1;
  maxConcurrent = Math.max(maxConcurrent, concurrent);
  res.on('close', () => (concurrent -= 1));
  handler(req, res, hits);
});

const reset = (h: Handler) => {
  handler = h;
  hits = 0;
  maxConcurrent = 0;
  hitTimes.length = 0;
};
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const parseOk = (b: unknown) => {
  if (!b || typeof b !== 'object' || !('ok' in b)) throw new MalformedResponseError('test', 'missing ok');
  return (b as { ok: boolean }).ok;
};

describe('HttpDependency', () => {
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('retries 5xx with full jitter and succeeds', async () => {
    reset((_q, res, n) => (n < 3 ? json(res, 503, 'busy') : json(res, 200, { ok: true })));
    const dep = new HttpDependency({ name: 't-retry', baseUrl, maxAttempts: 3, baseDelayMs: 10 });
    assert.equal(await dep.request({ path: '/x', json: {}, parse: parseOk }), true);
    assert.equal(hits, 3);
  });

  test('honors Retry-After on 429', async () => {
    reset((_q, res, n) => (n === 1 ? json(res, 429, 'slow down', { 'retry-after': '1' }) : json(res, 200, { ok: true })));
    const dep = new HttpDependency({ name: 't-429', baseUrl, maxAttempts: 2, baseDelayMs: 1, random: () => 0 });
    await dep.request({ path: '/x', parse: parseOk });
    assert.equal(hits, 2);
    assert.ok(hitTimes[1]! - hitTimes[0]! >= 950, `waited ${hitTimes[1]! - hitTimes[0]!} ms`);
  });

  test('does not retry a 4xx caller error', async () => {
    reset((_q, res) => json(res, 400, { error: 'bad' }));
    const dep = new HttpDependency({ name: 't-400', baseUrl, maxAttempts: 3, baseDelayMs: 1 });
    const err = await dep.request({ path: '/x', parse: parseOk }).catch((e: unknown) => e);
    assert.ok(err instanceof HttpDependencyError);
    assert.equal(err.status, 400);
    assert.equal(err.retryable, false);
    assert.equal(hits, 1);
  });

  test('times out slow answers per attempt', async () => {
    reset((_q, res) => setTimeout(() => json(res, 200, { ok: true }), 1_000));
    const dep = new HttpDependency({ name: 't-slow', baseUrl, timeoutMs: 100, maxAttempts: 2, baseDelayMs: 1 });
    const started = Date.now();
    const err = await dep.request({ path: '/x', parse: parseOk }).catch((e: unknown) => e);
    assert.ok(err instanceof HttpDependencyError && /no answer within 100 ms/.test(err.message), String(err));
    assert.ok(Date.now() - started < 900);
  });

  test('malformed answers are dependency failures', async () => {
    reset((_q, res, n) => (n === 1 ? json(res, 200, '<html>oops') : json(res, 200, { nope: 1 })));
    const dep = new HttpDependency({ name: 't-malformed', baseUrl, maxAttempts: 2, baseDelayMs: 1 });
    const err = await dep.request({ path: '/x', parse: parseOk }).catch((e: unknown) => e);
    assert.ok(err instanceof MalformedResponseError, String(err));
    assert.equal(hits, 2);
  });

  test('the breaker opens after repeated failures and then refuses at once', async () => {
    reset((_q, res) => json(res, 500, 'down'));
    const dep = new HttpDependency({ name: 't-breaker', baseUrl, maxAttempts: 1, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 4; i++) await dep.request({ path: '/x', parse: parseOk }).catch(() => undefined);
    assert.equal(dep.circuit.opened, true);
    const before = hits;
    const err = await dep.request({ path: '/x', parse: parseOk }).catch((e: unknown) => e);
    assert.ok(err instanceof DependencyUnavailableError);
    assert.equal(hits, before, 'no request reaches an open breaker');
    dep.circuit.shutdown();
  });

  test('token bucket spaces requests; concurrency cap holds', async () => {
    reset((_q, res) => setTimeout(() => json(res, 200, { ok: true }), 50));
    const limited = new HttpDependency({ name: 't-rate', baseUrl, ratePerMinute: 600 }); // 10/s, burst 10
    const started = Date.now();
    await Promise.all(Array.from({ length: 15 }, () => limited.request({ path: '/x', parse: parseOk })));
    assert.ok(Date.now() - started >= 450, `15 requests at 10/s with burst 10 took ${Date.now() - started} ms`);
    reset((_q, res) => setTimeout(() => json(res, 200, { ok: true }), 50));
    const capped = new HttpDependency({ name: 't-cap', baseUrl, maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => capped.request({ path: '/x', parse: parseOk })));
    assert.equal(maxConcurrent, 2);
  });

  test('paths with a colon and base URLs with a prefix resolve under the base URL', async () => {
    const seen: string[] = [];
    const fetchStub = (async (url: string | URL | Request) => {
      seen.push(String(url));
      return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const root = new HttpDependency({ name: 'url-test-root', baseUrl: 'http://127.0.0.1:9', fetch: fetchStub });
    await root.request({ method: 'POST', path: '/v1:validateAddress', query: { key: 'k' }, json: {}, parse: parseOk });
    const prefixed = new HttpDependency({ name: 'url-test-prefix', baseUrl: 'http://127.0.0.1:9/api', fetch: fetchStub });
    await prefixed.request({ path: 'v1/items', parse: parseOk });
    assert.deepEqual(seen, ['http://127.0.0.1:9/v1:validateAddress?key=k', 'http://127.0.0.1:9/api/v1/items']);
  });

  test('Retry-After parsing', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT')), 2000);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});
