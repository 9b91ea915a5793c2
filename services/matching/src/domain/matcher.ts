// Matching a payee against the index: candidate generation by IDF-weighted tokens (with typo,
// abbreviation and split/joined-word expansions) plus an address bonus, then a rerank that aligns
// tokens order-insensitively, measures edit similarity, compares street/city/state/ZIP and the tax
// id, and turns those features into a calibrated probability.
import { compareStreets, normalizeCity, stateIndex as stateIndexOf, streetKey, type StreetKey } from './address.js';
import { FEATURE_NAMES, logistic, weightVector, type CalibrationModel } from './calibration.js';
import { foldExact, normalizeName, normalizedKey, displayNormalized } from './normalize.js';
import { editSimilarity, tokenSimilarity } from './similarity.js';
import { VariantKind, type SlotInfo, type SupplierIndex } from './supplier-index.js';
import personNames from './person-names.json' with { type: 'json' };

const FIRST_NAMES = new Set(personNames.first);
const SURNAMES = new Set(personNames.last);

/** Two to four tokens, each a common first name, surname or initial, with a first name and a surname. */
export function looksLikePerson(tokens: readonly string[]): boolean {
  if (tokens.length < 2 || tokens.length > 4) return false;
  let first = false;
  let last = false;
  for (const t of tokens) {
    const f = FIRST_NAMES.has(t);
    const l = SURNAMES.has(t);
    if (!f && !l && t.length > 1) return false;
    if (f) first = true;
    if (l) last = true;
  }
  return first && last;
}

export interface MatchQuery {
  name: string;
  street?: string;
  city?: string;
  /** USPS code. */
  state?: string;
  /** Five digits. */
  postalCode?: string;
  /** Nine digits. */
  taxId?: string;
}

export type Agreement = 1 | 0 | -1;

export interface CandidateFeatures {
  values: Float64Array;
  nameScore: number;
  tokenF1: number;
  edit: number;
  exactFolded: boolean;
  exactNormalized: boolean;
  zip: Agreement;
  /** The ZIPs' 3-digit areas (sectional centers): a different one is another town. */
  zipArea: Agreement;
  city: Agreement;
  state: Agreement;
  street: Agreement;
  identifier: Agreement;
}

export interface ScoredCandidate {
  slot: number;
  variant: number;
  info: SlotInfo;
  matchedName: string;
  /** Calibrated probability that this supplier is the payee. */
  score: number;
  matchType: 'EXACT' | 'NORMALIZED' | 'FUZZY';
  /** The payee's address contradicts this supplier and nothing vouches for it: REVIEW at most. */
  addressConflict: boolean;
  features: CandidateFeatures;
}

export interface MatchOutcome {
  normalizedName: string;
  candidates: ScoredCandidate[];
}

export interface MatcherOptions {
  /** Suppliers reranked per query. */
  poolSize: number;
  /**
   * Highest score a candidate may keep when the payee's address contradicts it (another state, or
   * both another city and another ZIP) and nothing else vouches for it (the tax id, or the street
   * with a near-identical name): set below the match threshold, such a candidate is REVIEW at most.
   */
  addressConflictCap?: number;
}

/** Default `addressConflictCap`: inside the default REVIEW band [0.5, 0.9). */
export const DEFAULT_ADDRESS_CONFLICT_CAP = 0.8;

/**
 * Whether the payee's address contradicts a candidate with nothing to vouch for it: a same-name
 * supplier in another state (or another city and ZIP, or — when the payee gives a ZIP but no city or
 * state — another ZIP area) is a namesake until proven otherwise.
 */
export function addressContradicts(a: { zip: Agreement; zipArea?: Agreement; city: Agreement; state: Agreement; street: Agreement; identifier: Agreement }, nameScore: number): boolean {
  const contradicted = a.state === -1 || (a.zip === -1 && (a.city === -1 || (a.city === 0 && a.state === 0 && a.zipArea === -1)));
  if (!contradicted) return false;
  const vouched = a.identifier === 1 || (a.street === 1 && nameScore >= 0.9);
  return !vouched;
}

export interface MatchCallOptions {
  /**
   * Slots the query must not see (evaluation of payees whose truth is absent: a held-out supplier
   * and its indistinguishable twins).
   */
  exclude?: ReadonlySet<number>;
}

interface QueryToken {
  text: string;
  weight: number;
  /** Exact vocabulary id, or -1. */
  id: number;
  expansions: Map<number, number>;
  /** Vocabulary tokens that join this word with a neighbour, or halves of it (generation only). */
  splitJoin: Map<number, number>;
  /** Similarity cache against candidate token ids. */
  simCache: Map<number, number>;
}

interface QueryVariant {
  tokens: QueryToken[];
  totalWeight: number;
  sortedKey: string;
  joined: string;
  sortedJoined: string;
  numbers: Set<string>;
}

