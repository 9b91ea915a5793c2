// Interleaved A/B of two builds of the matcher on the DEV query set (TRAIN half, as dev-eval): one
// process, the network parsed once, an index built by each build's own SupplierIndex, and every query
// run by both matchers back to back (alternating which goes first) so host load hits both alike.
// Each index keeps its own fuzzy cache, cleared once before the pass (as the benchmark's first pass).
// Reports CPU and wall percentiles per build and whether every top 5 (ids and scores) is identical.
//
//   cp -r dist dist-base   # before the change; then rebuild
//   node dist/scripts/ab-queries.js --base ./dist-base [--present 3000 ...]
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SETTINGS } from '../src/config.js';
import { loadCalibration } from '../src/domain/calibration.js';
import { devQueries, parseArgs } from './dev-setup.js';
import { latencyStats, queryOf } from './metrics.js';
import { loadNetwork } from './network-files.js';
import { heldOutIds, type BenchQuery } from './queries.js';
import { indexEntryOf, supplierId, type SupplierDoc, type SupplierRecord } from '../src/domain/supplier.js';

const args = parseArgs();
const baseDir = resolve(args.get('base') ?? './dist-base');
const newDir = resolve(import.meta.dirname, '..');

interface Build {
  name: string;
  index: any;
  matcher: any;
}

async function build(name: string, dir: string, records: SupplierRecord[]): Promise<Build> {
  const url = (p: string) => pathToFileURL(resolve(dir, p)).href;
  const { SupplierIndex } = await import(url('src/domain/supplier-index.js'));
  const { Matcher } = await import(url('src/domain/matcher.js'));
  const index = new SupplierIndex();
  index.beginBuild();
  const now = new Date();
  let seq = 0;
  for (const r of records) {
    const doc: SupplierDoc = { _id: supplierId(r.source, r.sourceId), ...r, hash: '', createTime: now, updateTime: now, seq: ++seq };
    index.upsert(indexEntryOf(doc));
  }
  index.freeze();
  return { name, index, matcher: new Matcher(index, loadCalibration(), { poolSize: DEFAULT_SETTINGS.poolSize }) };
}

const { records } = await loadNetwork();
const byId = new Map<string, SupplierRecord>(records.map((r) => [supplierId(r.source, r.sourceId), r]));
const builds = [await build('base', baseDir, records), await build('new', newDir, records)];
const { queries, byName } = await devQueries(records, args);
const excludeOf = (b: Build, q: BenchQuery): Set<number> | undefined =>
  q.hidden ? new Set(heldOutIds(q, byId, byName).map((id) => b.index.slot(id)).filter((s: number | undefined): s is number => s !== undefined)) : undefined;

// Warm the JIT on both, then start cold caches.
for (const q of queries.slice(0, 300)) for (const b of builds) b.matcher.match(queryOf(q), 5, { exclude: excludeOf(b, q) });
for (const b of builds) b.index.clearCaches();
const stats = builds.map(() => ({ cpu: [] as number[], wall: [] as number[], outputs: [] as unknown[] }));
const load0 = loadavg();
let differing = 0;
const examples: string[] = [];
queries.forEach((q, n) => {
  const order = n % 2 === 0 ? [0, 1] : [1, 0];
  const results: string[] = [];
  for (const i of order) {
    const b = builds[i]!;
    const exclude = excludeOf(b, q);
    const query = queryOf(q);
    const c = process.cpuUsage();
    const t = performance.now();
    const out = b.matcher.match(query, 5, { exclude });
    const wall = performance.now() - t;
    const cd = process.cpuUsage(c);
    stats[i]!.wall.push(wall);
    stats[i]!.cpu.push((cd.user + cd.system) / 1000);
    const ranked = { ids: out.candidates.map((c: any) => c.info.id), scores: out.candidates.map((c: any) => c.score) };
    stats[i]!.outputs.push(ranked);
    results[i] = JSON.stringify(ranked);
  }
  if (results[0] !== results[1]) {
    differing += 1;
    if (examples.length < 10) examples.push(`${q.name} | ${results[0]} | ${results[1]}`);
  }
});
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  JSON.stringify(
    {
      queries: queries.length,
      load: [load0, loadavg()].map((l) => l.map((x) => Number(x.toFixed(2)))),
      ...Object.fromEntries(
        builds.map((b, i) => [
          b.name,
          {
            cpu: { ...latencyStats(stats[i]!.cpu), mean_ms: Number(mean(stats[i]!.cpu).toFixed(3)), over_5ms: stats[i]!.cpu.filter((x) => x > 5).length },
            wall: { ...latencyStats(stats[i]!.wall), mean_ms: Number(mean(stats[i]!.wall).toFixed(3)) },
            outputs_sha256: createHash('sha256').update(JSON.stringify(stats[i]!.outputs)).digest('hex').slice(0, 16),
          },
        ]),
      ),
      queries_with_different_top5: differing,
      examples,
    },
    null,
    1,
  ),
);
