// clarity up | down | status | health — the local mesh.
import type { Command } from 'commander';
import { CliError, NO_MESH_EXIT_CODE, type CliContext } from '../context.js';
import { table } from '../io/table.js';
import { meshDown, meshHealth, meshUp, serviceHealth } from '../mesh/runner.js';

const noMesh = (ctx: CliContext) =>
  new CliError(`no running Clarity mesh found (looked in ${ctx.home})`, 'start it with `npx clarity up`', NO_MESH_EXIT_CODE);

export function register(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('start all five services and the gateway on loopback and wait until every one is SERVING')
    .option('--demo', 'seed demo data (a synthetic supplier network…) once the mesh is up')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port-offset <n>', 'add n to every default port (gRPC 50051-50055, gateway 8080, metrics 9460-9465)', '0')
    .option('--auto-ports', 'pick free ports instead of the defaults')
    .option('--timeout <seconds>', 'give up if not all SERVING within this time', '120')
    .action(async (opts: { demo?: boolean; host: string; portOffset: string; autoPorts?: boolean; timeout: string }) => {
      const env: Record<string, string> = {};
      if (process.env.MONGODB_URI) env.MONGODB_URI = process.env.MONGODB_URI;
      const offset = Number(opts.portOffset);
      if (!Number.isInteger(offset) || offset < 0 || offset > 10_000) throw new CliError(`--port-offset: expected an integer 0-10000, got ${opts.portOffset}`);
      let result;
      try {
        result = await meshUp({
          repoRoot: ctx.repoRoot,
          home: ctx.home,
          host: opts.host,
          portOffset: offset,
          autoPorts: Boolean(opts.autoPorts),
          timeoutMs: Number(opts.timeout) * 1000,
          env,
          onProgress: (m) => process.stderr.write(`  ${m}\n`),
        });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const { state } = result;
      if (result.alreadyRunning) process.stdout.write(`Clarity mesh already running (started ${state.startedAt}).\n`);
      else process.stdout.write(`Clarity mesh SERVING in ${result.seconds.toFixed(2)} s (store: ${state.store})\n`);
      process.stdout.write(
        `${table([
          ['COMPONENT', 'PID', 'ENDPOINT', 'METRICS', 'LOG'],
          ...state.components.map((c) => [c.name, String(c.pid), c.grpcAddress ?? c.httpUrl ?? '', c.metricsUrl ?? '', c.log]),
        ])}\n`,
      );
      if (opts.demo) {
        if (ctx.demoSeeders.length === 0) process.stdout.write('demo: no demo data providers are installed yet\n');
        for (const seeder of ctx.demoSeeders) {
          process.stdout.write(`demo: ${seeder.name}… `);
          process.stdout.write(`${await seeder.seed(ctx)}\n`);
        }
      }
      process.stdout.write('Stop with `npx clarity down`.\n');
    });

  program
    .command('down')
    .description('stop the local mesh (SIGTERM, drain in-flight calls, SIGKILL after the timeout)')
    .option('--timeout <seconds>', 'wait this long before SIGKILL', '30')
    .action(async (opts: { timeout: string }) => {
      if (!ctx.mesh()) {
        process.stdout.write('no Clarity mesh is running\n');
        return;
      }
      const { stopped, killed } = await meshDown({ home: ctx.home, timeoutMs: Number(opts.timeout) * 1000 });
      process.stdout.write(`stopped: ${stopped.join(', ') || '-'}\n`);
      if (killed.length) {
        process.stdout.write(`killed after timeout: ${killed.join(', ')}\n`);
        throw new CliError('some processes did not stop in time', undefined, 1);
      }
    });

  program
    .command('status')
    .description('show the processes of the local mesh and whether each is SERVING')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await meshHealth(ctx.home);
      if (!result) throw noMesh(ctx);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...result.state, health: result.health }, null, 2)}\n`);
      } else {
        process.stdout.write(`Clarity mesh started ${result.state.startedAt}, store: ${result.state.store}\n`);
        process.stdout.write(
          `${table([
            ['COMPONENT', 'PID', 'ENDPOINT', 'STATUS'],
            ...result.state.components.map((c, i) => [c.name, String(c.pid), c.grpcAddress ?? c.httpUrl ?? '', result.health[i]!.status]),
          ])}\n`,
        );
      }
      if (!result.health.every((h) => h.status === 'SERVING' || h.status === 'HTTP_OK')) process.exitCode = 1;
    });

  program
    .command('health')
    .description("check every service's grpc.health.v1 status (overall and per service) and the gateway's readiness")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      if (!ctx.mesh()) throw noMesh(ctx);
      const rows = await serviceHealth(ctx.home);
      if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else process.stdout.write(`${table([['COMPONENT', 'SERVICE', 'STATUS'], ...rows.map((r) => [r.component, r.service, r.status + (r.detail ? ` (${r.detail})` : '')])])}\n`);
      if (!rows.every((r) => r.status === 'SERVING')) {
        throw new CliError('not every service is SERVING', 'see `npx clarity status` and the logs under .clarity/logs', 1);
      }
    });
}