interface PreparedQuery {
  variants: QueryVariant[];
  folded: string;
  foldedMain: string;
  zip: number;
  state: string;
  cityNorm: string;
  cityId: number;
  street: StreetKey | undefined;
  taxId: string;
  hasAddress: boolean;
  personLike: boolean;
}

const F = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i])) as Record<(typeof FEATURE_NAMES)[number], number>;
/** Query tokens rarer than this (in name variants) are also looked up fuzzily. */
const FUZZY_DF_LIMIT = 500;
/** Postings longer than this are walked only when no rarer token found candidates first. */
const COMMON_POSTINGS = 4000;
/** Share of the query's weight a supplier in the payee's ZIP needs to be a candidate. */
const ZIP_MIN_SHARE = 0.15;
/** ZIPs with more suppliers than this (a few large PO-box ZIPs) are not scanned. */
const MAX_ZIP_SLOTS = 4000;

export class Matcher {
  private readonly weights: Float64Array;
  private readonly conflictCap: number;
  // Scratch arrays for candidate generation, sized to the index.
  private acc = new Float32Array(0);
  private lastToken = new Int32Array(0);
  private variantStamp = new Int32Array(0);
  // Variants and slots found by one query, reused across queries: plain arrays grown per query were a
  // large part of its young garbage (the scavenges that stall a query in the tail).
  private touchedVariants = new Int32Array(0);
  private touchedSlotList = new Int32Array(0);
  private slotStamp = new Int32Array(0);
  private slotBest = new Float32Array(0);
  private slotBestVariant = new Int32Array(0);
  private tokenStamp = new Int32Array(0);
  private tokenContribution = new Float64Array(0);
  private tokenOwner = new Int32Array(0);
  private ownerBest = new Float64Array(32);
  // Scratch for pair alignment in the rerank (one query at a time: matching is synchronous).
  private candTokens = new Int32Array(256);
  private querySim = new Float64Array(256);
  private candSim = new Float64Array(256);
  private pairSim = new Float64Array(64);
  private pairQuery = new Int32Array(64);
  private pairCand = new Int32Array(64);
  private round = 0;
  private tokenRound = 0;

  constructor(
    readonly index: SupplierIndex,
    model: CalibrationModel,
    private readonly options: MatcherOptions = { poolSize: 40 },
  ) {
    this.weights = weightVector(model);
    this.conflictCap = options.addressConflictCap ?? DEFAULT_ADDRESS_CONFLICT_CAP;
  }

  /** The top `topK` candidates for a payee, best first. */
  match(query: MatchQuery, topK: number, options: MatchCallOptions = {}): MatchOutcome {
    const parts = normalizeName(query.name);
    const prepared = this.prepare(query, parts);
    const normalizedName = displayNormalized(parts);
    if (prepared.variants.length === 0 || this.index.supplierCount === 0) return { normalizedName, candidates: [] };
    const pool = this.generate(prepared, options.exclude);
    const scored = this.rerank(prepared, pool);
    return { normalizedName, candidates: scored.slice(0, topK) };
  }

  /** Every pooled candidate with its features (calibration fitting and diagnostics). */
  candidatesWithFeatures(query: MatchQuery, options: MatchCallOptions = {}): ScoredCandidate[] {
    const prepared = this.prepare(query);
    if (prepared.variants.length === 0 || this.index.supplierCount === 0) return [];
    return this.rerank(prepared, this.generate(prepared, options.exclude));
  }

  // -----------------------------------------------------------------------------------------
  // Query preparation

