// Each supplier slot's display record (name, street, city, state, ZIP joined by a separator). After a
// snapshot restore the records stay in the snapshot's UTF-8 bytes and are decoded when asked for: as
// 424K strings (slices of one 26 MB string) they cost ~15 MB more and gave the collector 424K more objects
// to mark. Records written later (new slots, changed or removed suppliers) are plain strings.

/**
 * Where each NUL-separated record of a snapshot section starts, plus one past the end (the position a
 * separator after the last record would follow): n + 1 offsets for n records. An empty section holds none.
 */
export function recordStarts(section: Uint8Array): Int32Array {
  if (section.byteLength === 0) return new Int32Array(1);
  // Count, then fill: a growing JS array of 424K offsets would add its own garbage to the restore's peak.
  let n = 1;
  for (let at = section.indexOf(0); at >= 0; at = section.indexOf(0, at + 1)) n++;
  const starts = new Int32Array(n + 1);
  let k = 1;
  for (let at = section.indexOf(0); at >= 0; at = section.indexOf(0, at + 1)) starts[k++] = at + 1;
  starts[n] = section.byteLength + 1;
  return starts;
}

export class SlotInfoTable {
  private bytes: Buffer = Buffer.alloc(0);
  /** Start of each restored record in `bytes`; record k ends one byte (the separator) before starts[k + 1]. */
  private starts: Int32Array = new Int32Array(1);
  private restored = 0;
  /** Restored slots whose record changed since. */
  private readonly changed = new Map<number, string>();
  /** Records of the slots after the restored ones. */
  private readonly later: string[] = [];

  get length(): number {
    return this.restored + this.later.length;
  }

  get(slot: number): string {
    if (slot < this.restored) {
      const c = this.changed.get(slot);
      return c ?? this.bytes.toString('utf8', this.starts[slot]!, this.starts[slot + 1]! - 1);
    }
    return this.later[slot - this.restored] ?? '';
  }

  set(slot: number, record: string): void {
    if (slot < this.restored) this.changed.set(slot, record);
    else if (slot - this.restored < this.later.length) this.later[slot - this.restored] = record;
    else throw new RangeError(`slot ${slot} is beyond the table (${this.length})`);
  }

  push(record: string): void {
    this.later.push(record);
  }

  *values(): Generator<string> {
    for (let slot = 0; slot < this.length; slot++) yield this.get(slot);
  }

  /**
   * Takes the records of a snapshot section (UTF-8, records separated by NUL; no copy) for an empty table,
   * with their `recordStarts`; returns how many records it holds.
   */
  restore(section: Uint8Array, starts = recordStarts(section)): number {
    if (this.length > 0) throw new Error('slot info: the table is not empty');
    this.bytes = Buffer.from(section.buffer, section.byteOffset, section.byteLength);
    this.starts = starts;
    this.restored = starts.length - 1;
    return this.restored;
  }
}
