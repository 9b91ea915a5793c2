// Start-up of the real matching service on a store made by `build-profile-store.js import <dir>`
// (file-backed embedded store, 424K suppliers), one mode per process so each figure starts cold:
//   store <dir>   CLARITY_MATCHING_INDEX_SNAPSHOT=store: loads the store's snapshot (or builds and
//                 writes it when there is none, timing the write too)
//   file <dir>    a local snapshot file beside the store (<dir>.snapshot), for comparison
//   off <dir>     snapshots off: the full rebuild from the store
//   touch <dir> N writes N new suppliers (catch-up work for the next `store` start)
// Prints JSON: wall and CPU seconds to SERVING, RSS after, the process's peak RSS (VmHWM).
import { readFileSync } from 'node:fs';
import { store } from '@clarity/kit';
import { testRuntimeConfig } from '@clarity/kit/testing';
import { StoreSnapshots } from '../src/adapters/store-snapshot.js';
import { SupplierStore } from '../src/adapters/supplier-store.js';
import { DEFAULT_SETTINGS, STORE_SNAPSHOT } from '../src/config.js';
import { startMatchingService } from '../src/server.js';
import type { SupplierRecord } from '../src/domain/supplier.js';

const [mode, dir, count] = process.argv.slice(2);
if (!dir || !['store', 'file', 'off', 'touch'].includes(mode!)) throw new Error('usage: store-snapshot-bench.js store|file|off|touch <dir> [n]');
const mb = (x: number) => Math.round(x / 1e6);
const status = (field: string) => Number(/(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? 0) * 1024;
const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return Number(((c.user + c.system) / 1e6).toFixed(2));
};
const s = new store.EmbeddedStore({ dir });
if (mode === 'touch') {
  const suppliers = new SupplierStore(s);
  const n = Number(count ?? 1000);
  // Changed names of existing suppliers (updates, the common case between two starts).
  const tag = Date.now().toString(36);
  const records: SupplierRecord[] = [];
  for await (const doc of suppliers.suppliers.scan({ deleted: null })) {
    const { _id, hash, createTime, updateTime, seq, deleted, ...record } = doc;
    records.push({ ...record, name: `${record.name} ${tag}` });
    if (records.length >= n) break;
  }
  const out = await suppliers.upsertBatch(records);
  console.log(JSON.stringify({ written: out.inserted + out.updated, seq: await suppliers.currentSeq() }));
  await s.close();
  process.exit(0);
}
const snapshots = new StoreSnapshots(new SupplierStore(s), { minChanges: 1000 });
const before = await snapshots.manifest();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const running = await startMatchingService({
  config: { runtime: testRuntimeConfig('matching'), matching: { ...DEFAULT_SETTINGS, syncIntervalMs: 0, snapshotPath: mode === 'store' ? STORE_SNAPSHOT : mode === 'file' ? `${dir}.snapshot` : '' } },
  store: s,
});
await running.ready;
const out: Record<string, unknown> = {
  mode,
  source: running.deps.sync.build?.source,
  snapshot: running.deps.sync.build?.snapshot ?? null,
  suppliers: running.deps.index.supplierCount,
  caught_up: running.deps.index.updatesApplied,
  ready_wall_seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
  ready_cpu_seconds: cpuSince(cpu0),
  rss_ready_mb: mb(process.memoryUsage().rss),
  peak_rss_ready_mb: mb(status('VmHWM')),
};
if (mode === 'store' && running.deps.sync.build?.source === 'store') {
  // The write after a full build runs in the background: wait for its manifest.
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  for (;;) {
    const m = await snapshots.manifest();
    if (m && m.snapshotId !== before?.snapshotId) {
      Object.assign(out, { write_wall_seconds: Number(((performance.now() - t1) / 1000).toFixed(2)), write_cpu_seconds: cpuSince(cpu1), chunks: m.chunks, bytes: m.totalBytes });
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 200));
  out.rss_after_write_mb = mb(process.memoryUsage().rss);
}
if (mode === 'file' && running.deps.sync.build?.source === 'store') {
  // The file is written synchronously right after SERVING.
  await new Promise((r) => setTimeout(r, 500));
  out.rss_after_write_mb = mb(process.memoryUsage().rss);
}
out.peak_rss_mb = mb(status('VmHWM'));
await running.shutdown();
await s.close();
console.log(JSON.stringify(out));