  private prepare(query: MatchQuery, parts = normalizeName(query.name)): PreparedQuery {
    const index = this.index;
    const variants: QueryVariant[] = [];
    const maxWeight = index.idfOfDf(0);
    for (const n of [parts.main, ...parts.alternates]) {
      const distinct = [...new Set(n.tokens)].slice(0, 24);
      if (distinct.length === 0) continue;
      const tokens: QueryToken[] = distinct.map((text) => {
        const id = index.tokenId(text);
        const df = id >= 0 ? index.df.get(id) : 0;
        const fuzzy = df < FUZZY_DF_LIMIT;
        const expansions = new Map<number, number>();
        for (const e of index.expand(text, { fuzzy })) expansions.set(e.token, e.sim);
        // A misspelt word weighs what the word it most likely is weighs: an unknown or very rare
        // spelling next to a much more common word (FOUNDATINL, INTERANTIONAL) is taken for that word.
        let weight = df > 0 ? index.idfOfDf(df) : maxWeight;
        let likelyDf = df;
        for (const [t, s] of expansions) {
          const edf = index.df.get(t);
          if (t !== id && s >= 0.75 && edf >= Math.max(20, 20 * df) && edf > likelyDf) likelyDf = edf;
        }
        if (likelyDf > df) weight = index.idfOfDf(likelyDf);
        return { text, weight, id: df > 0 ? id : -1, expansions, splitJoin: new Map<number, number>(), simCache: new Map() };
      });
      // Split and joined words: "WAL MART" ~ "WALMART", "WALMART" ~ "WAL MART".
      for (let i = 0; i + 1 < tokens.length; i++) {
        const joined = index.tokenId(tokens[i]!.text + tokens[i + 1]!.text);
        if (joined >= 0 && index.df.get(joined) > 0) {
          tokens[i]!.splitJoin.set(joined, 0.95);
          tokens[i + 1]!.splitJoin.set(joined, 0.95);
        }
      }
      for (const t of tokens) {
        if (t.id >= 0 || t.text.length < 6) continue;
        for (let cut = 3; cut <= t.text.length - 3; cut++) {
          const a = index.tokenId(t.text.slice(0, cut));
          const b = index.tokenId(t.text.slice(cut));
          if (a >= 0 && b >= 0 && index.df.get(a) > 0 && index.df.get(b) > 0) {
            if (!t.expansions.has(a)) t.splitJoin.set(a, 0.9);
            if (!t.expansions.has(b)) t.splitJoin.set(b, 0.9);
          }
        }
      }
      const texts = tokens.map((t) => t.text);
      variants.push({
        tokens,
        totalWeight: tokens.reduce((s, t) => s + t.weight, 0),
        sortedKey: normalizedKey(texts),
        joined: texts.join(''),
        sortedJoined: [...texts].sort().join(' '),
        numbers: new Set(texts.filter((t) => /^[0-9]+$/.test(t))),
      });
    }
    const cityNorm = normalizeCity(query.city);
    const street = streetKey(query.street);
    return {
      variants,
      folded: foldExact(query.name),
      foldedMain: foldExact(query.name.split(/\s+(?:D\/?B\/?A|DBA|AKA|C\/O|ATTN)\b/i)[0] ?? ''),
      zip: query.postalCode ? Number(query.postalCode) : -1,
      state: query.state ?? '',
      cityNorm,
      cityId: index.cityId(cityNorm),
      street,
      taxId: query.taxId ?? '',
      hasAddress: Boolean(query.postalCode || query.city || query.state || street),
      personLike: looksLikePerson(parts.main.tokens),
    };
  }

  // -----------------------------------------------------------------------------------------
  // Candidate generation

  private ensureScratch(): void {
    const nv = this.index.variantCapacity;
    if (this.acc.length < nv) {
      const size = Math.ceil(nv * 1.25) + 1024;
      this.acc = new Float32Array(size);
      this.lastToken = new Int32Array(size);
      this.variantStamp = new Int32Array(size);
      this.touchedVariants = new Int32Array(size);
    }
    const ns = this.index.slotCapacity;
    if (this.slotStamp.length < ns) {
      const size = Math.ceil(ns * 1.25) + 1024;
      this.slotStamp = new Int32Array(size);
      this.slotBest = new Float32Array(size);
      this.slotBestVariant = new Int32Array(size);
      this.touchedSlotList = new Int32Array(size);
    }
    const nt = this.index.tokens.length;
    if (this.tokenStamp.length < nt) {
      const size = Math.ceil(nt * 1.25) + 1024;
      this.tokenStamp = new Int32Array(size);
      this.tokenContribution = new Float64Array(size);
      this.tokenOwner = new Int32Array(size);
    }
    if (this.round > 2_000_000_000 || this.tokenRound > 2_000_000_000) {
      this.tokenStamp.fill(0);
      this.variantStamp.fill(0);
      this.slotStamp.fill(0);
      this.lastToken.fill(0);
      this.round = 0;
      this.tokenRound = 0;
    }
  }

