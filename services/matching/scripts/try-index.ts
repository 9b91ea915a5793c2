// Scratch: build the index from the real network in-process and time queries.
import { loadNetwork } from './network-files.js';
import { SupplierIndex } from '../src/domain/supplier-index.js';
import { Matcher } from '../src/domain/matcher.js';
import { loadCalibration } from '../src/domain/calibration.js';
import { supplierId } from '../src/domain/supplier.js';

const t0 = performance.now();
const { records } = await loadNetwork();
const t1 = performance.now();
console.log('parsed', records.length, ((t1 - t0) / 1000).toFixed(2), 's');
const index = new SupplierIndex();
let seq = 0;
for (const r of records) {
  index.upsert({ id: supplierId(r.source, r.sourceId), name: r.name, aliases: r.aliases, street: r.address.line1, city: r.address.city, state: r.address.state, postalCode: r.address.postalCode, eins: [], seq: ++seq });
}
const t2 = performance.now();
console.log('index', ((t2 - t1) / 1000).toFixed(2), 's', index.supplierCount, index.nameCount, index.termCount, (index.memoryBytes() / 1e6).toFixed(0), 'MB est');
const matcher = new Matcher(index, loadCalibration());
const times: number[] = [];
let hits = 0;
for (let i = 0; i < 600; i++) {
  const r = records[(i * 7919) % records.length]!;
  const s = performance.now();
  const out = matcher.match({ name: r.name, city: r.address.city }, 5);
  times.push(performance.now() - s);
  if (out.candidates[0]?.info.id === supplierId(r.source, r.sourceId)) hits++;
}
times.sort((a, b) => a - b);
console.log('p50', times[300]!.toFixed(2), 'p95', times[570]!.toFixed(2), 'max', times[599]!.toFixed(2), 'hits', hits);
