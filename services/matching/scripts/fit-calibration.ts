// Fits the score calibration (a logistic model over the rerank's features) on the TRAIN split of a
// generated query set, and writes src/domain/calibration.json. The benchmark reports its figures on
// the EVAL split (other suppliers, other absent names, another seed), never on these queries.
//
//   npm run fit:calibration -w @clarity/matching     (reads ../shared/data; ~2-4 minutes)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEATURE_NAMES, FEATURE_SIGNS, PRIOR_MODEL, logistic, type CalibrationModel } from '../src/domain/calibration.js';
import { addressContradicts, DEFAULT_ADDRESS_CONFLICT_CAP, Matcher } from '../src/domain/matcher.js';
import { loadInProcess } from './in-process.js';
import { queryOf } from './metrics.js';
import { sharedDataDir } from './network-files.js';
import { buildQueries, equivalent, heldOutIds, idsByStrictName, loadAbsentNames, strictKey } from './queries.js';

const SEED = 20_240_601;
const PRESENT = Number(process.env.FIT_PRESENT ?? 10_000);
const ABSENT = Number(process.env.FIT_ABSENT ?? 3_000);
// Held-out suppliers (a real business absent from the network as the matcher sees it) and namesakes
// (one whose name another supplier elsewhere bears): the negatives that teach the model what a
// contradicting address means.
const HELD_OUT = Number(process.env.FIT_HELD_OUT ?? 1_500);
const NAMESAKES = Number(process.env.FIT_NAMESAKES ?? 1_500);
const L2 = 1e-3;

const net = await loadInProcess();
console.error(`network: ${net.records.length} suppliers (parse ${net.parseSeconds.toFixed(1)} s, index ${net.buildSeconds.toFixed(1)} s)`);
const absentNames = await loadAbsentNames(sharedDataDir(), new Set(net.records.map((r) => strictKey(r.name))));
const queries = buildQueries(net.records, absentNames, { split: 'train', seed: SEED, present: PRESENT, absent: ABSENT, heldOut: HELD_OUT, namesakes: NAMESAKES });
const byName = idsByStrictName(net.records);
const matcher = new Matcher(net.index, PRIOR_MODEL, { poolSize: 40 });

const d = FEATURE_NAMES.length;
const xs: Float64Array[] = [];
const ys: number[] = [];
const capped: boolean[] = [];
const byQuery: Array<{ present: boolean; kind: string; rows: number[] }> = [];
for (const q of queries) {
  const exclude = q.hidden ? new Set(heldOutIds(q, net.byId, byName).map((id) => net.index.slot(id)).filter((s): s is number => s !== undefined)) : undefined;
  const cands = matcher.candidatesWithFeatures(queryOf(q), { exclude });
  const truth = q.truth ? net.byId.get(q.truth) : undefined;
  const rows: number[] = [];
  for (const c of cands) {
    rows.push(xs.length);
    xs.push(c.features.values);
    capped.push(addressContradicts(c.features, c.features.nameScore));
    ys.push(truth && equivalent(net.byId.get(c.info.id), truth, q) ? 1 : 0);
  }
  byQuery.push({ present: Boolean(q.truth), kind: q.kind, rows });
}
console.error(`training rows: ${xs.length} candidates from ${queries.length} queries (${ys.filter((y) => y === 1).length} positive)`);

// Sign constraints (FEATURE_SIGNS in calibration.ts): fitted freely, the weights broke them on the generated
// queries' quirks (every namesake negative is an exact name; most absent-truth queries carry an address).
const sign = FEATURE_NAMES.map((f) => FEATURE_SIGNS[f] ?? 0);