  /** Slots of the best candidates by a cheap score: weighted token recall + address bonus. */
  private generate(q: PreparedQuery, exclude?: ReadonlySet<number>): number[] {
    this.ensureScratch();
    const index = this.index;
    const round = ++this.round;
    const alive = index.variantAlive.data;
    const variantSlot = index.variantSlot.data;
    const variantLength = index.variantLength.data;
    const slotZip = index.slotZip.data;
    const slotCity = index.slotCity.data;
    const slotState = index.slotState.data;
    const acc = this.acc;
    const lastToken = this.lastToken;
    const stamp = this.variantStamp;
    const slotStamp = this.slotStamp;
    const slotBest = this.slotBest;
    const slotBestVariant = this.slotBestVariant;
    const touchedSlots = this.touchedSlotList;
    let slotCount = 0;
    const stateIdx = q.state ? stateIndexOf(q.state) : 0;

    const tokenPool = index.tokenPool.data;
    const variantStart = index.variantStart.data;
    const tokenStamp = this.tokenStamp;
    const tokenContribution = this.tokenContribution;
    for (const qv of q.variants) {
      // Every variant is found at most once per query (stamped by round), so one buffer holds them.
      const touched = this.touchedVariants;
      let found = 0;
      // Rare tokens first: they find the truth. A very common token (CHURCH, FOUNDATION) then only
      // re-scores the variants found so far when that is cheaper than walking its postings.
      const order = [...qv.tokens].sort((a, b) => b.weight - a.weight);
      let remaining = qv.totalWeight;
      let maxAcc = 0;
      for (const t of order) {
        const tr = ++this.tokenRound;
        const exps = t.splitJoin.size ? [...t.expansions, ...t.splitJoin].sort((a, b) => b[1] - a[1]) : [...t.expansions];
        const single = exps.length === 1;
        // Once the pool can be filled and the tokens left carry at most half of the query's weight, a
        // variant that has none of the rarer tokens cannot be the payee: only re-score what was found.
        const settled = found >= this.options.poolSize && remaining <= 0.5 * qv.totalWeight;
        // A variant first seen now holds at most the weight of this token and the ones after it
        // (an expansion never adds more than its token's weight): below half of the best share so
        // far it falls under the final floor anyway, so its postings need not be walked (MaxScore).
        const hopeless = remaining < 0.5 * maxAcc;
        remaining -= t.weight;
        let rescoreCount = 0;
        for (const [token, sim] of exps) {
          // An expansion never weighs more than the query word itself (rare misspellings in the
          // network must not outweigh the common word the payee meant).
          const contribution = sim * (t.id === token ? t.weight : Math.min(t.weight, index.idf(token)));
          const list = index.postings[token]!;
          const frozenFrom = index.frozenLength(token) > 0 ? index.frozenStart[token]! : 0;
          const frozenTo = frozenFrom + index.frozenLength(token);
          const count = frozenTo - frozenFrom + list.length;
          // Only the variants found so far may still gain from this expansion: re-score them (below, in
          // one pass for all such expansions) or, when its postings are the shorter walk, walk them
          // without admitting new variants.
          const onlyFound = found > 0 && (settled || hopeless || (count > COMMON_POSTINGS && found * 4 < count));
          if (onlyFound && count > found * 4) {
            if (tokenStamp[token] !== tr || contribution > tokenContribution[token]!) tokenContribution[token] = contribution;
            tokenStamp[token] = tr;
            rescoreCount += 1;
            continue;
          }
          const frozen = index.frozen;
          const total = count;
          for (let k = 0; k < total; k++) {
            const fk = frozenFrom + k;
            const v = fk < frozenTo ? frozen[fk]! : list[k - (frozenTo - frozenFrom)]!;
            if (alive[v] !== 1 || (onlyFound && stamp[v] !== round)) continue;
            if (!single) {
              if (lastToken[v] === tr) continue;
              lastToken[v] = tr;
            }
            let a: number;
            if (stamp[v] !== round) {
              stamp[v] = round;
              a = acc[v] = contribution;
              touched[found++] = v;
            } else a = acc[v]! += contribution;
            if (a > maxAcc) maxAcc = a;
          }
        }
        if (rescoreCount > 0) {
          // Each variant found so far takes the best of the re-scored expansions it holds, unless a
          // walked expansion of the same token already counted it.
          for (let k = 0; k < found; k++) {
            const v = touched[k]!;
            if (lastToken[v] === tr) continue;
            const start = variantStart[v]!;
            const end = start + variantLength[v]!;
            let best = 0;
            for (let p = start; p < end; p++) {
              const tok = tokenPool[p]!;
              if (tokenStamp[tok] === tr && tokenContribution[tok]! > best) best = tokenContribution[tok]!;
            }
            if (best > 0) {
              lastToken[v] = tr;
              const a = (acc[v]! += best);
              if (a > maxAcc) maxAcc = a;
            }
          }
        }
      }
      if (q.zip >= 0) found = this.addZipNeighbours(qv, q.zip, round, touched, found);
      const m = qv.tokens.length;
      const inv = 1 / qv.totalWeight;
      // Variants holding less than half of the best variant's share of the query are no candidates,
      // unless they are in the payee's ZIP and hold a fair share of it (a typo in the rare word).
      const floor = 0.5 * maxAcc;
      const zipFloor = ZIP_MIN_SHARE * qv.totalWeight;
      for (let k = 0; k < found; k++) {
        const v = touched[k]!;
        const slot = variantSlot[v]!;
        if (acc[v]! < floor && !(acc[v]! >= zipFloor && q.zip >= 0 && slotZip[slot] === q.zip)) continue;
        if (exclude !== undefined && exclude.has(slot)) continue;
        let score = acc[v]! * inv - 0.03 * Math.max(0, variantLength[v]! - m);
        if (q.zip >= 0 && slotZip[slot] === q.zip) score += 0.15;
        if (q.cityId >= 0 && slotCity[slot] === q.cityId) score += 0.1;
        if (stateIdx && slotState[slot] === stateIdx) score += 0.03;
        if (slotStamp[slot] !== round) {
          slotStamp[slot] = round;
          slotBest[slot] = score;
          slotBestVariant[slot] = v;
          touchedSlots[slotCount++] = slot;
        } else if (score > slotBest[slot]!) {
          slotBest[slot] = score;
          slotBestVariant[slot] = v;
        }
      }
    }
    if (q.taxId) {
      for (const slot of index.slotsWithEin(q.taxId)) {
        if (exclude !== undefined && exclude.has(slot)) continue;
        if (slotStamp[slot] !== round) {
          slotStamp[slot] = round;
          slotBest[slot] = 10;
          touchedSlots[slotCount++] = slot;
        } else slotBest[slot] = 10;
      }
    }
    return topSlots(touchedSlots, slotCount, slotBest, this.options.poolSize);
  }

