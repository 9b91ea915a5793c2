// The index snapshot kept in the store itself, so that every replica on the same store (a MongoDB
// replica without a persistent volume included) starts from it instead of reading every supplier.
//
// The bytes are exactly the file snapshot's (index-snapshot.ts), cut into chunks of CHUNK_BYTES, each
// stored as base64 text (the kit's stores take no binary values; far below MongoDB's and FerretDB's
// 16 MB document limit) in a document keyed by snapshot id and chunk number, followed LAST by one
// manifest document that names them: a reader never sees a manifest whose chunks were not all written. A manifest is replaced (compare-and-swap on its snapshot id) only by a
// snapshot whose watermark is not older; the replaced snapshot's chunks are deleted afterwards.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { crc32 } from 'node:zlib';
import { store as kitStore, type Collection } from '@clarity/kit';
import type { SupplierIndex } from '../domain/supplier-index.js';
import { parseSnapshot, restoreFromSnapshot, snapshotPieces, snapshotTail, type ParsedSnapshot, type SnapshotLoad } from './index-snapshot.js';
import type { SupplierStore } from './supplier-store.js';

/**
 * Raw bytes per chunk (87 KB of base64): small enough for V8's young generation, so a load's
 * transient strings and buffers are collected as it goes instead of piling up (~50 MB more peak RSS
 * with 3 MB chunks at 424K); BATCH chunks travel per round trip.
 */
export const CHUNK_BYTES = 64 * 1024;
const BATCH = 32;
const MANIFEST_ID = 'current';
/** A manifest claiming larger chunks is damaged (and would make the reader allocate too much). */
const MAX_CHUNK_BYTES = 12 * 1024 * 1024;
/** Chunks of no manifest (a writer that died or lost a race) older than this are removed by the next writer. */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

export interface StoreSnapshotManifest {
  _id: string;
  snapshotId: string;
  chunks: number;
  chunkBytes: number;
  totalBytes: number;
  /** CRC-32 of the bytes before the 8-byte tail (the tail holds it too). */
  crc: number;
  storeId: string;
  watermark: number;
  createdAt: Date;
  writer: string;
}

interface Chunk {
  _id: string;
  snapshotId: string;
  n: number;
  /** The chunk's bytes in base64. */
  data: string;
  writtenAt: number;
}

export type StoreSnapshotWrite =
  | { written: true; snapshotId: string; bytes: number; chunks: number; seconds: number }
  | { written: false; reason: string };

/** A chunk document's bytes (undefined when it holds no text). */
export function chunkBytes(value: unknown): Buffer | undefined {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;
}

const chunkId = (snapshotId: string, n: number) => `${snapshotId}:${String(n).padStart(6, '0')}`;

export class StoreSnapshots {
  private readonly manifests: Collection<StoreSnapshotManifest>;
  private readonly chunks: Collection<Chunk>;
  /** The manifest found unusable at start-up (missing or damaged chunks): any writer may replace it. */
  private unusable?: string;

  constructor(
    private readonly suppliers: SupplierStore,
    private readonly options: { minChanges: number; /** Tests use small chunks. */ chunkBytes?: number },
  ) {
    this.manifests = suppliers.store.collection<StoreSnapshotManifest>('matching_index_snapshot');
    this.chunks = suppliers.store.collection<Chunk>('matching_index_snapshot_chunks');
  }

  manifest(): Promise<StoreSnapshotManifest | null> {
    return this.manifests.get(MANIFEST_ID);
  }

