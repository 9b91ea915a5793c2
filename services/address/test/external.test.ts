// The external validator adapter against a local HTTP server that answers in the Google Address
// Validation API's shape: happy path, cache, 429 + Retry-After, 5xx, slow and malformed answers, breaker
// opening, rate limiting — and the service answering locally whenever the adapter fails.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createServiceClient, store } from '@clarity/kit';
import { testRuntimeConfig } from '@clarity/kit/testing';
import { AddressServiceDefinition, Granularity, PossibleNextAction, ValidationSource } from '@clarity/proto/clarity/address/v1/address.js';
import { PostalAddress } from '@clarity/proto/clarity/common/v1/payee.js';
import { ValidationCache } from '../src/adapters/validation-cache.js';
import type { AddressConfig, ExternalValidatorConfig } from '../src/config.js';
import { startAddressService } from '../src/server.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse, n: number) => void;

interface FakeApi {
  url: string;
  requests: Array<{ url: string; body: unknown; at: number }>;
  close(): Promise<void>;
}

async function fakeApi(handler: Handler): Promise<FakeApi> {
  const requests: FakeApi['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body: body ? JSON.parse(body) : undefined, at: performance.now() });
      handler(req, body, res, requests.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const googleAnswer = {
  result: {
    verdict: { inputGranularity: 'PREMISE', validationGranularity: 'PREMISE', geocodeGranularity: 'PREMISE', addressComplete: true, hasInferredComponents: true, possibleNextAction: 'ACCEPT' },
    address: {
      formattedAddress: '10600 Folsom Blvd, Rancho Cordova, CA 95670-2801, USA',
      addressComponents: [
        { componentName: { text: '10600' }, componentType: 'street_number', confirmationLevel: 'CONFIRMED' },
        { componentName: { text: 'Folsom Boulevard' }, componentType: 'route', confirmationLevel: 'CONFIRMED' },
        { componentName: { text: 'Rancho Cordova' }, componentType: 'locality', confirmationLevel: 'CONFIRMED' },
        { componentName: { text: '2801' }, componentType: 'postal_code_suffix', confirmationLevel: 'CONFIRMED', inferred: true },
      ],
    },
    geocode: { location: { latitude: 38.5889, longitude: -121.2929 } },
    uspsData: { standardizedAddress: { firstAddressLine: '10600 FOLSOM BLVD', cityStateZipAddressLine: 'RANCHO CORDOVA CA 95670-2801', city: 'RANCHO CORDOVA', state: 'CA', zipCode: '95670', zipCodeExtension: '2801' } },
  },
};

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

function externalConfig(url: string, over: Partial<ExternalValidatorConfig> = {}): ExternalValidatorConfig {
  return {
    apiKey: 'test-key', baseUrl: url, timeoutMs: 1_000, maxAttempts: 3, ratePerMinute: 6_000, maxConcurrency: 8,
    breakerResetMs: 60_000, breakerVolumeThreshold: 10, breakerErrorPercentage: 50, baseDelayMs: 10, maxDelayMs: 2_000, ...over,
  };
}

async function service(url: string, over: Partial<ExternalValidatorConfig> = {}, cacheTtlMs = 30 * 86_400_000) {
  const config: AddressConfig = { runtime: testRuntimeConfig('address'), external: externalConfig(url, over), cacheTtlMs, maxFieldChars: 500 };
  const running = await startAddressService({ config, store: new store.EmbeddedStore() });
  const client = createServiceClient(AddressServiceDefinition, running.address, { retryAttempts: false });
  return { running, client, close: async () => { client.close(); await running.shutdown(); } };
}

const folsom = PostalAddress.fromPartial({ line1: '10600 Folsom Blvd', city: 'Rancho Cordova', state: 'CA', postalCode: '95670' });
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

describe('external validator adapter', () => {
  it('sends the API request shape and maps the answer; a repeated address comes from the cache', async () => {
    const api = await fakeApi((_req, _body, res) => json(res, 200, googleAnswer));
    const svc = await service(api.url);
    closers.push(svc.close, api.close);
    const first = (await svc.client.validate({ address: folsom, options: { useExternal: true } })).result!;
    assert.equal(api.requests.length, 1);
    assert.match(api.requests[0]!.url, /^\/v1:validateAddress\?key=test-key$/);
    assert.deepEqual(api.requests[0]!.body, { address: { regionCode: 'US', addressLines: ['10600 FOLSOM BLVD'], locality: 'RANCHO CORDOVA', administrativeArea: 'CA', postalCode: '95670' } });
    assert.equal(first.source, ValidationSource.VALIDATION_SOURCE_EXTERNAL);
    assert.equal(first.verdict!.validationGranularity, Granularity.GRANULARITY_PREMISE);
    assert.equal(first.verdict!.possibleNextAction, PossibleNextAction.POSSIBLE_NEXT_ACTION_ACCEPT);
    assert.equal(first.standardized!.singleLine, '10600 FOLSOM BLVD RANCHO CORDOVA CA 95670-2801');
    assert.equal(first.geocode!.latitude, 38.5889);
    assert.equal(first.parsed!.addressNumber, '10600');
    const again = (await svc.client.validate({ address: folsom, options: { useExternal: true } })).result!;
    assert.equal(again.source, ValidationSource.VALIDATION_SOURCE_CACHE);
    assert.equal(api.requests.length, 1, 'the cached answer costs no request');
    assert.equal(again.standardized!.singleLine, first.standardized!.singleLine);
  });

  it('honors Retry-After on 429, then succeeds', async () => {
    const api = await fakeApi((_req, _body, res, n) => (n === 1 ? json(res, 429, { error: { code: 429 } }, { 'retry-after': '0.4' }) : json(res, 200, googleAnswer)));
    const svc = await service(api.url);
    closers.push(svc.close, api.close);
    const r = (await svc.client.validate({ address: folsom, options: { useExternal: true } })).result!;
    assert.equal(r.source, ValidationSource.VALIDATION_SOURCE_EXTERNAL);
    assert.equal(api.requests.length, 2);
    assert.ok(api.requests[1]!.at - api.requests[0]!.at >= 380, `retried after ${api.requests[1]!.at - api.requests[0]!.at} ms`);
  });

  it('retries a 5xx and succeeds', async () => {
    const api = await fakeApi((_req, _body, res, n) => (n === 1 ? json(res, 503, 'unavailable') : json(res, 200, googleAnswer)));
    const svc = await service(api.url);
    closers.push(svc.close, api.close);
    const r = (await svc.client.validate({ address: folsom, options: { useExternal: true } })).result!;
    assert.equal(r.source, ValidationSource.VALIDATION_SOURCE_EXTERNAL);
    assert.equal(api.requests.length, 2);
  });

  it('a slow answer times out and the service answers locally', async () => {
    const api = await fakeApi((_req, _body, res) => setTimeout(() => json(res, 200, googleAnswer), 1_500).unref());
    const svc = await service(api.url, { timeoutMs: 200, maxAttempts: 2 });
    closers.push(svc.close, api.close);
    const r = (await svc.client.validate({ address: folsom, options: { useExternal: true } })).result!;
    assert.equal(r.source, ValidationSource.VALIDATION_SOURCE_LOCAL);
    assert.ok(r.notes.some((n) => /external validator unavailable.*no answer within 200 ms/.test(n)), r.notes.join(' | '));
    assert.equal(r.verdict!.possibleNextAction, PossibleNextAction.POSSIBLE_NEXT_ACTION_ACCEPT);
    assert.equal(api.requests.length, 2);
  });

  it('malformed answers (not JSON, wrong shape) fall back to the local verdict', async () => {
    const api = await fakeApi((_req, _body, res, n) => (n % 2 === 1 ? json(res, 200, '<html>oops') : json(res, 200, { result: { address: {} } })));
    const svc = await service(api.url, { maxAttempts: 1 });
    closers.push(svc.close, api.close);
    const a = (await svc.client.validate({ address: folsom, options: { useExternal: true } })).result!;
    assert.equal(a.source, ValidationSource.VALIDATION_SOURCE_LOCAL);
    assert.ok(a.notes.some((n) => n.includes('malformed response: not JSON')), a.notes.join(' | '));
    const b = (await svc.client.validate({ address: folsom, options: { useExternal: true } })).result!;
    assert.ok(b.notes.some((n) => n.includes('malformed response: expected {result: {verdict')), b.notes.join(' | '));
  });

  it('opens the breaker after repeated failures: later calls skip the API and answer locally', async () => {
    const api = await fakeApi((_req, _body, res) => json(res, 500, 'boom'));
    const svc = await service(api.url, { maxAttempts: 1, breakerVolumeThreshold: 3, breakerErrorPercentage: 50 });
    closers.push(svc.close, api.close);
    for (let k = 0; k < 3; k++) {
      const r = (await svc.client.validate({ address: PostalAddress.fromPartial({ freeform: `${100 + k} MAIN ST BOSTON MA 02108` }), options: { useExternal: true } })).result!;
      assert.equal(r.source, ValidationSource.VALIDATION_SOURCE_LOCAL);
    }
    assert.equal(svc.running.deps.external!.http.circuit.opened, true);
    const seen = api.requests.length;
    const r = (await svc.client.validate({ address: PostalAddress.fromPartial({ freeform: '200 MAIN ST BOSTON MA 02108' }), options: { useExternal: true } })).result!;
    assert.equal(api.requests.length, seen, 'an open breaker sends nothing');
    assert.equal(r.source, ValidationSource.VALIDATION_SOURCE_LOCAL);
    assert.ok(r.notes.some((n) => n.includes('circuit breaker is open')), r.notes.join(' | '));
    assert.ok(r.standardized!.deliveryLine.startsWith('200 MAIN ST'));
  });

  it('rate-limits with the token bucket (120/min: 2 at once, then one every 500 ms)', async () => {
    const api = await fakeApi((_req, _body, res) => json(res, 200, googleAnswer));
    const svc = await service(api.url, { ratePerMinute: 120 });
    closers.push(svc.close, api.close);
    const started = performance.now();
    const { results } = await svc.client.validateBatch({
      addresses: [1, 2, 3, 4, 5].map((k) => PostalAddress.fromPartial({ freeform: `${k} ELM ST BOSTON MA 02108` })),
      options: { useExternal: true },
    });
    const elapsed = performance.now() - started;
    assert.equal(results.length, 5);
    assert.ok(results.every((r) => r.result!.source === ValidationSource.VALIDATION_SOURCE_EXTERNAL));
    assert.equal(api.requests.length, 5);
    assert.ok(elapsed >= 1_350, `5 calls at 2/s after a burst of 2 took ${elapsed.toFixed(0)} ms`);
    const gaps = api.requests.slice(2).map((r, k) => r.at - api.requests[k + 1]!.at);
    assert.ok(gaps.every((g) => g >= 400), `gaps ${gaps.map((g) => g.toFixed(0)).join(',')}`);
  });
});

describe('validation cache', () => {
  it('expires entries after the TTL and purges them', async () => {
    let now = 1_000_000;
    const s = new store.EmbeddedStore();
    const cache = new ValidationCache(s, 60_000, () => now);
    const key = ValidationCache.key({ address: { addressLines: ['1 MAIN ST'] } });
    await cache.put(key, { result: { verdict: {} } });
    assert.deepEqual(await cache.get(key), { result: { verdict: {} } });
    now += 59_000;
    assert.ok(await cache.get(key));
    now += 2_000;
    assert.equal(await cache.get(key), undefined);
    assert.equal(await cache.purge(), 1);
    await s.close();
  });
});