  /**
   * Name variants of suppliers in the payee's ZIP that the token walk did not reach (their rare word
   * misspelt into another real word, their other words too common to walk): scored by the same
   * weighted token share, so the address can lift them into the pool. Bounded by the ZIP's size.
   */
  private addZipNeighbours(qv: QueryVariant, zip: number, round: number, touched: Int32Array, found: number): number {
    const index = this.index;
    const slots = index.zipSlots.slots(zip);
    if (slots.length === 0 || slots.length > MAX_ZIP_SLOTS) return found;
    const tokenPool = index.tokenPool.data;
    const variantStart = index.variantStart.data;
    const variantLength = index.variantLength.data;
    const alive = index.variantAlive.data;
    const stamp = this.variantStamp;
    const acc = this.acc;
    // Vocabulary token → the query token it stands for and its contribution, as in the walk (a
    // token shared by two query words keeps the larger one).
    const zr = ++this.tokenRound;
    const tokenStamp = this.tokenStamp;
    const tokenContribution = this.tokenContribution;
    const owner = this.tokenOwner;
    qv.tokens.forEach((t, i) => {
      const note = (token: number, sim: number) => {
        const c = sim * (t.id === token ? t.weight : Math.min(t.weight, index.idf(token)));
        if (tokenStamp[token] === zr && tokenContribution[token]! >= c) return;
        tokenStamp[token] = zr;
        tokenContribution[token] = c;
        owner[token] = i;
      };
      t.expansions.forEach((sim, token) => note(token, sim));
      t.splitJoin.forEach((sim, token) => note(token, sim));
    });
    const best = this.ownerBest.length >= qv.tokens.length ? this.ownerBest : (this.ownerBest = new Float64Array(qv.tokens.length * 2));
    for (const slot of slots) {
      for (let v = index.firstVariant(slot); v >= 0; v = index.nextVariant(v)) {
        if (stamp[v] === round || alive[v] !== 1) continue;
        const start = variantStart[v]!;
        const end = start + variantLength[v]!;
        let hit = false;
        for (let p = start; p < end; p++) {
          const tok = tokenPool[p]!;
          if (tokenStamp[tok] !== zr) continue;
          const i = owner[tok]!;
          if (!hit) best.fill(0, 0, qv.tokens.length);
          hit = true;
          if (tokenContribution[tok]! > best[i]!) best[i] = tokenContribution[tok]!;
        }
        if (!hit) continue;
        let a = 0;
        for (let i = 0; i < qv.tokens.length; i++) a += best[i]!;
        stamp[v] = round;
        acc[v] = a;
        touched[found++] = v;
      }
    }
    return found;
  }

  // -----------------------------------------------------------------------------------------
  // Rerank

