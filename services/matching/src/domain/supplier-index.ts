// The in-memory matching index: every live supplier's names as canonical token lists, an inverted
// index token → name variants (plain integer arrays, appended to in place so updates never rebuild),
// token IDF from live document frequencies, a character-trigram index over the vocabulary for typo
// and abbreviation lookup, and compact per-supplier columns (ZIP, state, city id, change sequence)
// for the address tiebreak. Display fields live in one packed string per supplier.
import { normalizeCity, parseState, parseZip, stateCodeAt, stateIndex } from './address.js';
import { Float64Vec, Int32Vec, Uint8Vec } from './growable.js';
import { normalizeName, type NormalizedName } from './normalize.js';
import { SlotInfoTable, recordStarts } from './slot-info.js';
import { tokenSimilarity } from './similarity.js';
import { ZipSlots } from './zip-slots.js';

/** What the index needs of a supplier. */
export interface IndexEntry {
  id: string;
  name: string;
  /** Other names of the supplier (DBA, trade names): matched on their own. */
  aliases: readonly string[];
  /** Secondary name lines (IRS SORT_NAME: chapter, post, unit): matched only together with the name. */
  secondaryNames?: readonly string[];
  street: string;
  city: string;
  state: string;
  postalCode: string;
  /** EINs (9 digits) other than an IRS source id, which is found through the id itself. */
  eins: readonly string[];
  /** Change sequence of the stored record (newer wins). */
  seq: number;
}

export const enum VariantKind {
  Primary = 0,
  PrimaryAlternate = 1,
  Alias = 2,
  NameWithAlias = 3,
}

/** What `upsert` stores besides the name variants. */
export type IndexEntryFields = Omit<IndexEntry, 'aliases' | 'secondaryNames'>;

/** One normalized name of a supplier, as the index holds it. */
export interface NameVariant {
  tokens: string[];
  kind: VariantKind;
  /** The source text when it is not the supplier's name (aliases, name + secondary line). */
  text?: string;
}

/**
 * The distinct normalized names of a supplier: its name and DBA/AKA alternates, its aliases, and its
 * name read with each secondary line ("AMERICAN LEGION" + "37 PIERCE LAWTON UNIT"): a secondary line
 * is no name on its own ("NEW ENGLAND", "170") but distinguishes chapters.
 */
export function nameVariants(entry: IndexEntry): NameVariant[] {
  const out: NameVariant[] = [];
  const primary = normalizeName(entry.name);
  // Keys of the variants added so far (duplicates are skipped); the first is joined only when a
  // second variant comes (most suppliers have one name).
  let seen: string[] | undefined;
  const add = (n: NormalizedName, kind: VariantKind, text?: string) => {
    if (n.tokens.length === 0) return;
    if (out.length > 0) {
      const key = n.tokens.join(' ');
      seen ??= [out[0]!.tokens.join(' ')];
      if (seen.includes(key)) return;
      seen.push(key);
    }
    out.push(text === undefined ? { tokens: n.tokens, kind } : { tokens: n.tokens, kind, text });
  };
  add(primary.main, VariantKind.Primary);
  for (const alt of primary.alternates) add(alt, VariantKind.PrimaryAlternate);
  for (const alias of entry.aliases) {
    const a = normalizeName(alias);
    add(a.main, VariantKind.Alias, alias);
    for (const alt of a.alternates) add(alt, VariantKind.Alias, alias);
  }
  for (const line of entry.secondaryNames ?? []) {
    const a = normalizeName(line);
    add({ tokens: [...primary.main.tokens, ...a.main.tokens], legalForms: [] }, VariantKind.NameWithAlias, `${entry.name} ${line}`);
  }
  return out;
}

/** A name variant whose tokens are already interned (a bulk build's worker numbered them). */
export interface InternedVariant {
  ids: ArrayLike<number>;
  kind: VariantKind;
  text?: string;
}

/** Display fields of one supplier. */
export interface SlotInfo {
  id: string;
  name: string;
  street: string;
  city: string;
  state: string;
  postalCode: string;
}

export interface Expansion {
  token: number;
  sim: number;
}

const SEP = '\u001f';
const SNAPSHOT_VERSION = 1;

/** The scalar part of an index snapshot. */
export interface SnapshotHeader {
  version: number;
  meta: Record<string, unknown>;
  live: number;
  liveVariantCount: number;
  infoChars: number;
  trigramCount: number;
  trigramEntries: number;
  slots: number;
}
/** Tokens of a name that are indexed (the rest of a very long name is ignored). */
export const MAX_TOKENS_PER_NAME = 24;

/** Character code → 0..36 (A-Z, 0-9, and 36 for the word boundary or anything else). */
function charIndex(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 48 && c <= 57) return c - 22;
  return 36;
}

