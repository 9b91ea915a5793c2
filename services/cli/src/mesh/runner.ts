// The local mesh runner: starts every service and the gateway as separate processes on loopback,
// waits until each reports SERVING, and stops them cleanly (SIGTERM, drain, then SIGKILL as a last
// resort).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkHealth, freePort, loadRuntimeConfig, type HealthStatusName } from '@clarity/kit';

// The same CLARITY_TLS_* files the services use, when the mesh runs with TLS.
const tls = () => loadRuntimeConfig('cli').tls;
import { COMPONENTS, type ComponentSpec } from './components.js';
import { clearMeshState, isAlive, readMeshState, writeMeshState, type ComponentState, type MeshState } from './state.js';

export interface UpOptions {
  repoRoot: string;
  home: string;
  host: string;
  /** Added to every default port (to run a second mesh beside the first). */
  portOffset: number;
  /** Pick free ports instead of the defaults. */
  autoPorts: boolean;
  /** Give up waiting for SERVING after this long. */
  timeoutMs: number;
  /** Extra environment for every process (e.g. MONGODB_URI). */
  env?: Record<string, string>;
  onProgress?: (message: string) => void;
}

export interface ComponentHealth {
  name: string;
  status: HealthStatusName | 'HTTP_OK' | 'HTTP_ERROR' | 'EXITED';
  detail?: string;
}

async function httpHealth(url: string, timeoutMs = 2_000): Promise<ComponentHealth['status']> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? 'HTTP_OK' : 'HTTP_ERROR';
  } catch {
    return 'UNREACHABLE';
  }
}

/** Health of one running component: gRPC Health/Check ("" = overall) or the gateway's /readyz. */
export async function componentHealth(c: ComponentState): Promise<ComponentHealth> {
  if (!isAlive(c.pid)) return { name: c.name, status: 'EXITED', detail: `pid ${c.pid} is gone; see ${c.log}` };
  if (c.grpcAddress) {
    const h = await checkHealth(c.grpcAddress, '', { tls: tls() });
    return { name: c.name, status: h.status, detail: h.error };
  }
  if (c.httpUrl) return { name: c.name, status: await httpHealth(c.httpUrl) };
  return { name: c.name, status: 'UNKNOWN' };
}

const healthy = (s: ComponentHealth['status']) => s === 'SERVING' || s === 'HTTP_OK';

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function ports(spec: ComponentSpec, options: UpOptions): Promise<{ main: number; metrics: number }> {
  if (options.autoPorts) return { main: await freePort(), metrics: await freePort() };
  return { main: (spec.grpcPort ?? spec.httpPort!) + options.portOffset, metrics: spec.metricsPort + options.portOffset };
}

