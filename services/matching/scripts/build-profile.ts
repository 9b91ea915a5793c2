// Times the index build alone (records parsed first), for optimizing start-up.
import { indexEntryOf, supplierId, type SupplierDoc } from '../src/domain/supplier.js';
import { SupplierIndex } from '../src/domain/supplier-index.js';
import { loadNetwork } from './network-files.js';

const { records } = await loadNetwork();
const now = new Date();
const entries = records.map((r, i) => indexEntryOf({ _id: supplierId(r.source, r.sourceId), ...r, hash: '', createTime: now, updateTime: now, seq: i + 1 } as SupplierDoc));
for (let round = 0; round < 2; round++) {
  const t0 = performance.now();
  const index = new SupplierIndex();
  for (const e of entries) index.upsert(e);
  console.log(`build ${((performance.now() - t0) / 1000).toFixed(2)} s, ${index.supplierCount} suppliers, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB, load ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`);
}