  /**
   * Fills the (empty) index from the store's snapshot when it is intact and current: chunks are read
   * one at a time and copied straight into the sections' arrays (no whole-snapshot buffer).
   */
  async load(index: SupplierIndex): Promise<SnapshotLoad & { snapshotId?: string }> {
    const t0 = performance.now();
    const m = await this.manifest();
    if (!m) return { loaded: false, reason: 'no snapshot in the store' };
    let parsed: ParsedSnapshot & { crc: number };
    try {
      if (!(m.chunks > 0 && m.chunkBytes > 0 && m.totalBytes > 8 && Math.ceil(m.totalBytes / m.chunkBytes) === m.chunks)) throw new Error('damaged: inconsistent manifest');
      if (m.chunkBytes > MAX_CHUNK_BYTES) throw new Error('damaged: inconsistent manifest');
      // Every chunk is decoded into this one buffer: no allocation per chunk left for the GC.
      const scratch = Buffer.allocUnsafe(m.chunkBytes);
      let chunk: Uint8Array = new Uint8Array(0);
      let at = 0;
      let next = 0;
      let fetched: Array<Chunk | undefined> = [];
      parsed = await parseSnapshot(m.totalBytes, async (into) => {
        let done = 0;
        while (done < into.byteLength) {
          if (at === chunk.byteLength) {
            if (next >= m.chunks) throw new Error('damaged: truncated');
            if (fetched.length === 0) {
              const ids = Array.from({ length: Math.min(BATCH, m.chunks - next) }, (_, k) => chunkId(m.snapshotId, next + k));
              const byId = new Map((await this.chunks.getMany(ids)).map((d) => [d._id, d]));
              fetched = ids.map((id) => byId.get(id));
            }
            const doc = fetched.shift();
            if (!doc || typeof doc.data !== 'string') throw new Error(`damaged: chunk ${next} of ${m.chunks} missing`);
            const expected = next < m.chunks - 1 ? m.chunkBytes : m.totalBytes - m.chunkBytes * (m.chunks - 1);
            const length = Buffer.byteLength(doc.data, 'base64');
            if (length !== expected) throw new Error(`damaged: chunk ${next} holds ${length} bytes, expected ${expected}`);
            chunk = scratch.subarray(0, scratch.write(doc.data, 0, 'base64'));
            if (chunk.byteLength !== expected) throw new Error(`damaged: chunk ${next} is not base64`);
            at = 0;
            next += 1;
          }
          const n = Math.min(into.byteLength - done, chunk.byteLength - at);
          into.set(chunk.subarray(at, at + n), done);
          done += n;
          at += n;
        }
      });
      if (next !== m.chunks || at !== chunk.byteLength) throw new Error('damaged: chunks do not add up');
      if (parsed.crc !== m.crc) throw new Error('damaged: checksum differs from the manifest');
    } catch (err) {
      this.unusable = m.snapshotId;
      return { loaded: false, reason: (err as Error).message, snapshotId: m.snapshotId };
    }
    const out = await restoreFromSnapshot(parsed, index, this.suppliers, t0);
    if (!out.loaded) this.unusable = m.snapshotId;
    return { ...out, snapshotId: m.snapshotId };
  }

  /**
   * Whether this replica should (re)write the store's snapshot at `watermark`: when there is none,
   * when the current one could not be loaded, or when it is at least `minChanges` sequence numbers
   * behind. Keeps N replicas from all rewriting ~140 MB after every start and shutdown.
   */
  async wanted(watermark: number): Promise<{ write: boolean; reason: string }> {
    const m = await this.manifest();
    if (!m) return { write: true, reason: 'no snapshot in the store' };
    if (m.snapshotId === this.unusable) return { write: true, reason: 'the stored snapshot is unusable' };
    if (watermark - m.watermark >= this.options.minChanges) return { write: true, reason: `the stored snapshot is ${watermark - m.watermark} changes behind` };
    return { write: false, reason: `the stored snapshot is ${Math.max(0, watermark - m.watermark)} changes behind (< ${this.options.minChanges})` };
  }

