// The real network in this process: records parsed by the importers, an index built from them, and
// a matcher over it (for the calibration fit and the benchmark's in-process latency figures).
import { indexEntryOf, supplierId, type SupplierDoc, type SupplierRecord } from '../src/domain/supplier.js';
import { SupplierIndex } from '../src/domain/supplier-index.js';
import { loadNetwork } from './network-files.js';

export interface InProcessNetwork {
  records: SupplierRecord[];
  byId: Map<string, SupplierRecord>;
  index: SupplierIndex;
  parseSeconds: number;
  buildSeconds: number;
}

export async function loadInProcess(): Promise<InProcessNetwork> {
  const t0 = performance.now();
  const { records } = await loadNetwork();
  const t1 = performance.now();
  const index = new SupplierIndex();
  index.beginBuild();
  const byId = new Map<string, SupplierRecord>();
  const now = new Date();
  let seq = 0;
  for (const r of records) {
    const id = supplierId(r.source, r.sourceId);
    byId.set(id, r);
    const doc: SupplierDoc = { _id: id, ...r, hash: '', createTime: now, updateTime: now, seq: ++seq };
    index.upsert(indexEntryOf(doc));
  }
  index.freeze();
  return { records, byId, index, parseSeconds: (t1 - t0) / 1000, buildSeconds: (performance.now() - t1) / 1000 };
}
