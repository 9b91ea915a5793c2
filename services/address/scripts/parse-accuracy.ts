// How parse accuracy is measured — one rule for every parser compared:
//   * gold tokens are the XML elements of a record, each with its label; the parser gets the record's text
//     (element texts with the original separators) and returns labeled tokens with character offsets;
//   * a gold token's predicted label is the label of the predicted token that holds the gold token's first
//     letter or digit ("#" and "&" tokens: their first character); a gold token no predicted token covers
//     counts as wrong; punctuation attached to tokens ("Street,", "St.") is therefore ignored;
//   * whole-address exact accuracy = share of records whose every gold token is right; per-component
//     accuracy = for each gold label, share of its tokens predicted with that label (recall); a record the
//     parser fails on (exception) counts every token as wrong.
import type { LabeledAddress } from './training-data.js';

export interface PredictedToken {
  start: number;
  end: number;
  label: string;
}

export interface AccuracyReport {
  records: number;
  exactRecords: number;
  wholeAddressAccuracy: number;
  tokens: number;
  tokenAccuracy: number;
  failures: number;
  perComponent: Record<string, { tokens: number; accuracy: number }>;
}

export function anchorOf(text: string, start: number, end: number): number {
  for (let k = start; k < end; k++) if (/[\p{L}\p{N}]/u.test(text[k]!)) return k;
  return start;
}

export function scoreRecords(records: LabeledAddress[], predictions: Array<PredictedToken[] | null>): AccuracyReport & { wrong: number[] } {
  let exact = 0;
  let tokens = 0;
  let right = 0;
  let failures = 0;
  const per = new Map<string, { n: number; ok: number }>();
  const wrong: number[] = [];
  records.forEach((rec, r) => {
    const pred = predictions[r];
    if (pred === null || pred === undefined) failures += 1;
    let allRight = true;
    for (const g of rec.gold) {
      const anchor = anchorOf(rec.text, g.start, g.end);
      const p = pred?.find((t) => anchor >= t.start && anchor < t.end);
      const ok = p !== undefined && p.label === g.label;
      tokens += 1;
      if (ok) right += 1;
      else allRight = false;
      const s = per.get(g.label) ?? { n: 0, ok: 0 };
      s.n += 1;
      if (ok) s.ok += 1;
      per.set(g.label, s);
    }
    if (allRight) exact += 1;
    else wrong.push(r);
  });
  const perComponent: AccuracyReport['perComponent'] = {};
  for (const [label, s] of [...per].sort((a, b) => b[1].n - a[1].n)) perComponent[label] = { tokens: s.n, accuracy: round4(s.ok / s.n) };
  return {
    records: records.length,
    exactRecords: exact,
    wholeAddressAccuracy: round4(exact / Math.max(1, records.length)),
    tokens,
    tokenAccuracy: round4(right / Math.max(1, tokens)),
    failures,
    perComponent,
    wrong,
  };
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;