  /**
   * Writes the index's snapshot as chunks, then the manifest. The chunks are copied from the live
   * index between awaits: if the index changes meanwhile (an import), the write is abandoned — its
   * bytes would mix two states — and its chunks removed.
   */
  async write(index: SupplierIndex, watermark: number, storeId: string): Promise<StoreSnapshotWrite> {
    const t0 = performance.now();
    const snapshotId = randomUUID();
    const createdAt = new Date();
    const previous = await this.manifest();
    if (previous && previous.watermark > watermark && previous.snapshotId !== this.unusable) {
      return { written: false, reason: `the stored snapshot is newer (${previous.watermark} > ${watermark})` };
    }
    // MongoDB deletes a snapshot's chunks from this index instead of scanning ~100 MB of them.
    if (this.suppliers.store.kind === 'mongodb') await this.chunks.createIndex({ snapshotId: 1 }, { name: 'snapshotId' });
    const changesBefore = index.updatesApplied;
    const pieces = snapshotPieces(index, { watermark, storeId, savedAt: createdAt.toISOString() });
    const size = this.options.chunkBytes ?? CHUNK_BYTES;
    const buffer = Buffer.allocUnsafe(size);
    let fill = 0;
    let chunks = 0;
    let crc = 0;
    let total = 0;
    let pending: Chunk[] = [];
    const flush = async (last = false) => {
      if (fill > 0) {
        pending.push({ _id: chunkId(snapshotId, chunks), snapshotId, n: chunks, data: buffer.toString('base64', 0, fill), writtenAt: Date.now() });
        chunks += 1;
        fill = 0;
      }
      if (pending.length < BATCH && !(last && pending.length > 0)) return;
      await this.chunks.putMany(pending);
      pending = [];
      if (index.updatesApplied !== changesBefore) throw new Abandoned('the index changed while the snapshot was written');
    };
    const append = async (data: Uint8Array) => {
      let done = 0;
      while (done < data.byteLength) {
        const n = Math.min(size - fill, data.byteLength - done);
        buffer.set(data.subarray(done, done + n), fill);
        fill += n;
        done += n;
        if (fill === size) await flush();
      }
    };
    try {
      for (const piece of pieces) {
        await append(piece);
        crc = crc32(piece, crc);
        total += piece.byteLength;
      }
      await append(snapshotTail(crc));
      total += 8;
      await flush(true);
      const manifest: StoreSnapshotManifest = {
        _id: MANIFEST_ID,
        snapshotId,
        chunks,
        chunkBytes: size,
        totalBytes: total,
        crc,
        storeId,
        watermark,
        createdAt,
        writer: `${hostname()}:${process.pid}`,
      };
      // Compare-and-swap on the manifest this writer read: a concurrent writer that got there first wins.
      if (previous) {
        const { _id, ...fields } = manifest;
        const swapped = await this.manifests.updateOne({ _id, snapshotId: previous.snapshotId }, { $set: fields });
        if (swapped.matched === 0) throw new Abandoned('another replica replaced the stored snapshot meanwhile');
      } else {
        try {
          await this.manifests.insert(manifest);
        } catch (err) {
          if (err instanceof kitStore.DuplicateKeyError || (err as { code?: number }).code === 11000) throw new Abandoned('another replica wrote a snapshot meanwhile');
          throw err;
        }
      }
    } catch (err) {
      await this.chunks.deleteMany({ snapshotId }).catch(() => 0);
      if (err instanceof Abandoned) return { written: false, reason: err.message };
      throw err;
    }
    // The replaced snapshot's chunks, and those of writers that died before their manifest.
    await this.chunks.deleteMany({ $and: [{ snapshotId: { $ne: snapshotId } }, { $or: [{ snapshotId: previous?.snapshotId ?? snapshotId }, { writtenAt: { $lt: Date.now() - ORPHAN_AGE_MS } }] }] });
    if (this.unusable === previous?.snapshotId) this.unusable = undefined;
    return { written: true, snapshotId, bytes: total, chunks, seconds: (performance.now() - t0) / 1000 };
  }
}

class Abandoned extends Error {}