/** Logistic regression by Newton-Raphson (IRLS) with a small ridge penalty; features in `fixed` stay at 0. */
function fit(fixed: ReadonlySet<number>): { w: Float64Array; g: Float64Array } {
  let w = new Float64Array(d);
  let g = new Float64Array(d);
  for (let iter = 0; iter < 25; iter++) {
    g = new Float64Array(d);
    const h = new Float64Array(d * d);
    for (let n = 0; n < xs.length; n++) {
      const x = xs[n]!;
      let z = 0;
      for (let i = 0; i < d; i++) z += w[i]! * x[i]!;
      const p = logistic(z);
      const r = p - ys[n]!;
      const s = Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i < d; i++) {
        if (x[i] === 0) continue;
        g[i]! += r * x[i]!;
        for (let j = 0; j < d; j++) h[i * d + j]! += s * x[i]! * x[j]!;
      }
    }
    for (let i = 0; i < d; i++) {
      g[i]! += L2 * w[i]! * xs.length * 1e-3;
      h[i * d + i]! += L2 * xs.length * 1e-3 + 1e-6;
    }
    // A fixed feature: its row and column leave the system (unit diagonal, zero gradient: no step).
    const gs = Float64Array.from(g);
    for (const i of fixed) {
      for (let j = 0; j < d; j++) h[i * d + j] = h[j * d + i] = 0;
      h[i * d + i] = 1;
      gs[i] = 0;
    }
    const step = solve(h, gs, d);
    let max = 0;
    const next = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      next[i] = fixed.has(i) ? 0 : w[i]! - step[i]!;
      max = Math.max(max, Math.abs(step[i]!));
    }
    w = next;
    if (max < 1e-6) break;
  }
  return { w, g };
}

// Active set: a feature whose fitted weight has the wrong sign is held at 0 and the rest refitted; a held
// feature whose gradient points back into its allowed side is released.
const fixed = new Set<number>();
let w: Float64Array = new Float64Array(d);
for (let round = 0; round < 40; round++) {
  const r = fit(fixed);
  w = r.w;
  const violators = sign.flatMap((sg, i) => (sg !== 0 && !fixed.has(i) && sg * w[i]! < -1e-9 ? [i] : []));
  if (violators.length > 0) {
    // One at a time, the worst first: fixing one often mends the others.
    const worst = violators.reduce((a, b) => (sign[a]! * w[a]! < sign[b]! * w[b]! ? a : b));
    fixed.add(worst);
    continue;
  }
  const release = [...fixed].filter((i) => sign[i]! * -r.g[i]! > 1e-6);
  if (release.length === 0) break;
  for (const i of release) fixed.delete(i);
}
console.error(`held at 0 by the sign constraints: ${[...fixed].map((i) => FEATURE_NAMES[i]).join(', ') || 'none'}`);

function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  // Gaussian elimination with partial pivoting.
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k]!, m[c * n + k]!];
      [x[c], x[p]] = [x[p]!, x[c]!];
    }
    const piv = m[c * n + c]! || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / (m[r * n + r]! || 1e-12);
  }
  return x;
}

// Query-level outcome of a threshold on the training split (for choosing defaults).
// Scores as the service gives them: the address-conflict cap applies after the model.
const scores = xs.map((x, n) => {
  const p = logistic(x.reduce((s, v, i) => s + v * w[i]!, 0));
  return capped[n] ? Math.min(p, DEFAULT_ADDRESS_CONFLICT_CAP) : p;
});
const table: Array<Record<string, number>> = [];
for (const t of [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]) {
  let absent = 0;
  let absentMatched = 0;
  let heldOut = 0;
  let heldOutMatched = 0;
  let present = 0;
  let rightMatched = 0;
  let wrongMatched = 0;
  for (const q of byQuery) {
    let best = -1;
    for (const r of q.rows) if (best < 0 || scores[r]! > scores[best]!) best = r;
    const matched = best >= 0 && scores[best]! >= t;
    if (q.present) {
      present += 1;
      if (matched && ys[best] === 1) rightMatched += 1;
      if (matched && ys[best] === 0) wrongMatched += 1;
    } else if (q.kind === 'absent') {
      absent += 1;
      if (matched) absentMatched += 1;
    } else {
      heldOut += 1;
      if (matched) heldOutMatched += 1;
    }
  }
  table.push({
    threshold: t,
    auto_match_rate: rightMatched / present,
    wrong_match_rate: wrongMatched / present,
    absent_false_match_rate: absentMatched / absent,
    held_out_false_match_rate: heldOutMatched / Math.max(heldOut, 1),
  });
}
console.table(table);

const model: CalibrationModel = {
  version: 1,
  features: FEATURE_NAMES,
  weights: [...w].map((v) => Number(v.toFixed(6))),
  trainedOn: `scripts/fit-calibration.ts: TRAIN split, seed ${SEED}, ${PRESENT} present + ${ABSENT} absent + ${HELD_OUT} held-out + ${NAMESAKES} namesake queries, ${xs.length} candidates; logistic regression (IRLS, ridge) with sign constraints (held at 0: ${[...fixed].map((i) => FEATURE_NAMES[i]).join(', ') || 'none'})`,
};
const out = fileURLToPath(new URL('../../src/domain/calibration.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
console.error(`wrote ${out}`);
