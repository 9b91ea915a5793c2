// The local mesh's state file (<home>/mesh.json): which processes run where.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ComponentState {
  name: string;
  pid: number;
  /** host:port of the gRPC server (services). */
  grpcAddress?: string;
  /** http://host:port of the HTTP edge (gateway). */
  httpUrl?: string;
  metricsUrl?: string;
  log: string;
}

export interface MeshState {
  startedAt: string;
  home: string;
  store: string;
  components: ComponentState[];
}

export const statePath = (home: string) => join(home, 'mesh.json');

export function readMeshState(home: string): MeshState | undefined {
  const path = statePath(home);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as MeshState;
  } catch {
    return undefined;
  }
}

export function writeMeshState(home: string, state: MeshState): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(statePath(home), `${JSON.stringify(state, null, 2)}\n`);
}

export function clearMeshState(home: string): void {
  rmSync(statePath(home), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
