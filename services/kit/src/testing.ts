// Helpers for tests: configs on port 0 with a memory store, throwaway certificates, free ports.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuntimeConfig, type RuntimeConfig } from './config.js';

export { freePort } from './net.js';

/** A runtime config for a test server: loopback, port 0, metrics on port 0, memory store, quiet logs. */
export function testRuntimeConfig(service: string, env: Record<string, string> = {}): RuntimeConfig {
  return loadRuntimeConfig(service, {}, {
    CLARITY_HOST: '127.0.0.1',
    CLARITY_GRPC_PORT: '0',
    CLARITY_METRICS_PORT: '0',
    CLARITY_LOG_LEVEL: process.env.CLARITY_TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
}

export interface TestCerts {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Creates a throwaway CA plus server (localhost, 127.0.0.1) and client certificates with openssl. */
export function createTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'clarity-certs-'));
  const p = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=clarity-test-ca', '-keyout', p('ca.key'), '-out', p('ca.crt'));
  for (const [name, ext] of [
    ['server', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=clarity-${name}`, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`));
    execFileSync('bash', ['-c', `printf '%b' "${ext}" > ${p(`${name}.ext`)}`]);
    ssl('x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', p(`${name}.ext`), '-out', p(`${name}.crt`));
  }
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
  };
}