  private rerank(q: PreparedQuery, slots: number[]): ScoredCandidate[] {
    const index = this.index;
    const maxIdf = index.idfOfDf(0);
    const rows: Array<{ slot: number; variant: number; info: SlotInfo; pair: PairScore; addr: AddressAgreement; heuristic: number }> = [];
    for (const slot of slots) {
      let best: PairScore | undefined;
      let bestVariant = -1;
      for (const v of index.variantList(slot)) {
        for (const qv of q.variants) {
          const p = this.pairScore(qv, v, maxIdf);
          if (!best || p.nameScore > best.nameScore) {
            best = p;
            bestVariant = v;
          }
        }
      }
      if (!best) continue;
      const info = index.info(slot);
      const addr = this.addressAgreement(q, slot, info);
      const heuristic = best.nameScore + 0.1 * addr.zip + 0.06 * addr.city + 0.03 * addr.state + 0.05 * addr.street + 0.5 * addr.identifier;
      rows.push({ slot, variant: bestVariant, info, pair: best, addr, heuristic });
    }
    // Margin to the best other candidate: two near-identical suppliers make either one less certain.
    let first = -Infinity;
    let second = -Infinity;
    for (const r of rows) {
      if (r.heuristic > first) [first, second] = [r.heuristic, first];
      else if (r.heuristic > second) second = r.heuristic;
    }
    const queryInfo = Math.min(1, Math.max(...q.variants.map((v) => v.totalWeight)) / (3 * maxIdf));
    const singleToken = q.variants.every((v) => v.tokens.length === 1) ? 1 : 0;
    const out: ScoredCandidate[] = [];
    for (const r of rows) {
      // The best other candidate, or a virtual weak one (0.5) when the index offers no competitor:
      // a lone weak candidate in a small network must not look unambiguous.
      const other = Math.max(r.heuristic === first ? second : first, 0.5);
      const margin = Math.max(-0.5, Math.min(0.5, r.heuristic - other));
      const x = new Float64Array(FEATURE_NAMES.length);
      const p = r.pair;
      x[F.bias] = 1;
      x[F.token_recall] = p.recall;
      x[F.token_precision] = p.precision;
      x[F.token_f1] = p.tokenF1;
      x[F.token_f1_sq] = p.tokenF1 * p.tokenF1;
      x[F.edit_similarity] = p.edit;
      x[F.edit_similarity_sq] = p.edit * p.edit;
      const displayed = index.variantDisplay(r.variant);
      const displayedFolded = foldExact(displayed);
      const exactFolded = displayedFolded === q.folded || (q.foldedMain !== '' && displayedFolded === q.foldedMain);
      x[F.exact_folded] = exactFolded ? 1 : 0;
      x[F.exact_normalized] = p.exactNormalized ? 1 : 0;
      x[F.missing_rare_query_token] = p.missingRare;
      x[F.extra_rare_candidate_token] = p.extraRare;
      x[F.number_conflict] = p.numberConflict ? 1 : 0;
      x[F.zip_agree] = r.addr.zip === 1 ? 1 : 0;
      x[F.zip_disagree] = r.addr.zip === -1 ? 1 : 0;
      x[F.city_agree] = r.addr.city === 1 ? 1 : 0;
      x[F.city_disagree] = r.addr.city === -1 ? 1 : 0;
      x[F.state_agree] = r.addr.state === 1 ? 1 : 0;
      x[F.state_disagree] = r.addr.state === -1 ? 1 : 0;
      x[F.street_agree] = r.addr.street === 1 ? 1 : 0;
      x[F.street_disagree] = r.addr.street === -1 ? 1 : 0;
      x[F.margin_to_next] = margin;
      x[F.query_information] = queryInfo;
      x[F.single_token_query] = singleToken;
      x[F.alias_variant] = index.variantKind.get(r.variant) === VariantKind.Primary ? 0 : 1;
      x[F.no_address_given] = q.hasAddress ? 0 : 1;
      x[F.person_like_query] = q.personLike ? 1 : 0;
      x[F.person_like_without_address] = q.personLike && !q.hasAddress ? 1 : 0;
      let z = 0;
      for (let i = 0; i < x.length; i++) z += x[i]! * this.weights[i]!;
      let score = logistic(z);
      // A matching tax id is identity unless the names have nothing in common; a different one on
      // a supplier that has one rules it out (chapters share names but never EINs).
      if (r.addr.identifier === 1) score = p.nameScore >= 0.5 ? Math.max(score, 0.99) : Math.max(score, 0.7);
      else if (r.addr.identifier === -1) score = Math.min(score, 0.2);
      const addressConflict = addressContradicts(r.addr, p.nameScore);
      if (addressConflict) score = Math.min(score, this.conflictCap);
      const matchType = exactFolded ? 'EXACT' : p.exactNormalized ? 'NORMALIZED' : 'FUZZY';
      out.push({
        slot: r.slot,
        variant: r.variant,
        info: r.info,
        matchedName: displayed,
        score,
        matchType,
        addressConflict,
        features: {
          values: x,
          nameScore: p.nameScore,
          tokenF1: p.tokenF1,
          edit: p.edit,
          exactFolded,
          exactNormalized: p.exactNormalized,
          zip: r.addr.zip,
          city: r.addr.city,
          state: r.addr.state,
          street: r.addr.street,
          zipArea: r.addr.zipArea,
          identifier: r.addr.identifier,
        },
      });
    }
    out.sort((a, b) => b.score - a.score || b.features.nameScore - a.features.nameScore || (a.info.id < b.info.id ? -1 : 1));
    return out;
  }

