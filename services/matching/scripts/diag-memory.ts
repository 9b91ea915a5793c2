// Diagnostics: opens a file-backed embedded store, builds the index as the service does, and prints
// where the time and memory go (heap spaces, RSS) — for optimizing start-up, not a benchmark.
import { getHeapSpaceStatistics } from 'node:v8';
import { store } from '@clarity/kit';
import { IndexSync } from '../src/adapters/index-sync.js';
import { SupplierStore } from '../src/adapters/supplier-store.js';
import { SupplierIndex } from '../src/domain/supplier-index.js';

const dir = process.argv[2]!;
const mb = (x: number) => Math.round(x / 1e6);
const report = (label: string) => {
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name.replace('_space', ''), mb(s.space_used_size)]));
  console.log(label, JSON.stringify({ rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces }));
};
report('start');
let t = performance.now();
const s = new store.EmbeddedStore({ dir });
const suppliers = new SupplierStore(s);
await suppliers.currentSeq();
console.log('open', ((performance.now() - t) / 1000).toFixed(2), 's');
report('opened');
if (process.argv[3] === 'scan') {
  t = performance.now();
  let n = 0;
  for await (const _ of suppliers.scanAll()) n++;
  console.log('scan only', n, ((performance.now() - t) / 1000).toFixed(2), 's');
  report('scanned');
}
const index = new SupplierIndex();
const sync = new IndexSync(suppliers, index, { intervalMs: 0, settleMs: 0 });
t = performance.now();
const stats = await sync.buildIndex();
console.log('build', stats.suppliers, ((performance.now() - t) / 1000).toFixed(2), 's', 'estimate', mb(index.memoryBytes()));
report('built');
(globalThis as { gc?: () => void }).gc?.();
report('after gc');
await s.close();
