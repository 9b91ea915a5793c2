// The wire format between the rebuild worker and the main thread. Per batch: one Float64Array, one
// Int32Array of token ids and one flat string array (structured clone copies them in bulk; an array of
// objects would cost a clone per field), plus the tokens seen for the first time in this batch. The
// worker numbers tokens in first-seen order — exactly the ids the index assigns when it interns the
// new tokens of each batch in order — so the main thread never looks a known token up.
//
// Per record, nums holds [seq, updateTimeMs, state, einCount, variantCount, (kind, tokenCount) × variants]
// (state: 0 live, 1 tombstone, 2 to be read whole) and strings holds [id] for a tombstone or a document
// to be read whole, else [id, name, street, city, state, postalCode,
// ein × einCount, text × variants] ('' = no text of its own).
import { MAX_TOKENS_PER_NAME, type IndexEntry, type IndexEntryFields, type InternedVariant, type NameVariant } from '../domain/supplier-index.js';

export interface PackedBatch {
  nums: Float64Array;
  ids: Int32Array;
  strings: string[];
  records: number;
  /** Id of newTokens[0]. */
  firstNewId: number;
  newTokens: string[];
}

/** Builds batches on the worker side, numbering tokens across the whole build. */
export class BatchPacker {
  private readonly vocab = new Map<string, number>();
  private nums = new Float64Array(1 << 14);
  private numCount = 0;
  private ids = new Int32Array(1 << 14);
  private idCount = 0;
  private strings: string[] = [];
  private newTokens: string[] = [];
  private firstNewId = 0;
  records = 0;

  constructor(private readonly variantsOf: (entry: IndexEntry) => NameVariant[]) {}

  private num(x: number): void {
    if (this.numCount === this.nums.length) this.nums = grow(this.nums, new Float64Array(this.nums.length * 2));
    this.nums[this.numCount++] = x;
  }

  /** Adds a record: `entry` undefined for a tombstone, 'read-whole' for a document without `indexed`. */
  add(id: string, seq: number, updateTimeMs: number, entry: IndexEntry | undefined | 'read-whole'): void {
    this.records += 1;
    this.strings.push(id);
    this.num(seq);
    this.num(updateTimeMs);
    if (entry === undefined || entry === 'read-whole') {
      this.num(entry === undefined ? 1 : 2);
      this.num(0);
      this.num(0);
      return;
    }
    const variants = this.variantsOf(entry);
    this.num(0);
    this.num(entry.eins.length);
    this.num(variants.length);
    this.strings.push(entry.name, entry.street, entry.city, entry.state, entry.postalCode);
    for (const ein of entry.eins) this.strings.push(ein);
    for (const v of variants) {
      const n = Math.min(v.tokens.length, MAX_TOKENS_PER_NAME);
      this.num(v.kind);
      this.num(n);
      this.strings.push(v.text ?? '');
      if (this.idCount + n > this.ids.length) this.ids = grow(this.ids, new Int32Array(this.ids.length * 2 + n));
      for (let k = 0; k < n; k++) {
        const t = v.tokens[k]!;
        let tokenId = this.vocab.get(t);
        if (tokenId === undefined) {
          tokenId = this.vocab.size;
          this.vocab.set(t, tokenId);
          this.newTokens.push(t);
        }
        this.ids[this.idCount++] = tokenId;
      }
    }
  }

  take(): PackedBatch {
    const batch: PackedBatch = {
      nums: this.nums.slice(0, this.numCount),
      ids: this.ids.slice(0, this.idCount),
      strings: this.strings,
      records: this.records,
      firstNewId: this.firstNewId,
      newTokens: this.newTokens,
    };
    this.firstNewId = this.vocab.size;
    this.numCount = 0;
    this.idCount = 0;
    this.strings = [];
    this.newTokens = [];
    this.records = 0;
    return batch;
  }
}

function grow<A extends Float64Array | Int32Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

export interface UnpackedRecord {
  id: string;
  seq: number;
  updateTimeMs: number;
  /** Undefined for a tombstone or a document to be read whole. */
  entry?: IndexEntryFields;
  variants: InternedVariant[];
  /** A document stored without a usable `indexed` field. */
  readWhole?: boolean;
}

/** Calls `visit` for every record of a batch, in order (variants' ids are views into batch.ids). */
export function unpackBatch(batch: PackedBatch, visit: (r: UnpackedRecord) => void): void {
  const { nums, ids, strings } = batch;
  let n = 0;
  let s = 0;
  let t = 0;
  for (let r = 0; r < batch.records; r++) {
    const seq = nums[n++]!;
    const updateTimeMs = nums[n++]!;
    const recordState = nums[n++]!;
    const einCount = nums[n++]!;
    const variantCount = nums[n++]!;
    const id = strings[s++]!;
    if (recordState !== 0) {
      visit(recordState === 2 ? { id, seq, updateTimeMs, variants: [], readWhole: true } : { id, seq, updateTimeMs, variants: [] });
      continue;
    }
    const name = strings[s++]!;
    const street = strings[s++]!;
    const city = strings[s++]!;
    const state = strings[s++]!;
    const postalCode = strings[s++]!;
    const eins = einCount > 0 ? strings.slice(s, s + einCount) : [];
    s += einCount;
    const variants: InternedVariant[] = [];
    for (let k = 0; k < variantCount; k++) {
      const kind = nums[n++]! as InternedVariant['kind'];
      const count = nums[n++]!;
      const text = strings[s++]!;
      const variantIds = ids.subarray(t, t + count);
      t += count;
      variants.push(text ? { ids: variantIds, kind, text } : { ids: variantIds, kind });
    }
    visit({ id, seq, updateTimeMs, entry: { id, name, street, city, state, postalCode, eins, seq }, variants });
  }
}