  private addressAgreement(q: PreparedQuery, slot: number, info: SlotInfo): AddressAgreement {
    const index = this.index;
    const zip = index.slotZip.get(slot);
    const zipA: Agreement = q.zip < 0 || zip < 0 ? 0 : zip === q.zip ? 1 : -1;
    let cityA: Agreement = 0;
    if (q.cityNorm) {
      const cid = index.slotCity.get(slot);
      if (cid >= 0) {
        if (cid === q.cityId) cityA = 1;
        else cityA = editSimilarity(q.cityNorm, index.cityName(cid)) >= 0.85 ? 1 : -1;
      }
    }
    const st = index.stateOf(slot);
    const stateA: Agreement = !q.state || !st ? 0 : st === q.state ? 1 : -1;
    const streetA = q.street && info.street ? (compareStreets(q.street, streetKey(info.street)) as Agreement) : 0;
    let idA: Agreement = 0;
    if (q.taxId) {
      const eins = this.einsOf(info.id);
      if (eins.length > 0) idA = eins.includes(q.taxId) ? 1 : -1;
    }
    const zipArea: Agreement = zipA === 0 ? 0 : Math.floor(zip / 100) === Math.floor(q.zip / 100) ? 1 : -1;
    return { zip: zipA, zipArea, city: cityA, state: stateA, street: streetA, identifier: idA };
  }

  private einsOf(id: string): string[] {
    const out: string[] = [];
    if (id.startsWith('irs_eo_bmf:')) out.push(id.slice('irs_eo_bmf:'.length));
    const slot = this.index.slot(id);
    if (slot !== undefined) for (const e of this.index.einsOfSlot(slot)) if (!out.includes(e)) out.push(e);
    return out;
  }

  private growPairs(n: number): void {
    this.pairSim = new Float64Array(n * 2);
    this.pairQuery = new Int32Array(n * 2);
    this.pairCand = new Int32Array(n * 2);
  }

