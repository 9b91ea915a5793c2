// Cost of the fuzzy vocabulary look-up per DEV query token (cold cache): CPU by token length, the
// costliest tokens, with how many neighbours they verified. Diagnostic only.
//
//   node dist/scripts/expand-cost.js [--top 30]
import { normalizeName } from '../src/domain/normalize.js';
import { loadDevSetup, parseArgs } from './dev-setup.js';

const args = parseArgs();
const { net, queries } = await loadDevSetup(args);
const index = net.index;
const tokens = new Set<string>();
for (const q of queries) {
  const parts = normalizeName(q.name);
  for (const n of [parts.main, ...parts.alternates]) for (const t of n.tokens) tokens.add(t);
}
const fuzzyTokens = [...tokens].filter((t) => {
  const id = index.tokenId(t);
  return (id >= 0 ? index.df.get(id) : 0) < 500;
});
// Warm the JIT.
for (const t of fuzzyTokens.slice(0, 500)) index.expand(t, { fuzzy: true });
const rounds = Number(args.get('rounds') ?? 3);
const cost = new Map<string, number>();
for (let r = 0; r < rounds; r++) {
  for (const t of fuzzyTokens) {
    index.clearCaches();
    const c = process.cpuUsage();
    index.expand(t, { fuzzy: true });
    const d = process.cpuUsage(c);
    const ms = (d.user + d.system) / 1000;
    cost.set(t, Math.min(cost.get(t) ?? Infinity, ms));
  }
}
const byLength = new Map<number, { n: number; ms: number }>();
for (const [t, ms] of cost) {
  const k = Math.min(t.length, 12);
  const e = byLength.get(k) ?? { n: 0, ms: 0 };
  e.n += 1;
  e.ms += ms;
  byLength.set(k, e);
}
const total = [...cost.values()].reduce((a, b) => a + b, 0);
console.log(`fuzzy tokens ${fuzzyTokens.length}, total ${total.toFixed(0)} ms (min of ${rounds} rounds)`);
for (const [k, e] of [...byLength].sort((a, b) => a[0] - b[0])) console.log(`len ${k}: n ${e.n} total ${e.ms.toFixed(0)} ms mean ${(e.ms / e.n).toFixed(3)} ms`);
for (const [t, ms] of [...cost].sort((a, b) => b[1] - a[1]).slice(0, Number(args.get('top') ?? 30))) console.log(`${ms.toFixed(2)} ms ${t}`);
