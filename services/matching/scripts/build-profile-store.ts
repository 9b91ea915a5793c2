// Full-rebuild diagnostics on the real network: `import <dir>` writes the 424K network into a
// file-backed embedded store once (through SupplierStore.upsertBatch, as ImportSuppliers does);
// `build <dir>` then times IndexSync.buildIndex() in a fresh process (run it under `node --cpu-prof`
// to see where the time goes). Prints JSON: wall and CPU seconds, RSS after the build.
import { store } from '@clarity/kit';
import { IndexSync } from '../src/adapters/index-sync.js';
import { SupplierStore } from '../src/adapters/supplier-store.js';
import { SupplierIndex } from '../src/domain/supplier-index.js';
import { loadNetwork } from './network-files.js';

const [mode, dir] = process.argv.slice(2);
if (!dir || (mode !== 'import' && mode !== 'build')) throw new Error('usage: build-profile-store.js import|build <dir>');
const mb = (x: number) => Math.round(x / 1e6);
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return Number(((c.user + c.system) / 1e6).toFixed(2));
};
const openCpu = process.cpuUsage();
const s = new store.EmbeddedStore({ dir });
const suppliers = new SupplierStore(s);
await suppliers.init();
await suppliers.currentSeq();
const openCpuSeconds = cpuSeconds(openCpu);
if (mode === 'import') {
  const { records } = await loadNetwork();
  for (let i = 0; i < records.length; i += 5000) await suppliers.upsertBatch(records.slice(i, i + 5000));
  console.log(JSON.stringify({ imported: records.length, seq: await suppliers.currentSeq() }));
} else {
  const index = new SupplierIndex();
  const sync = new IndexSync(suppliers, index, { intervalMs: 0, settleMs: 0 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const stats = await sync.buildIndex();
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  const rssBeforeGc = process.memoryUsage().rss;
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  console.log(JSON.stringify({
    store_open_cpu_seconds: openCpuSeconds,
    suppliers: stats.suppliers,
    names: index.nameCount,
    wall_seconds: Number(wall.toFixed(2)),
    cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    rss_mb: mb(rssBeforeGc),
    rss_after_gc_mb: mb(m.rss),
    heap_used_mb: mb(m.heapUsed),
    external_mb: mb(m.external),
    index_estimate_mb: mb(index.memoryBytes()),
  }));
}
await s.close();
