// Suppliers by five-digit ZIP: lets candidate generation look at the payee's own ZIP, where a name
// with typos in its rare words still shares a common word (CORPORATION, CLUBS, LLC) with the truth.
// Derived from the index's ZIP column: kept up to date on every upsert/remove, rebuilt from the
// column when a snapshot is restored (it is no separate state, so the snapshot format is unchanged).

export class ZipSlots {
  private readonly byZip = new Map<number, number[]>();
  private count = 0;

  add(zip: number, slot: number): void {
    if (zip < 0) return;
    const list = this.byZip.get(zip);
    if (list) list.push(slot);
    else this.byZip.set(zip, [slot]);
    this.count += 1;
  }

  remove(zip: number, slot: number): void {
    if (zip < 0) return;
    const list = this.byZip.get(zip);
    if (!list) return;
    const i = list.lastIndexOf(slot);
    if (i < 0) return;
    list[i] = list[list.length - 1]!;
    list.pop();
    this.count -= 1;
    if (list.length === 0) this.byZip.delete(zip);
  }

  /** Slots whose ZIP is `zip` (live slots only; order unspecified). */
  slots(zip: number): readonly number[] {
    return this.byZip.get(zip) ?? EMPTY;
  }

  /** Rebuilds from a ZIP column (-1 for none; removed slots hold -1). */
  rebuild(zips: Int32Array, count: number): void {
    this.byZip.clear();
    this.count = 0;
    for (let slot = 0; slot < count; slot++) this.add(zips[slot]!, slot);
  }

  get entries(): number {
    return this.count;
  }

  /** Approximate bytes held (map entries and list elements). */
  memoryBytes(): number {
    return this.byZip.size * 64 + this.count * 8;
  }
}

const EMPTY: readonly number[] = [];
