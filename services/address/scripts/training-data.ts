// Reading the usaddress-style labeled XML (../shared/data/labeled), the fixed held-out split, and the
// mapping of gold token labels onto our tokenizer's tokens. Used by the training export and the
// evaluation only — never by the service at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LABELS, type Label } from '../src/domain/labels.js';
import { tokenize, type Token } from '../src/domain/tokens.js';

export interface GoldToken {
  text: string;
  start: number;
  end: number;
  label: Label;
}

export interface LabeledAddress {
  /** The address text reconstructed from the XML (element texts and the separators between them). */
  text: string;
  gold: GoldToken[];
  source: string;
}

const TAG_ALIASES: Record<string, Label> = { suffix: 'StreetNamePostDirectional' };
const LABEL_SET = new Set<string>(LABELS);

const unescape = (s: string) =>
  s.replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

export function readLabeledXml(path: string, source = path.split('/').pop()!): LabeledAddress[] {
  const raw = readFileSync(path);
  const xml = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const out: LabeledAddress[] = [];
  for (const m of xml.matchAll(/<AddressString>([\s\S]*?)<\/AddressString>/g)) {
    const body = m[1]!;
    let text = '';
    const gold: GoldToken[] = [];
    let ok = true;
    let pos = 0;
    for (const e of body.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)) {
      text += unescape(body.slice(pos, e.index)).replace(/^\s+/, text === '' ? '' : ' ').replace(/\s+/g, (w) => (w.includes('\n') ? '\n' : ' '));
      const tag = e[1]!;
      const label = (LABEL_SET.has(tag) ? tag : TAG_ALIASES[tag]) as Label | undefined;
      if (!label) ok = false;
      const tokenText = unescape(e[2]!).trim();
      gold.push({ text: tokenText, start: text.length, end: text.length + tokenText.length, label: label ?? 'NotAddress' });
      text += tokenText;
      pos = e.index + e[0].length;
    }
    if (ok && gold.length > 0) out.push({ text, gold, source });
  }
  return out;
}

/** FNV-1a of the lower-cased, space-collapsed text: the split never depends on file order. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The fixed held-out split of usaddress-train.xml: 20% of records by hash. Never tuned on. */
export function isHeldOut(a: LabeledAddress): boolean {
  return fnv1a(a.text.toLowerCase().replace(/\s+/g, ' ').trim()) % 5 === 0;
}

/** Deterministic k-fold assignment for cross-validation inside the training part. */
export function foldOf(a: LabeledAddress, k: number): number {
  return fnv1a(`fold:${a.text.toLowerCase().replace(/\s+/g, ' ').trim()}`) % k;
}

/**
 * Labels of our tokens from the gold tokens: a token takes the label of the gold token holding its first
 * character (gold tokens and ours differ only where the tokenizer splits "#12" or drops lone punctuation).
 */
export function labelTokens(tokens: Token[], gold: GoldToken[]): Label[] {
  return tokens.map((t) => {
    const g = gold.find((x) => t.start >= x.start && t.start < x.end) ?? gold.find((x) => x.start >= t.start && x.start < t.end);
    return g?.label ?? 'NotAddress';
  });
}

export function tokenizeLabeled(a: LabeledAddress): { tokens: Token[]; labels: Label[] } {
  const tokens = tokenize(a.text);
  return { tokens, labels: labelTokens(tokens, a.gold) };
}

export function dataDir(): string {
  return process.env.CLARITY_SHARED_DATA ?? new URL('../../../../../shared/data/', import.meta.url).pathname;
}

/** mulberry32: a small seeded generator, so every export is reproducible. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of the training export's generator; its first draws pick the synthetic OSM sample. */
export const EXPORT_SEED = 12345;
/** The share of each synthetic OSM set the training export uses (CLARITY_EXPORT_OSM overrides it there). */
export const EXPORT_OSM_SHARE = 0.12;

/**
 * The two synthetic OSM sets split into the sample the training export uses (each record with probability
 * `share`, drawn from `rand` in file order) and the rest, which the model never sees.
 */
export function osmSplit(share: number, rand: () => number): { used: LabeledAddress[]; unused: LabeledAddress[] } {
  const dir = join(dataDir(), 'labeled');
  const used: LabeledAddress[] = [];
  const unused: LabeledAddress[] = [];
  for (const file of ['usaddress-train-synthetic-osm.xml.gz', 'usaddress-train-synthetic-osm-clean.xml.gz']) {
    for (const a of readLabeledXml(join(dir, file))) (rand() < share ? used : unused).push(a);
  }
  return { used, unused };
}
