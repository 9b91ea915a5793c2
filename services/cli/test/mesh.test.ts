// The local mesh end to end: real processes started by `clarity up`, checked by `clarity health` and by
// grpcurl through server reflection, stopped by `clarity down`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/clarity.js', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'clarity-mesh-'));
const clarity = (...args: string[]) =>
  spawnSync(process.execPath, [bin, '--home', home, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, MONGODB_URI: '' } });
const grpcurl = process.env.CLARITY_GRPCURL_BIN ?? join(process.env.HOME ?? '', '.cache/clarity/tools/bin/grpcurl');

describe('clarity CLI and the local mesh', () => {
  after(() => {
    clarity('down', '--timeout', '5');
  });

  test('commands that need the mesh exit 3 with a hint when none runs', () => {
    for (const cmd of ['health', 'status']) {
      const r = clarity(cmd);
      assert.equal(r.status, 3, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /no running Clarity mesh found/);
      assert.match(r.stderr, /npx clarity up/);
    }
  });

  test('up starts all five services and the gateway, each SERVING', () => {
    const r = clarity('up', '--auto-ports', '--timeout', '120');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Clarity mesh SERVING in \d+\.\d+ s/);
    for (const name of ['classification', 'matching', 'address', 'enrichment', 'orchestration', 'gateway']) {
      assert.match(r.stdout, new RegExp(`^${name}\\s+\\d+\\s+\\S+`, 'm'));
    }
    const again = clarity('up', '--auto-ports');
    assert.equal(again.status, 0);
    assert.match(again.stdout, /already running/);
  });

  test('health reports every service SERVING (overall and per service) and the gateway ready', () => {
    const r = clarity('health', '--json');
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ component: string; service: string; status: string }>;
    assert.equal(rows.length, 11);
    assert.ok(rows.every((row) => row.status === 'SERVING'), r.stdout);
    const status = clarity('status');
    assert.equal(status.status, 0);
  });

  test('grpcurl lists every service through reflection and checks its health', { skip: !existsSync(grpcurl) && 'grpcurl not installed (deploy/tools/install.sh)' }, () => {
    const state = JSON.parse(readFileSync(join(home, 'mesh.json'), 'utf8')) as { components: Array<{ name: string; grpcAddress?: string }> };
    const grpcComponents = state.components.filter((c) => c.grpcAddress);
    assert.equal(grpcComponents.length, 5);
    for (const c of grpcComponents) {
      const list = spawnSync(grpcurl, ['-plaintext', c.grpcAddress!, 'list'], { encoding: 'utf8' });
      assert.equal(list.status, 0, list.stderr);
      const services = list.stdout.trim().split('\n');
      const own = `clarity.${c.name}.v1.${c.name[0]!.toUpperCase()}${c.name.slice(1)}Service`;
      assert.deepEqual(services.sort(), [own, 'grpc.health.v1.Health'].sort());
      const describe = spawnSync(grpcurl, ['-plaintext', c.grpcAddress!, 'describe', own], { encoding: 'utf8' });
      assert.equal(describe.status, 0, describe.stderr);
      for (const svc of ['', own]) {
        const check = spawnSync(grpcurl, ['-plaintext', '-d', JSON.stringify({ service: svc }), c.grpcAddress!, 'grpc.health.v1.Health/Check'], { encoding: 'utf8' });
        assert.equal(check.status, 0, check.stderr);
        assert.match(check.stdout, /"status": "SERVING"/);
      }
    }
  });

  test('down stops every process', () => {
    const state = JSON.parse(readFileSync(join(home, 'mesh.json'), 'utf8')) as { components: Array<{ pid: number }> };
    const r = clarity('down');
    assert.equal(r.status, 0, r.stderr);
    for (const { pid } of state.components) {
      assert.throws(() => process.kill(pid, 0), 'process still alive');
    }
    assert.equal(clarity('health').status, 3);
  });
});