export async function meshUp(options: UpOptions): Promise<{ state: MeshState; seconds: number; alreadyRunning: boolean }> {
  const existing = readMeshState(options.home);
  if (existing && existing.components.some((c) => isAlive(c.pid))) {
    return { state: existing, seconds: 0, alreadyRunning: true };
  }
  clearMeshState(options.home);
  for (const c of COMPONENTS) {
    if (!existsSync(join(options.repoRoot, c.entry))) {
      throw new Error(`${c.entry} is missing: build first with \`npm run setup\` (or \`npm run build\`)`);
    }
  }
  const logs = join(options.home, 'logs');
  const data = join(options.home, 'data');
  mkdirSync(logs, { recursive: true });
  mkdirSync(data, { recursive: true });

  const assigned = new Map<string, { main: number; metrics: number }>();
  for (const c of COMPONENTS) assigned.set(c.name, await ports(c, options));
  const addrEnv: Record<string, string> = {};
  for (const c of COMPONENTS) {
    if (c.grpcPort !== undefined) addrEnv[`CLARITY_${c.name.toUpperCase()}_ADDR`] = `${options.host}:${assigned.get(c.name)!.main}`;
  }

  const started = performance.now();
  const components: ComponentState[] = [];
  for (const c of COMPONENTS) {
    const p = assigned.get(c.name)!;
    const log = join(logs, `${c.name}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, [...(c.nodeArgs ?? []), join(options.repoRoot, c.entry)], {
      cwd: options.repoRoot,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        ...addrEnv,
        ...options.env,
        CLARITY_HOST: options.host,
        CLARITY_DATA_DIR: data,
        CLARITY_METRICS_PORT: String(p.metrics),
        ...(c.grpcPort !== undefined ? { CLARITY_GRPC_PORT: String(p.main) } : { CLARITY_HTTP_PORT: String(p.main) }),
      },
    });
    closeSync(fd);
    child.unref();
    components.push({
      name: c.name,
      pid: child.pid!,
      ...(c.grpcPort !== undefined ? { grpcAddress: `${options.host}:${p.main}` } : { httpUrl: `http://${options.host}:${p.main}` }),
      metricsUrl: `http://${options.host}:${p.metrics}/metrics`,
      log,
    });
  }
  const state: MeshState = {
    startedAt: new Date().toISOString(),
    home: options.home,
    store: options.env?.MONGODB_URI ? 'mongodb' : `embedded (${data})`,
    components,
  };
  writeMeshState(options.home, state);

  const pending = new Set(components.map((c) => c.name));
  const deadline = Date.now() + options.timeoutMs;
  while (pending.size > 0) {
    for (const c of components.filter((x) => pending.has(x.name))) {
      const h = await componentHealth(c);
      if (h.status === 'EXITED') {
        await meshDown({ home: options.home, timeoutMs: 10_000 });
        throw new Error(`${c.name} exited during start-up. Last lines of ${c.log}:\n${tail(c.log)}`);
      }
      if (healthy(h.status)) {
        pending.delete(c.name);
        options.onProgress?.(`${c.name} SERVING after ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      await meshDown({ home: options.home, timeoutMs: 10_000 });
      throw new Error(`not SERVING after ${options.timeoutMs} ms: ${[...pending].join(', ')} (logs in ${logs})`);
    }
    await sleep(100);
  }
  return { state, seconds: (performance.now() - started) / 1000, alreadyRunning: false };
}

export async function meshDown(options: { home: string; timeoutMs: number }): Promise<{ stopped: string[]; killed: string[] }> {
  const state = readMeshState(options.home);
  if (!state) return { stopped: [], killed: [] };
  // The edge first, then the orchestrator, then the leaves: callers go before the services they call.
  const order = [...state.components].reverse();
  for (const c of order) {
    if (isAlive(c.pid)) {
      try {
        process.kill(c.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  const deadline = Date.now() + options.timeoutMs;
  while (order.some((c) => isAlive(c.pid)) && Date.now() < deadline) await sleep(50);
  const killed: string[] = [];
  for (const c of order) {
    if (isAlive(c.pid)) {
      killed.push(c.name);
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  clearMeshState(options.home);
  return { stopped: order.map((c) => c.name).filter((n) => !killed.includes(n)), killed };
}

/** Health of every component of the running mesh (undefined when none is running). */
export async function meshHealth(home: string): Promise<{ state: MeshState; health: ComponentHealth[] } | undefined> {
  const state = readMeshState(home);
  if (!state) return undefined;
  return { state, health: await Promise.all(state.components.map((c) => componentHealth(c))) };
}

/** Per-service health (overall plus the service's own name) of every gRPC component. */
export async function serviceHealth(home: string): Promise<Array<{ component: string; service: string; status: string; detail?: string }>> {
  const state = readMeshState(home);
  if (!state) return [];
  const rows: Array<{ component: string; service: string; status: string; detail?: string }> = [];
  for (const c of state.components) {
    const spec = COMPONENTS.find((s) => s.name === c.name);
    if (c.grpcAddress) {
      for (const service of ['', spec?.serviceName ?? '']) {
        if (service === '' && rows.some((r) => r.component === c.name && r.service === '(overall)')) continue;
        const h = isAlive(c.pid) ? await checkHealth(c.grpcAddress, service, { tls: tls() }) : { status: 'EXITED', error: `pid ${c.pid} is gone` };
        rows.push({ component: c.name, service: service || '(overall)', status: h.status, detail: h.error });
      }
    } else if (c.httpUrl) {
      const s = isAlive(c.pid) ? await httpHealth(c.httpUrl) : 'EXITED';
      rows.push({ component: c.name, service: `${c.httpUrl}/readyz`, status: s === 'HTTP_OK' ? 'SERVING' : s });
    }
  }
  return rows;
}