  /** Order-insensitive soft token alignment plus edit similarity between a query variant and a name variant. */
  private pairScore(qv: QueryVariant, variant: number, maxIdf: number): PairScore {
    const index = this.index;
    const start = index.variantStart.get(variant);
    const n = index.variantLength.get(variant);
    // Distinct candidate tokens and both sides' best similarities, in buffers reused across calls
    // (a name holds at most 255 tokens, a query variant 24).
    const cand = this.candTokens;
    let candCount = 0;
    for (let k = 0; k < n; k++) {
      const t = index.tokenPool.get(start + k);
      let seen = false;
      for (let j = 0; j < candCount && !seen; j++) seen = cand[j] === t;
      if (!seen) cand[candCount++] = t;
    }
    const m = qv.tokens.length;
    const qSim = this.querySim.fill(0, 0, m);
    const cSim = this.candSim.fill(0, 0, candCount);
    // Pairwise similarities, greedily assigned one-to-one, best first (ties in i, j order). Kept in
    // reused buffers and ordered by a stable insertion sort: a few dozen pairs, scored ~100 times a
    // query, were a steady source of young garbage as arrays of tuples.
    if (this.pairSim.length < m * candCount) this.growPairs(m * candCount);
    const pairSim = this.pairSim;
    const pairQuery = this.pairQuery;
    const pairCand = this.pairCand;
    let pairCount = 0;
    for (let i = 0; i < m; i++) {
      const qt = qv.tokens[i]!;
      for (let j = 0; j < candCount; j++) {
        const ct = cand[j]!;
        let sim: number;
        if (ct === qt.id) sim = 1;
        else {
          const cached = qt.simCache.get(ct);
          if (cached !== undefined) sim = cached;
          else {
            sim = qt.expansions.get(ct) ?? tokenSimilarity(qt.text, index.tokens[ct]!);
            qt.simCache.set(ct, sim);
          }
        }
        if (sim > 0) {
          // Insertion after every pair of greater or equal similarity: a stable sort, best first.
          let at = pairCount++;
          while (at > 0 && pairSim[at - 1]! < sim) {
            pairSim[at] = pairSim[at - 1]!;
            pairQuery[at] = pairQuery[at - 1]!;
            pairCand[at] = pairCand[at - 1]!;
            at--;
          }
          pairSim[at] = sim;
          pairQuery[at] = i;
          pairCand[at] = j;
        }
      }
    }
    for (let k = 0; k < pairCount; k++) {
      const sim = pairSim[k]!;
      const i = pairQuery[k]!;
      const j = pairCand[k]!;
      if (qSim[i]! > 0 || cSim[j]! > 0) continue;
      qSim[i] = sim;
      cSim[j] = sim;
    }
    // Joined or split words.
    for (let i = 0; i + 1 < m; i++) {
      if (qSim[i]! > 0 || qSim[i + 1]! > 0) continue;
      const joined = qv.tokens[i]!.text + qv.tokens[i + 1]!.text;
      for (let j = 0; j < candCount; j++) {
        if (cSim[j]! > 0) continue;
        const s = tokenSimilarity(joined, index.tokens[cand[j]!]!);
        if (s >= 0.8) {
          qSim[i] = qSim[i + 1] = cSim[j] = s;
          break;
        }
      }
    }
    for (let j = 0; j + 1 < candCount; j++) {
      if (cSim[j]! > 0 || cSim[j + 1]! > 0) continue;
      const joined = index.tokens[cand[j]!]! + index.tokens[cand[j + 1]!]!;
      for (let i = 0; i < m; i++) {
        if (qSim[i]! > 0) continue;
        const s = tokenSimilarity(qv.tokens[i]!.text, joined);
        if (s >= 0.8) {
          qSim[i] = cSim[j] = cSim[j + 1] = s;
          break;
        }
      }
    }
    let qw = 0;
    let qMatched = 0;
    let missingRare = 0;
    for (let i = 0; i < m; i++) {
      const w = qv.tokens[i]!.weight;
      qw += w;
      qMatched += w * qSim[i]!;
      const miss = (w * (1 - qSim[i]!)) / maxIdf;
      if (miss > missingRare) missingRare = miss;
    }
    let cw = 0;
    let cMatched = 0;
    let extraRare = 0;
    const candTexts: string[] = [];
    let candNumbers: string[] | undefined;
    for (let j = 0; j < candCount; j++) {
      const w = index.idf(cand[j]!);
      cw += w;
      cMatched += w * cSim[j]!;
      const extra = (w * (1 - cSim[j]!)) / maxIdf;
      if (extra > extraRare) extraRare = extra;
      const text = index.tokens[cand[j]!]!;
      candTexts.push(text);
      if (/^[0-9]+$/.test(text)) (candNumbers ??= []).push(text);
    }
    const recall = qw > 0 ? qMatched / qw : 0;
    const precision = cw > 0 ? cMatched / cw : 0;
    const tokenF1 = recall + precision > 0 ? (2 * recall * precision) / (recall + precision) : 0;
    // Sorted in place (code-unit order, as the default sort of strings): no copy.
    for (let a = 1; a < candTexts.length; a++) {
      const text = candTexts[a]!;
      let b = a;
      for (; b > 0 && candTexts[b - 1]! > text; b--) candTexts[b] = candTexts[b - 1]!;
      candTexts[b] = text;
    }
    const sortedCand = candTexts.join(' ');
    const edit = editSimilarity(qv.sortedJoined, sortedCand);
    // The name's normalized key sorts all its tokens: with no repeated token it is `sortedCand`; with
    // one it repeats a word, which the query's key (distinct tokens) never does.
    const exactNormalized = candCount === n && qv.sortedKey === sortedCand;
    let numberConflict = false;
    if (qv.numbers.size > 0 && candNumbers !== undefined) numberConflict = !candNumbers.some((x) => qv.numbers.has(x));
    const nameScore = 0.6 * tokenF1 + 0.4 * edit;
    return { recall, precision, tokenF1, edit, exactNormalized, missingRare, extraRare, numberConflict, nameScore };
  }
}

interface PairScore {
  recall: number;
  precision: number;
  tokenF1: number;
  edit: number;
  exactNormalized: boolean;
  missingRare: number;
  extraRare: number;
  numberConflict: boolean;
  nameScore: number;
}

interface AddressAgreement {
  zip: Agreement;
  zipArea: Agreement;
  city: Agreement;
  state: Agreement;
  street: Agreement;
  identifier: Agreement;
}

/** The `k` of the first `n` slots with the highest scores (a bounded selection, not a full sort). */
function topSlots(slotList: Int32Array, n: number, scores: Float32Array, k: number): number[] {
  if (n <= k) return Array.from(slotList.subarray(0, n)).sort((a, b) => scores[b]! - scores[a]!);
  // Min-heap of size k over scores.
  const heap: number[] = [];
  const less = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let s = i;
      if (l < heap.length && less(heap[l]!, heap[s]!)) s = l;
      if (r < heap.length && less(heap[r]!, heap[s]!)) s = r;
      if (s === i) break;
      [heap[i], heap[s]] = [heap[s]!, heap[i]!];
      i = s;
    }
  };
  for (let i = 0; i < n; i++) {
    const s = slotList[i]!;
    if (heap.length < k) {
      heap.push(s);
      up(heap.length - 1);
    } else if (less(heap[0]!, s)) {
      heap[0] = s;
      down(0);
    }
  }
  return heap.sort((a, b) => scores[b]! - scores[a]!);
}
