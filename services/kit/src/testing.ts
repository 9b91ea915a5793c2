// Helpers for tests: configs on port 0 with a memory store, throwaway certificates, free ports.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuntimeConfig, type RuntimeConfig } from './config.js';
import { freePort } from './net.js';

export { freePort };

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

/** Where the FerretDB binary is (installed by deploy/tools/install.sh, which `npm test` runs). */
export const ferretDbBinary = (): string =>
  process.env.CLARITY_FERRETDB_BIN ?? join(process.env.HOME ?? '', '.cache/clarity/tools/bin/ferretdb');

/** Whether MongoDB-wire suites must run: they fail loudly when FerretDB is missing unless opted out. */
export const ferretDbRequired = (): boolean => process.env.CLARITY_REQUIRE_FERRETDB !== '0';

export interface RunningFerretDb {
  /** `mongodb://127.0.0.1:<port>/` */
  uri: string;
  stop(): void;
}

/**
 * Starts FerretDB v1 (a MongoDB-wire server on SQLite) on a free loopback port with a throwaway data
 * directory, and resolves once the official driver can talk to it.
 */
export async function startFerretDb(): Promise<RunningFerretDb> {
  const bin = ferretDbBinary();
  const { MongoStore } = await import('./store/mongo.js'); // the driver loads only for suites that use it
  if (!existsSync(bin)) throw new Error(`FerretDB binary not found at ${bin}: run deploy/tools/install.sh (npm test does)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'clarity-ferret-'));
  const port = await freePort();
  const child = spawn(
    bin,
    ['--handler=sqlite', `--sqlite-url=file:${dataDir}/`, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', '--telemetry=disable', '--log-level=error', `--state-dir=${dataDir}`],
    { stdio: 'ignore' },
  );
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
  const uri = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const probe = await MongoStore.connect(uri, 'probe', { serverSelectionTimeoutMS: 500 });
      await probe.close();
      return { uri, stop };
    } catch (err) {
      if (Date.now() > deadline) {
        stop();
        throw err;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
