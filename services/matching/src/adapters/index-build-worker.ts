// Worker thread of a parallel full rebuild. It reads the suppliers' log (a frozen view of the embedded
// store's file), derives each supplier's index entry and normalized names, numbers their tokens, and
// sends packed batches (packed-entries.ts) to the main thread, which only fills the index: decoding,
// normalization and token look-ups — most of a rebuild's CPU time — run beside it on another core.
// At most MAX_AHEAD batches wait unacknowledged, so decoded batches never pile up in memory.
import { parentPort, workerData } from 'node:worker_threads';
import type { store } from '@clarity/kit';
import { readLogView } from '@clarity/kit/store/embedded';
import { INDEXED_FIELDS, indexEntryOfIndexed, type IndexedDoc } from '../domain/supplier.js';
import { nameVariants } from '../domain/supplier-index.js';
import { BatchPacker, type PackedBatch } from './packed-entries.js';

const MAX_AHEAD = 3;
const { view, batchSize } = workerData as { view: store.LogView; batchSize: number };
const port = parentPort!;
let ahead = 0;
let wake: (() => void) | undefined;
port.on('message', () => {
  ahead -= 1;
  wake?.();
  wake = undefined;
});

async function send(batch: PackedBatch): Promise<void> {
  port.postMessage(batch, [batch.nums.buffer as ArrayBuffer, batch.ids.buffer as ArrayBuffer]);
  ahead += 1;
  while (ahead >= MAX_AHEAD) await new Promise<void>((resolve) => (wake = resolve));
}

const packer = new BatchPacker(nameVariants);
for (const doc of readLogView<IndexedDoc>(view, INDEXED_FIELDS)) {
  const updateTimeMs = doc.updateTime instanceof Date ? doc.updateTime.getTime() : NaN;
  packer.add(doc._id, doc.seq, updateTimeMs, doc.deleted === true ? undefined : (indexEntryOfIndexed(doc) ?? 'read-whole'));
  if (packer.records >= batchSize) await send(packer.take());
}
if (packer.records > 0) await send(packer.take());
port.postMessage({ done: true });
port.close();