/** Trigrams of "$TOKEN$" as integer codes (37³ possible values): no strings allocated. */
function trigramCodes(token: string): number[] {
  const n = token.length;
  const at = (i: number) => (i < 0 || i >= n ? 36 : charIndex(token.charCodeAt(i)));
  const out: number[] = [];
  for (let i = -1; i + 1 <= n; i++) out.push(at(i) * 1369 + at(i + 1) * 37 + at(i + 2));
  return out;
}
const TRIGRAM_SPACE = 37 * 37 * 37;
function isDigitsOnly(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
/** Most vocabulary neighbours checked by edit distance per fuzzy lookup. */
const MAX_VERIFIED = 400;

export class SupplierIndex {
  // --- suppliers (slots) -------------------------------------------------------------------
  private readonly slotOf = new Map<string, number>();
  private readonly slotIds: string[] = [];
  private readonly slotInfo = new SlotInfoTable();
  readonly slotZip = new Int32Vec(1024, -1);
  readonly slotState = new Uint8Vec(1024);
  readonly slotCity = new Int32Vec(1024, -1);
  readonly slotSeq = new Float64Vec(1024);
  private readonly slotFirstVariant = new Int32Vec(1024, -1);
  private readonly freeSlots: number[] = [];
  private live = 0;
  private infoChars = 0;

  // --- name variants -----------------------------------------------------------------------
  readonly variantSlot = new Int32Vec(4096);
  readonly variantStart = new Int32Vec(4096);
  readonly variantLength = new Uint8Vec(4096);
  readonly variantAlive = new Uint8Vec(4096);
  readonly variantKind = new Uint8Vec(4096);
  private readonly variantNext = new Int32Vec(4096, -1);
  private readonly variantText = new Map<number, string>();
  readonly tokenPool = new Int32Vec(16384);
  private liveVariantCount = 0;

  // --- vocabulary --------------------------------------------------------------------------
  private readonly vocab = new Map<string, number>();
  readonly tokens: string[] = [];
  readonly df = new Int32Vec(4096);
  private readonly deadPostings = new Int32Vec(4096);
  /**
   * Postings token → name variants: a frozen compact part (one Int32Array for every token, written
   * once after the start-up build) plus a growable part for what came later. Dead variants stay in
   * the frozen part and are skipped by `variantAlive`.
   */
  readonly postings: number[][] = [];
  frozen = new Int32Array(0);
  frozenStart = new Int32Array(1);
  private readonly trigramPostings: Array<number[] | undefined> = new Array(TRIGRAM_SPACE);
  private trigramCount = 0;
  private trigramEntries = 0;

  // --- cities, extra identifiers -------------------------------------------------------------
  private readonly cityIds = new Map<string, number>();
  private readonly cities: string[] = [];
  private readonly extraEins = new Map<string, number[]>();
  private readonly slotEins = new Map<number, string[]>();

  // --- scratch for fuzzy lookups -----------------------------------------------------------
  private fuzzyStamp = new Int32Array(4096);
  private fuzzyCount = new Int32Array(4096);
  // Reused per look-up (a short word touches tens of thousands of vocabulary tokens: growing a fresh
  // array for them made most of a query's young garbage, and the scavenges that stall queries).
  private fuzzyTouched = new Int32Array(4096);
  private fuzzyOrdered = new Int32Array(MAX_VERIFIED);
  private fuzzyRound = 0;
  private readonly expansionCache = new Map<string, Expansion[]>();
  private expansionCacheVocab = 0;

  /** Live slots by ZIP (candidate generation in the payee's ZIP). */
  readonly zipSlots = new ZipSlots();

  /** Incremental changes applied since the index was created. */
  updatesApplied = 0;

  /** When `compactIfNeeded` drops dead variants: more than this share of all, and at least this many. */
  readonly compaction = { deadFraction: 0.25, minDead: 50_000 };
  /** Compactions run so far (diagnostics, tests). */
  compactions = 0;

  // ---------------------------------------------------------------------------------------
  // Size

  get supplierCount(): number {
    return this.live;
  }
  get nameCount(): number {
    return this.liveVariantCount;
  }
  get termCount(): number {
    return this.vocab.size + this.trigramCount;
  }
  /** Name variants of changed or deleted suppliers still held in the variant columns. */
  get deadVariantCount(): number {
    return this.variantSlot.length - this.liveVariantCount;
  }
  get variantCapacity(): number {
    return this.variantSlot.length;
  }
  get slotCapacity(): number {
    return this.slotIds.length;
  }

  /** Approximate bytes held by the index structures. */
  memoryBytes(): number {
    let postings = this.frozen.byteLength + this.frozenStart.byteLength;
    for (const p of this.postings) postings += 16 + p.length * 8;
    const typed =
      this.slotZip.bytes + this.slotState.bytes + this.slotCity.bytes + this.slotSeq.bytes + this.slotFirstVariant.bytes +
      this.variantSlot.bytes + this.variantStart.bytes + this.variantLength.bytes + this.variantAlive.bytes +
      this.variantKind.bytes + this.variantNext.bytes + this.tokenPool.bytes + this.df.bytes + this.deadPostings.bytes;
    const strings = this.infoChars + this.slotIds.length * 48 + this.tokens.length * 40 + this.variantText.size * 64;
    const maps = (this.slotOf.size + this.vocab.size + this.cityIds.size) * 48;
    return typed + postings + this.zipSlots.memoryBytes() + this.trigramEntries * 8 + this.trigramCount * 32 + TRIGRAM_SPACE * 8 + strings + maps;
  }

  // ---------------------------------------------------------------------------------------
  // Lookups

  slot(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  seqOf(id: string): number | undefined {
    const s = this.slotOf.get(id);
    return s === undefined ? undefined : this.slotSeq.get(s);
  }

  idAt(slot: number): string {
    return this.slotIds[slot] ?? '';
  }

  info(slot: number): SlotInfo {
    const [name = '', street = '', city = '', state = '', postalCode = ''] = this.slotInfo.get(slot).split(SEP);
    return { id: this.slotIds[slot] ?? '', name, street, city, state, postalCode };
  }

  /** The text of a name variant as the source spells it. */
  variantDisplay(variant: number): string {
    const text = this.variantText.get(variant);
    if (text !== undefined) return text;
    // The name is the first field of the slot's info: cut it without splitting the whole record.
    const info = this.slotInfo.get(this.variantSlot.get(variant));
    const end = info.indexOf(SEP);
    return end < 0 ? info : info.slice(0, end);
  }

  /** Live name variants of a supplier. */
  variantList(slot: number): number[] {
    const out: number[] = [];
    for (let v = this.slotFirstVariant.get(slot); v >= 0; v = this.variantNext.get(v)) {
      if (this.variantAlive.get(v)) out.push(v);
    }
    return out;
  }

  /** First name variant of a slot (live or not), or -1: walk on with `nextVariant` (no allocation). */
  firstVariant(slot: number): number {
    return this.slotFirstVariant.get(slot);
  }

  nextVariant(variant: number): number {
    return this.variantNext.get(variant);
  }

  cityId(normalizedCity: string): number {
    return normalizedCity ? (this.cityIds.get(normalizedCity) ?? -1) : -1;
  }

  cityName(id: number): string {
    return id >= 0 ? (this.cities[id] ?? '') : '';
  }

  /** Slots holding this EIN (IRS source id or an EIN identifier of another source). */
  slotsWithEin(ein: string): number[] {
    const out: number[] = [];
    const irs = this.slotOf.get(`irs_eo_bmf:${ein}`);
    if (irs !== undefined) out.push(irs);
    for (const s of this.extraEins.get(ein) ?? []) if (!out.includes(s)) out.push(s);
    return out;
  }

  /** EIN identifiers recorded for a slot (besides an IRS source id). */
  einsOfSlot(slot: number): readonly string[] {
    return this.slotEins.get(slot) ?? [];
  }

  /** Live ids, sorted (for listing in id order). */
  sortedIds(): string[] {
    return [...this.slotOf.keys()].sort();
  }

  tokenId(token: string): number {
    return this.vocab.get(token) ?? -1;
  }

  /** Inverse document frequency of a token over live name variants (df 0 counts as 0.5). */
  idf(token: number): number {
    const df = token >= 0 ? this.df.get(token) : 0;
    return Math.log((this.liveVariantCount + 1) / (Math.max(df, 0) + 0.5));
  }

  idfOfDf(df: number): number {
    return Math.log((this.liveVariantCount + 1) / (df + 0.5));
  }

  // ---------------------------------------------------------------------------------------
  // Updates

  /** Adds or replaces a supplier. Returns false when the index already holds a newer version. */
  upsert(entry: IndexEntry): boolean {
    const slot = this.placeSlot(entry);
    if (slot < 0) return false;
    for (const v of nameVariants(entry)) this.addVariant(slot, v.tokens, v.kind, v.text);
    return true;
  }

  /**
   * `upsert` during a bulk build (`beginBuild`) with variants already interned by the caller, whose
   * token ids come from `appendTokens` (a rebuild worker numbers tokens in first-seen order, as the
   * index would).
   */
  upsertInterned(entry: IndexEntryFields, variants: readonly InternedVariant[]): boolean {
    if (!this.building) throw new Error('upsertInterned: only during a bulk build');
    const slot = this.placeSlot(entry);
    if (slot < 0) return false;
    for (const v of variants) this.addVariantIds(slot, v.ids, v.kind, v.text);
    return true;
  }

  /** Interns tokens a rebuild worker saw for the first time; `firstId` must be the next free id. */
  appendTokens(firstId: number, tokens: readonly string[]): void {
    if (!this.building || firstId !== this.tokens.length) throw new Error(`appendTokens: expected token id ${this.tokens.length}, got ${firstId}`);
    for (const t of tokens) {
      if (this.vocab.has(t)) throw new Error(`appendTokens: ${t} is already interned`);
      this.intern(t);
    }
  }

  /** Claims (or reclaims) the slot of an entry and stores its fields; -1 when the index holds a newer version. */
  private placeSlot(entry: IndexEntryFields): number {
    const existing = this.slotOf.get(entry.id);
    if (existing !== undefined) {
      if (this.slotSeq.get(existing) >= entry.seq) return -1;
      this.clearSlot(existing);
    }
    const slot = existing ?? this.freeSlots.pop() ?? this.slotIds.length;
    if (slot === this.slotIds.length) {
      this.slotIds.push(entry.id);
      this.slotInfo.push('');
    } else {
      this.slotIds[slot] = entry.id;
    }
    this.slotOf.set(entry.id, slot);
    const zip = parseZip(entry.postalCode);
    const state = this.cachedState(entry.state);
    const cityId = this.cachedCity(entry.city);
    const info = [entry.name, entry.street, entry.city, state.ok ? state.value : entry.state, zip.ok ? zip.value : ''].join(SEP);
    this.infoChars += info.length + 24 - this.slotInfo.get(slot).length;
    this.slotInfo.set(slot, info);
    if (existing !== undefined) this.zipSlots.remove(this.slotZip.get(existing), existing);
    this.slotZip.set(slot, zip.ok && zip.value ? Number(zip.value) : -1);
    this.zipSlots.add(this.slotZip.get(slot), slot);
    this.slotState.set(slot, state.ok ? stateIndex(state.value) : 0);
    this.slotCity.set(slot, cityId);
    this.slotSeq.set(slot, entry.seq);
    this.slotFirstVariant.set(slot, -1);
    if (entry.eins.length > 0) {
      this.slotEins.set(slot, [...entry.eins]);
      for (const ein of entry.eins) {
        const list = this.extraEins.get(ein);
        if (list) {
          if (!list.includes(slot)) list.push(slot);
        } else this.extraEins.set(ein, [slot]);
      }
    }

    if (existing === undefined) this.live += 1;
    this.updatesApplied += 1;
    return slot;
  }

  /** Removes a supplier. Returns false when it was not indexed. */
  remove(id: string, seq?: number): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    if (seq !== undefined && this.slotSeq.get(slot) > seq) return false;
    this.clearSlot(slot);
    this.slotOf.delete(id);
    this.slotIds[slot] = '';
    this.infoChars -= this.slotInfo.get(slot).length;
    this.slotInfo.set(slot, '');
    this.zipSlots.remove(this.slotZip.get(slot), slot);
    this.slotZip.set(slot, -1);
    this.slotCity.set(slot, -1);
    this.slotState.set(slot, 0);
    this.freeSlots.push(slot);
    this.live -= 1;
    this.updatesApplied += 1;
    return true;
  }

  private clearSlot(slot: number): void {
    for (let v = this.slotFirstVariant.get(slot); v >= 0; v = this.variantNext.get(v)) {
      if (!this.variantAlive.get(v)) continue;
      this.variantAlive.set(v, 0);
      this.liveVariantCount -= 1;
      this.variantText.delete(v);
      const start = this.variantStart.get(v);
      const len = this.variantLength.get(v);
      for (let k = 0; k < len; k++) {
        const t = this.tokenPool.get(start + k);
        let dup = false;
        for (let j = 0; j < k; j++) if (this.tokenPool.get(start + j) === t) dup = true;
        if (dup) continue;
        this.df.set(t, this.df.get(t) - 1);
        const dead = this.deadPostings.get(t) + 1;
        this.deadPostings.set(t, dead);
        const list = this.postings[t]!;
        if (!this.building && dead > 32 && dead * 2 > list.length + this.frozenLength(t)) this.compactPostings(t);
      }
    }
    this.slotFirstVariant.set(slot, -1);
    for (const ein of this.slotEins.get(slot) ?? []) {
      const slots = this.extraEins.get(ein) ?? [];
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      if (slots.length === 0) this.extraEins.delete(ein);
    }
    this.slotEins.delete(slot);
  }

  private compactPostings(token: number): void {
    const alive = this.variantAlive.data;
    // The frozen part is immutable: its live entries move to the growable part.
    const fromFrozen: number[] = [];
    if (token + 1 < this.frozenStart.length) {
      for (let k = this.frozenStart[token]!; k < this.frozenStart[token + 1]!; k++) if (alive[this.frozen[k]!] === 1) fromFrozen.push(this.frozen[k]!);
      this.emptiedFrozen.add(token);
    }
    this.postings[token] = [...fromFrozen, ...this.postings[token]!.filter((v) => alive[v] === 1)];
    this.deadPostings.set(token, 0);
  }

  private readonly emptiedFrozen = new Set<number>();

  /** Entries of a token in the frozen part. */
  frozenLength(token: number): number {
    if (token + 1 >= this.frozenStart.length || this.emptiedFrozen.has(token)) return 0;
    return this.frozenStart[token + 1]! - this.frozenStart[token]!;
  }

  /** All postings of a token (frozen and growable parts). */
  postingCount(token: number): number {
    return this.frozenLength(token) + this.postings[token]!.length;
  }

  /**
   * Moves every posting list into one compact Int32Array (after the start-up build): a quarter of the
   * memory of per-token arrays of numbers, and sequential memory for the walk.
   */
  freeze(): void {
    if (this.building) {
      this.freezeBuilt();
      return;
    }
    const alive = this.variantAlive.data;
    const n = this.tokens.length;
    let total = 0;
    for (let t = 0; t < n; t++) total += this.postingCount(t);
    const frozen = new Int32Array(total);
    const start = new Int32Array(n + 1);
    let at = 0;
    for (let t = 0; t < n; t++) {
      start[t] = at;
      if (!this.emptiedFrozen.has(t) && t + 1 < this.frozenStart.length) {
        for (let k = this.frozenStart[t]!; k < this.frozenStart[t + 1]!; k++) if (alive[this.frozen[k]!] === 1) frozen[at++] = this.frozen[k]!;
      }
      for (const v of this.postings[t]!) if (alive[v] === 1) frozen[at++] = v;
      this.postings[t] = [];
      this.deadPostings.set(t, 0);
    }
    start[n] = at;
    this.frozen = at === total ? frozen : frozen.slice(0, at);
    this.frozenStart = start;
    this.emptiedFrozen.clear();
  }

  /** Compacts when dead variants exceed the `compaction` thresholds. Returns whether it ran. */
  compactIfNeeded(): boolean {
    const dead = this.deadVariantCount;
    if (this.building || dead < this.compaction.minDead || dead <= this.variantSlot.length * this.compaction.deadFraction) return false;
    this.compact();
    return true;
  }

  /**
   * Drops dead variants from memory, without reading the store: live variants are renumbered in their
   * order (so every posting list keeps its order), the token pool is rewritten without the dead token
   * lists, and every posting list is rebuilt in the frozen form from the live variants.
   */
  compact(): void {
    const n = this.variantSlot.length;
    const alive = this.variantAlive.data;
    const renumbered = new Int32Array(n).fill(-1);
    let live = 0;
    let poolSize = 0;
    for (let v = 0; v < n; v++) {
      if (alive[v] !== 1) continue;
      renumbered[v] = live++;
      poolSize += this.variantLength.data[v]!;
    }
    const slot = new Int32Array(live);
    const start = new Int32Array(live);
    const length = new Uint8Array(live);
    const kind = new Uint8Array(live);
    const next = new Int32Array(live);
    const pool = new Int32Array(poolSize);
    let at = 0;
    for (let v = 0; v < n; v++) {
      const w = renumbered[v]!;
      if (w < 0) continue;
      slot[w] = this.variantSlot.data[v]!;
      kind[w] = this.variantKind.data[v]!;
      const len = this.variantLength.data[v]!;
      length[w] = len;
      start[w] = at;
      pool.set(this.tokenPool.data.subarray(this.variantStart.data[v]!, this.variantStart.data[v]! + len), at);
      at += len;
      // A live variant's chain holds only live variants of the same supplier version.
      const following = this.variantNext.data[v]!;
      next[w] = following >= 0 ? renumbered[following]! : -1;
    }
    for (let s = 0; s < this.slotFirstVariant.length; s++) {
      const first = this.slotFirstVariant.data[s]!;
      if (first >= 0) this.slotFirstVariant.data[s] = renumbered[first]!;
    }
    const texts = [...this.variantText];
    this.variantText.clear();
    for (const [v, text] of texts) if (renumbered[v]! >= 0) this.variantText.set(renumbered[v]!, text);
    const replace = (vec: { data: Int32Array | Uint8Array; length: number }, data: Int32Array | Uint8Array) => {
      vec.data = data;
      vec.length = data.length;
    };
    replace(this.variantSlot, slot);
    replace(this.variantStart, start);
    replace(this.variantLength, length);
    replace(this.variantKind, kind);
    replace(this.variantNext, next);
    replace(this.variantAlive, new Uint8Array(live).fill(1));
    replace(this.tokenPool, pool);
    for (let t = 0; t < this.postings.length; t++) if (this.postings[t]!.length > 0) this.postings[t] = [];
    this.freezeBuilt();
    this.compactions += 1;
  }

  /**
   * Starts a bulk build into this empty index: upserts then record only the variants, and `freeze()`
   * writes every posting list at once from them (in the same order appending would have produced:
   * ascending variant ids) instead of growing one array per token. Not queryable until frozen.
   */
  beginBuild(): void {
    if (this.slotIds.length > 0 || this.tokens.length > 0) throw new Error('beginBuild: the index is not empty');
    this.building = true;
  }

  private building = false;

  /** The postings of a bulk build: counted per token (df), then filled in variant order. */
  private freezeBuilt(): void {
    const n = this.tokens.length;
    const start = new Int32Array(n + 1);
    for (let t = 0; t < n; t++) start[t + 1] = start[t]! + this.df.get(t);
    const frozen = new Int32Array(start[n]!);
    const fill = start.slice(0, n);
    const alive = this.variantAlive.data;
    const pool = this.tokenPool.data;
    const begin = this.variantStart.data;
    const length = this.variantLength.data;
    for (let v = 0; v < this.variantSlot.length; v++) {
      if (alive[v] !== 1) continue;
      const from = begin[v]!;
      const to = from + length[v]!;
      for (let k = from; k < to; k++) {
        const t = pool[k]!;
        let dup = false;
        for (let j = from; j < k; j++) if (pool[j] === t) dup = true;
        if (!dup) frozen[fill[t]!++] = v;
      }
    }
    for (let t = 0; t < n; t++) this.deadPostings.set(t, 0);
    this.frozen = frozen;
    this.frozenStart = start;
    this.emptiedFrozen.clear();
    this.building = false;
  }

  private addVariant(slot: number, tokens: readonly string[], kind: VariantKind, text?: string): void {
    const n = Math.min(tokens.length, MAX_TOKENS_PER_NAME);
    const ids: number[] = new Array(n);
    for (let k = 0; k < n; k++) ids[k] = this.intern(tokens[k]!);
    this.addVariantIds(slot, ids, kind, text);
  }

  private addVariantIds(slot: number, ids: ArrayLike<number>, kind: VariantKind, text?: string): void {
    const start = this.tokenPool.length;
    for (let k = 0; k < ids.length; k++) this.tokenPool.push(ids[k]!);
    const v = this.variantSlot.push(slot);
    this.variantStart.set(v, start);
    this.variantLength.set(v, ids.length);
    this.variantAlive.set(v, 1);
    this.variantKind.set(v, kind);
    this.variantNext.set(v, this.slotFirstVariant.get(slot));
    this.slotFirstVariant.set(slot, v);
    if (text !== undefined) this.variantText.set(v, text);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      let dup = false;
      for (let j = 0; j < k; j++) if (ids[j] === id) dup = true;
      if (dup) continue;
      if (!this.building) this.postings[id]!.push(v);
      this.df.set(id, this.df.get(id) + 1);
    }
    this.liveVariantCount += 1;
  }

  private intern(token: string): number {
    let id = this.vocab.get(token);
    if (id !== undefined) return id;
    id = this.tokens.length;
    this.vocab.set(token, id);
    this.tokens.push(token);
    this.postings.push([]);
    this.df.set(id, 0);
    this.deadPostings.set(id, 0);
    if (token.length >= 3 && !/^[0-9]+$/.test(token)) {
      for (const g of trigramCodes(token)) {
        let list = this.trigramPostings[g];
        if (list === undefined) {
          list = this.trigramPostings[g] = [];
          this.trigramCount += 1;
        }
        if (list[list.length - 1] !== id) {
          list.push(id);
          this.trigramEntries += 1;
        }
      }
    }
    return id;
  }

  private readonly rawCityCache = new Map<string, number>();
  private readonly rawStateCache = new Map<string, { ok: boolean; value: string }>();

  /** City id of a raw city spelling (normalized once per distinct spelling). */
  private cachedCity(raw: string): number {
    let id = this.rawCityCache.get(raw);
    if (id === undefined) {
      const city = normalizeCity(raw);
      id = city ? this.internCity(city) : -1;
      if (this.rawCityCache.size < 500_000) this.rawCityCache.set(raw, id);
    }
    return id;
  }

  private cachedState(raw: string): { ok: boolean; value: string } {
    let st = this.rawStateCache.get(raw);
    if (st === undefined) {
      const p = parseState(raw);
      st = p.ok ? { ok: true, value: p.value } : { ok: false, value: '' };
      if (this.rawStateCache.size < 10_000) this.rawStateCache.set(raw, st);
    }
    return st;
  }

  private internCity(city: string): number {
    let id = this.cityIds.get(city);
    if (id === undefined) {
      id = this.cities.length;
      this.cityIds.set(city, id);
      this.cities.push(city);
    }
    return id;
  }

  // ---------------------------------------------------------------------------------------
  // Fuzzy token lookup

  /**
   * Vocabulary tokens that may be this (query) token: itself when indexed, plus spellings within the
   * typo budget and words it abbreviates by truncation or consonant skeleton. Best first.
   */
  expand(token: string, options: { fuzzy: boolean }): Expansion[] {
    const exact = this.vocab.get(token);
    const exactLive = exact !== undefined && this.df.get(exact) > 0;
    if (!options.fuzzy || token.length < 4 || /^[0-9]+$/.test(token)) return exactLive ? [{ token: exact!, sim: 1 }] : [];
    if (this.expansionCacheVocab !== this.tokens.length) {
      this.expansionCache.clear();
      this.expansionCacheVocab = this.tokens.length;
    }
    // The cache keeps only the fuzzy neighbours; whether the word itself is live is read fresh.
    const withExact = (fuzzy: Expansion[]) => {
      const live = fuzzy.filter((e) => this.df.get(e.token) > 0);
      return exactLive ? [{ token: exact!, sim: 1 }, ...live] : live;
    };
    const cached = this.expansionCache.get(token);
    if (cached) return withExact(cached);

    if (this.fuzzyStamp.length < this.tokens.length) {
      this.fuzzyStamp = new Int32Array(Math.ceil(this.tokens.length * 1.5));
      this.fuzzyCount = new Int32Array(this.fuzzyStamp.length);
      this.fuzzyTouched = new Int32Array(this.fuzzyStamp.length);
      this.fuzzyRound = 0;
    }
    const round = ++this.fuzzyRound;
    const grams = trigramCodes(token);
    const fuzzyStamp = this.fuzzyStamp;
    const fuzzyCount = this.fuzzyCount;
    const touched = this.fuzzyTouched;
    let touchedCount = 0;
    // The most common trigrams ("$CO", "ING") discriminate little and cost most: skip the longest
    // lists while enough others remain (counts are compared against what was actually walked).
    const lists = grams.map((g) => this.trigramPostings[g] ?? []);
    const sortedLengths = lists.map((l) => l.length).sort((a, b) => a - b);
    const cutoff = grams.length >= 6 ? Math.max(3000, sortedLengths[grams.length - 3]! + 1) : Infinity;
    let skipped = 0;
    for (const list of lists) {
      if (list.length >= cutoff) {
        skipped += 1;
        continue;
      }
      for (let k = 0; k < list.length; k++) {
        const t = list[k]!;
        if (fuzzyStamp[t] !== round) {
          fuzzyStamp[t] = round;
          fuzzyCount[t] = 1;
          touched[touchedCount++] = t;
        } else fuzzyCount[t]! += 1;
      }
    }
    // One edit destroys at most three trigrams (a transposition four); truncations keep all but the
    // last. Short words keep few trigrams, so their candidates are checked by length and distance.
    const budget = token.length >= 6 ? 2 : 1;
    const minShared = Math.max(1, Math.min(grams.length - 4 * budget, grams.length - 1) - skipped);
    // Verify the likeliest neighbours first (most shared trigrams) and at most MAX_VERIFIED of them:
    // short words with two edits share few trigrams, so the count filter alone lets thousands through.
    // A stable counting sort by shared trigrams, descending (first-seen order within a count), of
    // which only the first MAX_VERIFIED places are written.
    const top = grams.length;
    const next = new Int32Array(top + 2);
    for (let k = 0; k < touchedCount; k++) {
      const t = touched[k]!;
      const c = fuzzyCount[t]!;
      if (t !== exact && c >= minShared) next[Math.min(c, top)]! += 1;
    }
    let eligible = 0;
    for (let c = top; c >= minShared; c--) {
      const n = next[c]!;
      next[c] = eligible;
      eligible += n;
    }
    const orderedCount = Math.min(eligible, MAX_VERIFIED);
    const ordered = this.fuzzyOrdered;
    for (let k = 0; k < touchedCount; k++) {
      const t = touched[k]!;
      const c = fuzzyCount[t]!;
      if (t === exact || c < minShared) continue;
      const b = Math.min(c, top);
      const at = next[b]!;
      if (at < orderedCount) ordered[at] = t;
      next[b] = at + 1;
    }
    const out: Expansion[] = [];
    // One-edit neighbours spelled out and looked up directly: a transposition or an extra letter in a
    // short word ("UTHA"/"UTAH", "IVNI"/"IVIN", "SCOCER"/"SOCCER") leaves it few shared trigrams, so
    // the trigram pass ranks it among thousands and MAX_VERIFIED can cut it off.
    const direct = this.oneEditNeighbours(token, exact);
    for (const t of direct) {
      const sim = tokenSimilarity(token, this.tokens[t]!);
      if (sim >= 0.6) out.push({ token: t, sim });
    }
    for (let k = 0; k < orderedCount; k++) {
      const t = ordered[k]!;
      if (direct.length > 0 && direct.includes(t)) continue;
      const other = this.tokens[t]!;
      // Typos change the length by at most the budget; truncations and abbreviations are shorter
      // than the word they stand for.
      if (Math.abs(other.length - token.length) > budget && other.charCodeAt(0) !== token.charCodeAt(0)) continue;
      const sim = tokenSimilarity(token, other);
      if (sim >= 0.6) out.push({ token: t, sim });
    }
    out.sort((a, b) => b.sim - a.sim || this.df.get(b.token) - this.df.get(a.token));
    const capped = out.slice(0, 24);
    if (this.expansionCache.size > 50_000) this.expansionCache.clear();
    this.expansionCache.set(token, capped);
    return withExact(capped);
  }

  /**
   * Vocabulary words (4+ letters, not digits) one adjacent transposition or one deleted letter away from
   * `token` (up to 12 letters): about 2 look-ups per letter. Changed and inserted letters (52 look-ups
   * per letter) were tried and cost ~8 % CPU per query on DEV; they fixed none of its misses.
   */
  private oneEditNeighbours(token: string, exact: number | undefined): number[] {
    const n = token.length;
    const found: number[] = [];
    if (n > 12) return found;
    const seen = new Set<number>();
    const check = (w: string) => {
      if (w.length < 4) return;
      const id = this.vocab.get(w);
      if (id === undefined || id === exact || seen.has(id) || this.df.get(id) === 0 || isDigitsOnly(w)) return;
      seen.add(id);
      found.push(id);
    };
    for (let i = 0; i + 1 < n; i++) {
      if (token.charCodeAt(i) !== token.charCodeAt(i + 1)) check(token.slice(0, i) + token[i + 1] + token[i] + token.slice(i + 2));
    }
    for (let i = 0; i < n; i++) check(token.slice(0, i) + token.slice(i + 1));
    return found;
  }

  /** Forgets cached fuzzy lookups (benchmarks measure cold lookups with it). */
  clearCaches(): void {
    this.expansionCache.clear();
  }

  // ---------------------------------------------------------------------------------------
  // Snapshot: the compact form written to disk so a restart need not rebuild from the store.

  /**
   * The index in its compact form, for a snapshot file: scalars and `meta` in a header, then named
   * sections (typed arrays viewed as bytes, strings as UTF-8). Freezes the postings first (the frozen
   * form is what is written). The adapter lays them out on disk.
   */
  snapshotSections(meta: Record<string, unknown>): { header: SnapshotHeader; sections: Array<{ name: string; data: Uint8Array }> } {
    this.freeze();
    const sections: Array<{ name: string; data: Uint8Array }> = [];
    const add = (name: string, data: Int32Array | Uint8Array | Float64Array) => sections.push({ name, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    const vec = (name: string, v: { data: Int32Array | Uint8Array | Float64Array; length: number }) => add(name, v.data.subarray(0, v.length));
    vec('slotZip', this.slotZip);
    vec('slotState', this.slotState);
    vec('slotCity', this.slotCity);
    vec('slotSeq', this.slotSeq);
    vec('slotFirstVariant', this.slotFirstVariant);
    vec('variantSlot', this.variantSlot);
    vec('variantStart', this.variantStart);
    vec('variantLength', this.variantLength);
    vec('variantAlive', this.variantAlive);
    vec('variantKind', this.variantKind);
    vec('variantNext', this.variantNext);
    vec('tokenPool', this.tokenPool);
    vec('df', this.df);
    add('frozen', this.frozen);
    add('frozenStart', this.frozenStart);
    const grams: number[] = [];
    const gramStart: number[] = [0];
    let gramEntries = 0;
    this.trigramPostings.forEach((list, g) => {
      if (!list) return;
      grams.push(g);
      gramEntries += list.length;
      gramStart.push(gramEntries);
    });
    const gramIds = new Int32Array(gramEntries);
    let at = 0;
    for (const g of grams) for (const id of this.trigramPostings[g]!) gramIds[at++] = id;
    add('grams', Int32Array.from(grams));
    add('gramStart', Int32Array.from(gramStart));
    add('gramIds', gramIds);
    add('freeSlots', Int32Array.from(this.freeSlots));
    add('variantTextKeys', Int32Array.from(this.variantText.keys()));
    const text = (name: string, list: Iterable<string>) => sections.push({ name, data: Buffer.from([...list].join('\u0000'), 'utf8') });
    text('slotIds', this.slotIds);
    text('slotInfo', this.slotInfo.values());
    text('tokens', this.tokens);
    text('cities', this.cities);
    text('variantText', this.variantText.values());
    text('slotEins', [JSON.stringify([...this.slotEins])]);
    return {
      header: {
        version: SNAPSHOT_VERSION,
        meta,
        live: this.live,
        liveVariantCount: this.liveVariantCount,
        infoChars: this.infoChars,
        trigramCount: this.trigramCount,
        trigramEntries: this.trigramEntries,
        slots: this.slotIds.length,
      },
      sections,
    };
  }

  /**
   * Fills this (empty) index from snapshot sections (each in its own ArrayBuffer, as the adapter
   * reads them). Throws on anything inconsistent before changing the index, so the caller can still
   * build from the store.
   */
  restoreSnapshot(h: SnapshotHeader, sec: ReadonlyMap<string, Uint8Array>): void {
    if (this.slotIds.length > 0 || this.tokens.length > 0) throw new Error('snapshot: the index is not empty');
    if (h.version !== SNAPSHOT_VERSION) throw new Error(`snapshot: version ${h.version}, expected ${SNAPSHOT_VERSION}`);
    const part = (name: string) => {
      const b = sec.get(name);
      if (!b) throw new Error(`snapshot: missing section ${name}`);
      return b;
    };
    const typed = <T>(name: string, ctor: new (buffer: ArrayBuffer, offset: number, length: number) => T, size: number): T => {
      const b = part(name);
      if (b.byteOffset % size !== 0 || b.byteLength % size !== 0) throw new Error(`snapshot: section ${name} is misaligned`);
      return new ctor(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength / size);
    };
    const i32 = (name: string) => typed(name, Int32Array, 4);
    const u8 = (name: string) => typed(name, Uint8Array, 1);
    const f64 = (name: string) => typed(name, Float64Array, 8);
    const strings = (name: string) => {
      const b = part(name);
      return b.byteLength === 0 ? [] : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8').split('\u0000');
    };
    const slotIds = strings('slotIds');
    const slotInfo = part('slotInfo');
    const slotInfoStarts = recordStarts(slotInfo);
    const tokens = strings('tokens');
    if (slotIds.length !== h.slots || slotInfoStarts.length - 1 !== h.slots) throw new Error('snapshot: slot tables differ in length');
    if (slotIds.filter((id) => id !== '').length !== h.live) throw new Error('snapshot: live count differs from the slot table');
    const frozenStart = i32('frozenStart');
    if (frozenStart.length !== tokens.length + 1) throw new Error('snapshot: postings and vocabulary differ');
    const cols = {
      slotZip: i32('slotZip'),
      slotState: u8('slotState'),
      slotCity: i32('slotCity'),
      slotSeq: f64('slotSeq'),
      slotFirstVariant: i32('slotFirstVariant'),
      variantSlot: i32('variantSlot'),
      variantStart: i32('variantStart'),
      variantLength: u8('variantLength'),
      variantAlive: u8('variantAlive'),
      variantKind: u8('variantKind'),
      variantNext: i32('variantNext'),
      tokenPool: i32('tokenPool'),
      df: i32('df'),
    };
    const frozen = i32('frozen');
    const grams = i32('grams');
    const gramStart = i32('gramStart');
    const gramIds = i32('gramIds');
    const freeSlots = i32('freeSlots');
    const textKeys = i32('variantTextKeys');
    const texts = strings('variantText');
    const cities = strings('cities');
    const slotEins = JSON.parse(strings('slotEins')[0] ?? '[]') as Array<[number, string[]]>;
    if (cols.df.length < tokens.length || gramStart.length !== grams.length + 1 || textKeys.length !== texts.length) throw new Error('snapshot: section sizes disagree');
    // Nothing below throws on a consistent snapshot: the index changes only once every check passed.
    for (const [name, data] of Object.entries(cols)) {
      const v = this[name as keyof typeof cols] as { data: typeof data; length: number };
      v.data = data;
      v.length = data.length;
    }
    this.frozen = frozen;
    this.frozenStart = frozenStart;
    for (let slot = 0; slot < slotIds.length; slot++) {
      const id = slotIds[slot]!;
      this.slotIds.push(id);
      if (id !== '') this.slotOf.set(id, slot);
    }
    this.slotInfo.restore(slotInfo, slotInfoStarts);
    for (const t of tokens) {
      this.vocab.set(t, this.tokens.length);
      this.tokens.push(t);
      this.postings.push([]);
    }
    this.deadPostings.set(Math.max(tokens.length - 1, 0), 0);
    for (let k = 0; k < grams.length; k++) this.trigramPostings[grams[k]!] = Array.from(gramIds.subarray(gramStart[k]!, gramStart[k + 1]!));
    for (const slot of freeSlots) this.freeSlots.push(slot);
    textKeys.forEach((v, k) => this.variantText.set(v, texts[k]!));
    for (const c of cities) this.internCity(c);
    for (const [slot, eins] of slotEins) {
      this.slotEins.set(slot, eins);
      for (const ein of eins) {
        const list = this.extraEins.get(ein);
        if (list) list.push(slot);
        else this.extraEins.set(ein, [slot]);
      }
    }
    this.zipSlots.rebuild(this.slotZip.data, this.slotZip.length);
    this.live = h.live;
    this.liveVariantCount = h.liveVariantCount;
    this.infoChars = h.infoChars;
    this.trigramCount = h.trigramCount;
    this.trigramEntries = h.trigramEntries;
  }

  /** All tokens live in the index right now, with their document frequency (diagnostics). */
  stateOf(slot: number): string {
    return stateCodeAt(this.slotState.get(slot));
  }
}
