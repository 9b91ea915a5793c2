// The index snapshot on local disk: written after a full build and at shutdown, loaded at start-up
// when it was taken from this store (then caught up by change sequence), so a restart reads one
// compact file instead of every supplier document. Missing, damaged or stale: a full rebuild.
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { SnapshotHeader, SupplierIndex } from '../domain/supplier-index.js';
import type { SupplierStore } from './supplier-store.js';

export interface SnapshotMeta {
  /** The index sync's watermark when written: every change at or below it is in the snapshot. */
  watermark: number;
  /** The identity of the store it was taken from (`SupplierStore.storeId`). */
  storeId: string;
  savedAt: string;
}

export type SnapshotLoad = { loaded: true; meta: SnapshotMeta; seconds: number } | { loaded: false; reason: string };

// File layout: "CLSNAP1\n", u32 header length, u32 0, the JSON header (index scalars, `meta`, the
// section table), then each section padded to 8 bytes, then a CRC-32 of everything before it (u32,
// padded to 8). Sections are written from and read into their typed arrays directly: no whole-file
// buffer is ever held.
const MAGIC = 'CLSNAP1\n';
const pad8 = (n: number) => (8 - (n % 8)) % 8;
const ZEROS = new Uint8Array(8);

/** Writes the index (frozen first) atomically: a temporary file renamed over the old one. */
export function writeSnapshot(path: string, index: SupplierIndex, watermark: number, storeId: string): { bytes: number; seconds: number } {
  const t0 = performance.now();
  const meta: SnapshotMeta = { watermark, storeId, savedAt: new Date().toISOString() };
  const { header, sections } = index.snapshotSections(meta as unknown as Record<string, unknown>);
  const headerBytes = Buffer.from(JSON.stringify({ ...header, sections: sections.map((x) => ({ name: x.name, bytes: x.data.byteLength })) }), 'utf8');
  const head = Buffer.alloc(16);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(headerBytes.byteLength, 8);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let crc = 0;
  let bytes = 0;
  const put = (data: Uint8Array) => {
    if (data.byteLength === 0) return;
    writeSync(fd, data);
    crc = crc32(data, crc);
    bytes += data.byteLength;
  };
  try {
    put(head);
    put(headerBytes);
    put(ZEROS.subarray(0, pad8(headerBytes.byteLength)));
    for (const x of sections) {
      put(x.data);
      put(ZEROS.subarray(0, pad8(x.data.byteLength)));
    }
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(crc, 0);
    writeSync(fd, tail);
    bytes += 8;
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}

/** Reads and checks a snapshot file: its header and its sections, each in an ArrayBuffer of its own. */
export function readSnapshotFile(path: string): { header: SnapshotHeader & { meta: SnapshotMeta }; sections: Map<string, Uint8Array> } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let pos = 0;
    let crc = 0;
    const read = (into: Uint8Array) => {
      if (pos + into.byteLength > size - 8) throw new Error('damaged: truncated');
      let done = 0;
      while (done < into.byteLength) {
        const n = readSync(fd, into, done, into.byteLength - done, pos + done);
        if (n <= 0) throw new Error('damaged: truncated');
        done += n;
      }
      pos += into.byteLength;
      // zlib.crc32 of an empty view over its own empty ArrayBuffer returns 0 (Node 20), not the seed.
      if (into.byteLength > 0) crc = crc32(into, crc);
      return into;
    };
    const scratch = new Uint8Array(8);
    const head = Buffer.from(read(new Uint8Array(16)).buffer);
    if (head.toString('latin1', 0, 8) !== MAGIC) throw new Error('damaged: not an index snapshot');
    const headerLength = head.readUInt32LE(8);
    const parsed = JSON.parse(Buffer.from(read(new Uint8Array(headerLength)).buffer).toString('utf8')) as SnapshotHeader & {
      meta?: SnapshotMeta;
      sections?: Array<{ name: string; bytes: number }>;
    };
    read(scratch.subarray(0, pad8(headerLength)));
    const m = parsed.meta;
    if (!m || typeof m.watermark !== 'number' || typeof m.storeId !== 'string' || !Array.isArray(parsed.sections)) {
      throw new Error('damaged: header without meta or sections');
    }
    const sections = new Map<string, Uint8Array>();
    for (const x of parsed.sections) {
      sections.set(x.name, read(new Uint8Array(new ArrayBuffer(x.bytes))));
      read(scratch.subarray(0, pad8(x.bytes)));
    }
    if (pos !== size - 8) throw new Error('damaged: sections do not add up');
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, pos);
    if (tail.readUInt32LE(0) !== crc) throw new Error('damaged: checksum mismatch');
    return { header: parsed as SnapshotHeader & { meta: SnapshotMeta }, sections };
  } finally {
    closeSync(fd);
  }
}

/**
 * Fills the (empty) index from the snapshot at `path` when it is intact and the store still holds
 * the newest version it recorded (same store, nothing rewritten under it). The caller catches up
 * from `meta.watermark`.
 */
export async function loadSnapshot(path: string, index: SupplierIndex, store: SupplierStore): Promise<SnapshotLoad> {
  const t0 = performance.now();
  if (!existsSync(path)) return { loaded: false, reason: 'no snapshot' };
  let file: ReturnType<typeof readSnapshotFile>;
  try {
    file = readSnapshotFile(path);
  } catch (err) {
    return { loaded: false, reason: (err as Error).message };
  }
  const meta = file.header.meta;
  if (meta.storeId !== (await store.storeId())) return { loaded: false, reason: 'stale: the snapshot was taken from another store' };
  const counter = await store.currentSeq();
  if (counter < meta.watermark) return { loaded: false, reason: `stale: the store's sequence (${counter}) is behind the snapshot's (${meta.watermark})` };
  try {
    index.restoreSnapshot(file.header, file.sections);
    return { loaded: true, meta, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    return { loaded: false, reason: (err as Error).message };
  }
}

/** Removes a snapshot (e.g. one that failed to load). */
export function removeSnapshot(path: string): void {
  rmSync(path, { force: true });
}
