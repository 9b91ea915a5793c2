// Development evaluation: the matcher on a DEV query set (TRAIN half of the network and of the
// absent names, a seed of its own), never on the benchmark's EVAL half. Prints the figures and
// writes every miss and false match to a file for inspection.
//
//   node dist/scripts/dev-eval.js [--seed 4242] [--present 3000] [--absent 1000] [--held-out 600] [--namesakes 600] [--misses /tmp/misses.txt]
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DEFAULT_SETTINGS } from '../src/config.js';
import { loadDevSetup, parseArgs } from './dev-setup.js';
import { accuracy, latencyStats, queryOf, reliability, type Ranked } from './metrics.js';
import { equivalent } from './queries.js';

const args = parseArgs();
const { net, queries, matcher, excludeOf } = await loadDevSetup(args);
console.error(`network ${net.records.length} (parse ${net.parseSeconds.toFixed(1)} s, index ${net.buildSeconds.toFixed(1)} s)`);
for (const q of queries.slice(0, 300)) matcher.match(queryOf(q), 5, { exclude: excludeOf(q) });
net.index.clearCaches();
const ranked = new Map<number, Ranked>();
const ms: number[] = [];
const cpuMs: number[] = [];
const load0 = loadavg();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const q of queries) {
  const exclude = excludeOf(q);
  const c = process.cpuUsage();
  const t = performance.now();
  const out = matcher.match(queryOf(q), 5, { exclude });
  ms.push(performance.now() - t);
  const cd = process.cpuUsage(c);
  cpuMs.push((cd.user + cd.system) / 1000);
  ranked.set(q.n, { ids: out.candidates.map((c) => c.info.id), scores: out.candidates.map((c) => c.score) });
}
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const acc = accuracy(queries, ranked, net.byId, DEFAULT_SETTINGS.matchThreshold);
const { top1, ...figures } = acc;
console.log(
  JSON.stringify(
    {
      load: [load0, loadavg()].map((l) => l.map((x) => Number(x.toFixed(2)))),
      latency: latencyStats(ms),
      cpu_latency: latencyStats(cpuMs),
      // Fingerprint of every query's top 5 (ids and scores): a speed-only change must keep it.
      outputs_sha256: createHash('sha256')
        .update(JSON.stringify(queries.map((q) => ranked.get(q.n))))
        .digest('hex')
        .slice(0, 16),
      cpu_ms_per_query: Number(((cpu.user + cpu.system) / 1000 / queries.length).toFixed(3)),
      wall_ms_per_query: Number((wall / queries.length).toFixed(3)),
      ...figures,
      reliability: reliability(top1).expected_calibration_error,
    },
    null,
    1,
  ),
);
const lines: string[] = [];
for (const q of queries) {
  const r = ranked.get(q.n)!;
  const truth = q.truth;
  const rank = truth ? r.ids.findIndex((id) => id === truth) : -1;
  const top = r.ids[0];
  const s = r.scores[0] ?? 0;
  const wrongTop = truth ? top !== truth : s >= DEFAULT_SETTINGS.matchThreshold;
  if (!wrongTop) continue;
  const show = (id: string | undefined) => {
    const rec = id ? net.byId.get(id) : undefined;
    return rec ? `${id} "${rec.name}" ${rec.address.city} ${rec.address.state} ${rec.address.postalCode}` : '-';
  };
  lines.push(
    `[${q.kind}/${q.address}] "${q.name}" ${q.street ?? ''} | ${q.city ?? ''} ${q.state ?? ''} ${q.zip ?? ''}\n  truth: ${show(truth ?? q.hidden)} rank ${rank}\n  top:   ${show(top)} ${s.toFixed(3)}${r.ids[1] ? `\n  2nd:   ${show(r.ids[1])} ${r.scores[1]!.toFixed(3)}` : ''}`,
  );
}
writeFileSync(args.get('misses') ?? '/tmp/m2/misses.txt', `${lines.join('\n')}\n`);
// Present queries with no correct candidate in the top 5 (what recall@5 counts), with the top 3 shown.
if (args.get('misses5')) {
  const out: string[] = [];
  for (const q of queries) {
    if (!q.truth) continue;
    const r = ranked.get(q.n)!;
    const truth = net.byId.get(q.truth);
    if (r.ids.some((id) => equivalent(net.byId.get(id), truth, q))) continue;
    const show = (id: string) => {
      const rec = net.byId.get(id);
      return rec ? `${id} "${rec.name}" ${rec.address.city} ${rec.address.state} ${rec.address.postalCode}` : id;
    };
    out.push(`[${q.kind}/${q.address}] "${q.name}" ${q.street ?? ''} | ${q.city ?? ''} ${q.state ?? ''} ${q.zip ?? ''}\n  truth: ${show(q.truth)}\n${r.ids.slice(0, 3).map((id, i) => `  ${i + 1}: ${show(id)} ${r.scores[i]!.toFixed(3)}`).join('\n')}`);
  }
  writeFileSync(args.get('misses5')!, `${out.join('\n')}\n`);
}
// The slowest queries, to find the tail (wall and CPU milliseconds).
const slow = queries.map((q, i) => ({ q, wall: ms[i]!, cpu: cpuMs[i]! })).sort((a, b) => b.wall - a.wall).slice(0, 200);
if (args.get('slow')) writeFileSync(args.get('slow')!, slow.map((s) => `${s.wall.toFixed(2)}\t${s.cpu.toFixed(2)}\t[${s.q.kind}/${s.q.address}] ${s.q.name}`).join('\n') + '\n');
