// HttpDependency request URLs: paths are resolved under the base URL, including Google-style
// "custom method" paths whose first segment holds a colon ("/v1:validateAddress").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpDependency } from '../src/index.js';

test('paths with a colon and base URLs with a prefix resolve under the base URL', async () => {
  const seen: string[] = [];
  const fetchStub = (async (url: string | URL | Request) => {
    seen.push(String(url));
    return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const parse = (b: unknown) => b;
  const root = new HttpDependency({ name: 'url-test-root', baseUrl: 'http://127.0.0.1:9', fetch: fetchStub });
  await root.request({ method: 'POST', path: '/v1:validateAddress', query: { key: 'k' }, json: {}, parse });
  const prefixed = new HttpDependency({ name: 'url-test-prefix', baseUrl: 'http://127.0.0.1:9/api', fetch: fetchStub });
  await prefixed.request({ path: 'v1/items', parse });
  assert.deepEqual(seen, ['http://127.0.0.1:9/v1:validateAddress?key=k', 'http://127.0.0.1:9/api/v1/items']);
});
