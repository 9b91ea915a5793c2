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

export type ParsedSnapshot = { header: SnapshotHeader & { meta: SnapshotMeta }; sections: Map<string, Uint8Array> };

/**
 * The snapshot's bytes, in order, as views (the index's own typed arrays, not copies) — everything but
 * the trailing CRC. Shared by the file and the store writers so both hold the same bytes.
 */
export function snapshotPieces(index: SupplierIndex, meta: SnapshotMeta): Uint8Array[] {
  const { header, sections } = index.snapshotSections(meta as unknown as Record<string, unknown>);
  const headerBytes = Buffer.from(JSON.stringify({ ...header, sections: sections.map((x) => ({ name: x.name, bytes: x.data.byteLength })) }), 'utf8');
  const head = Buffer.alloc(16);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(headerBytes.byteLength, 8);
  const pieces: Uint8Array[] = [head, headerBytes, ZEROS.subarray(0, pad8(headerBytes.byteLength))];
  for (const x of sections) pieces.push(x.data, ZEROS.subarray(0, pad8(x.data.byteLength)));
  return pieces.filter((x) => x.byteLength > 0);
}

/** The 8-byte tail: the CRC-32 of everything before it, padded. */
export function snapshotTail(crc: number): Buffer {
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(crc, 0);
  return tail;
}

/** Writes the index (frozen first) atomically: a temporary file renamed over the old one. */
export function writeSnapshot(path: string, index: SupplierIndex, watermark: number, storeId: string): { bytes: number; seconds: number } {
  const t0 = performance.now();
  const pieces = snapshotPieces(index, { watermark, storeId, savedAt: new Date().toISOString() });
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let crc = 0;
  let bytes = 0;
  try {
    for (const data of pieces) {
      writeSync(fd, data);
      crc = crc32(data, crc);
      bytes += data.byteLength;
    }
    writeSync(fd, snapshotTail(crc));
    bytes += 8;
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Parses and checks a snapshot of `size` bytes delivered in order by `read` (which fills `into`
 * completely or throws): its header and its sections, each in an ArrayBuffer of its own.
 */
export async function parseSnapshot(size: number, read: (into: Uint8Array) => void | Promise<void>): Promise<ParsedSnapshot & { crc: number }> {
  let pos = 0;
  let crc = 0;
  const take = async (into: Uint8Array, checked = true) => {
    if (checked && pos + into.byteLength > size - 8) throw new Error('damaged: truncated');
    if (into.byteLength > 0) await read(into);
    pos += into.byteLength;
    // zlib.crc32 of an empty view over its own empty ArrayBuffer returns 0 (Node 20), not the seed.
    if (checked && into.byteLength > 0) crc = crc32(into, crc);
    return into;
  };
  const scratch = new Uint8Array(8);
  const head = Buffer.from((await take(new Uint8Array(16))).buffer);
  if (head.toString('latin1', 0, 8) !== MAGIC) throw new Error('damaged: not an index snapshot');
  const headerLength = head.readUInt32LE(8);
  if (headerLength > size) throw new Error('damaged: truncated');
  const parsed = JSON.parse(Buffer.from((await take(new Uint8Array(headerLength))).buffer).toString('utf8')) as SnapshotHeader & {
    meta?: SnapshotMeta;
    sections?: Array<{ name: string; bytes: number }>;
  };
  await take(scratch.subarray(0, pad8(headerLength)));
  const m = parsed.meta;
  if (!m || typeof m.watermark !== 'number' || typeof m.storeId !== 'string' || !Array.isArray(parsed.sections)) {
    throw new Error('damaged: header without meta or sections');
  }
  const sections = new Map<string, Uint8Array>();
  for (const x of parsed.sections) {
    if (!(x.bytes >= 0 && pos + x.bytes <= size - 8)) throw new Error('damaged: truncated');
    sections.set(x.name, await take(new Uint8Array(new ArrayBuffer(x.bytes))));
    await take(scratch.subarray(0, pad8(x.bytes)));
  }
  if (pos !== size - 8) throw new Error('damaged: sections do not add up');
  const tail = Buffer.from((await take(new Uint8Array(8), false)).buffer);
  if (tail.readUInt32LE(0) !== crc) throw new Error('damaged: checksum mismatch');
  return { header: parsed as SnapshotHeader & { meta: SnapshotMeta }, sections, crc };
}

/** Reads and checks a snapshot file, straight into the sections' arrays (no whole-file buffer). */
export async function readSnapshotFile(path: string): Promise<ParsedSnapshot> {
  const fd = openSync(path, 'r');
  try {
    let pos = 0;
    return await parseSnapshot(fstatSync(fd).size, (into) => {
      let done = 0;
      while (done < into.byteLength) {
        const n = readSync(fd, into, done, into.byteLength - done, pos + done);
        if (n <= 0) throw new Error('damaged: truncated');
        done += n;
      }
      pos += into.byteLength;
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * Fills the (empty) index from a parsed snapshot when the store still holds the newest version it
 * recorded (same store, nothing rewritten under it). The caller catches up from `meta.watermark`.
 */
export async function restoreFromSnapshot(snapshot: ParsedSnapshot, index: SupplierIndex, store: SupplierStore, t0: number): Promise<SnapshotLoad> {
  const meta = snapshot.header.meta;
  if (meta.storeId !== (await store.storeId())) return { loaded: false, reason: 'stale: the snapshot was taken from another store' };
  const counter = await store.currentSeq();
  if (counter < meta.watermark) return { loaded: false, reason: `stale: the store's sequence (${counter}) is behind the snapshot's (${meta.watermark})` };
  try {
    index.restoreSnapshot(snapshot.header, snapshot.sections);
    return { loaded: true, meta, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    return { loaded: false, reason: (err as Error).message };
  }
}

/** Loads the snapshot file at `path` into the (empty) index when it is intact and current (see above). */
export async function loadSnapshot(path: string, index: SupplierIndex, store: SupplierStore): Promise<SnapshotLoad> {
  const t0 = performance.now();
  if (!existsSync(path)) return { loaded: false, reason: 'no snapshot' };
  let file: ParsedSnapshot;
  try {
    file = await readSnapshotFile(path);
  } catch (err) {
    return { loaded: false, reason: (err as Error).message };
  }
  return restoreFromSnapshot(file, index, store, t0);
}

/** Removes a snapshot (e.g. one that failed to load). */
export function removeSnapshot(path: string): void {
  rmSync(path, { force: true });
}
