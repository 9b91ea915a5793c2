// Where the query time goes: runs the DEV query set once (cold fuzzy caches) with CPU time per
// phase (prepare, candidate generation, rerank) and lists the slowest queries with their phases.
// For a function-level view run it under `node --cpu-prof`.
//
//   node dist/scripts/profile-queries.js [--seed 4242] [--present 3000] [--absent 1000] [--top 40]
import { loadavg } from 'node:os';
import { Matcher } from '../src/domain/matcher.js';
import { loadDevSetup, parseArgs } from './dev-setup.js';
import { latencyStats, queryOf } from './metrics.js';

const args = parseArgs();
const num = (k: string, d: number) => Number(args.get(k) ?? d);
const { net, queries, matcher, excludeOf } = await loadDevSetup(args);

// Phase timers wrapped around the matcher's own methods (private in TypeScript, plain at run time).
type Phase = 'prepare' | 'generate' | 'rerank';
const phaseMs: Record<Phase, number> = { prepare: 0, generate: 0, rerank: 0 };
const proto = Matcher.prototype as unknown as Record<Phase, (...a: unknown[]) => unknown>;
for (const name of ['prepare', 'generate', 'rerank'] as Phase[]) {
  const original = proto[name]!;
  proto[name] = function (this: unknown, ...a: unknown[]) {
    const c = process.cpuUsage();
    try {
      return original.apply(this, a);
    } finally {
      const d = process.cpuUsage(c);
      phaseMs[name] += (d.user + d.system) / 1000;
    }
  };
}
for (const q of queries.slice(0, 300)) matcher.match(queryOf(q), 5, { exclude: excludeOf(q) });
net.index.clearCaches();
const rows: Array<{ name: string; kind: string; cpu: number; prepare: number; generate: number; rerank: number }> = [];
const load0 = loadavg();
for (const q of queries) {
  const exclude = excludeOf(q);
  phaseMs.prepare = phaseMs.generate = phaseMs.rerank = 0;
  const c = process.cpuUsage();
  matcher.match(queryOf(q), 5, { exclude });
  const d = process.cpuUsage(c);
  rows.push({ name: q.name, kind: `${q.kind}/${q.address}`, cpu: (d.user + d.system) / 1000, ...phaseMs });
}
const sum = (k: Phase | 'cpu') => rows.reduce((s, r) => s + r[k], 0) / rows.length;
const tail = rows.filter((r) => r.cpu > 5);
const tailShare = (k: Phase) => tail.reduce((s, r) => s + r[k], 0) / Math.max(1, tail.reduce((s, r) => s + r.cpu, 0));
console.log(
  JSON.stringify(
    {
      load: [load0, loadavg()].map((l) => l.map((x) => Number(x.toFixed(2)))),
      cpu: latencyStats(rows.map((r) => r.cpu)),
      mean_ms: { cpu: sum('cpu'), prepare: sum('prepare'), generate: sum('generate'), rerank: sum('rerank') },
      over_5ms: { n: tail.length, share_prepare: tailShare('prepare'), share_generate: tailShare('generate'), share_rerank: tailShare('rerank') },
      slowest: rows
        .sort((a, b) => b.cpu - a.cpu)
        .slice(0, num('top', 40))
        .map((r) => `${r.cpu.toFixed(1)} p${r.prepare.toFixed(1)} g${r.generate.toFixed(1)} r${r.rerank.toFixed(1)} [${r.kind}] ${r.name}`),
    },
    null,
    1,
  ),
);
