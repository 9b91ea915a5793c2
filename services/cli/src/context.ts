// What every command needs: where the local mesh keeps its state, how to reach a service, and how to
// fail with a hint.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServiceClient, loadRuntimeConfig, type ServiceClient, type TlsFiles } from '@clarity/kit';
import type { CompatServiceDefinition } from 'nice-grpc';
import { readMeshState, type MeshState } from './mesh/state.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit code of commands that need the mesh and find none running. */
export const NO_MESH_EXIT_CODE = 3;

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'services', 'kit')) && existsSync(join(dir, 'proto'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export class CliContext {
  readonly repoRoot = findRepoRoot();
  home = resolve(process.env.CLARITY_HOME ?? join(this.repoRoot, '.clarity'));
  /** Work to do after `clarity up --demo` brings the mesh up (registered by command modules). */
  /** Client certificates for a mesh running with TLS (the same CLARITY_TLS_* variables the services read). */
  readonly tls: TlsFiles | undefined = loadRuntimeConfig('cli').tls;
  readonly demoSeeders: Array<{ name: string; seed: (ctx: CliContext) => Promise<string> }> = [];

  setHome(dir: string): void {
    this.home = resolve(dir);
  }

  mesh(): MeshState | undefined {
    return readMeshState(this.home);
  }

  /**
   * The gRPC address of a component: $CLARITY_<NAME>_ADDR, else the running local mesh. Fails with a
   * hint to run `clarity up` when neither exists.
   */
  address(component: string): string {
    const fromEnv = process.env[`CLARITY_${component.toUpperCase()}_ADDR`];
    if (fromEnv) return fromEnv;
    const state = this.mesh();
    const entry = state?.components.find((c) => c.name === component);
    if (!entry?.grpcAddress) {
      throw new CliError(
        `no running Clarity mesh found (looked in ${this.home})`,
        `start it with \`npx clarity up\`, or point CLARITY_${component.toUpperCase()}_ADDR at a ${component} service`,
        NO_MESH_EXIT_CODE,
      );
    }
    return entry.grpcAddress;
  }

  client<D extends CompatServiceDefinition>(definition: D, component: string, options: { timeoutMs?: number } = {}): ServiceClient<D> {
    return createServiceClient(definition, this.address(component), { defaultTimeoutMs: options.timeoutMs ?? 60_000, tls: this.tls });
  }
}
