// npm run bench:matching — the matching benchmark on the real 424K network of ../shared/data/suppliers.
//
// 1. The real service process (file-backed embedded store): every network file imported through
//    ImportSuppliers (as the CLI streams it), then the process restarted to time the index build
//    from the store, its RSS after loading and after the query load, sequential gRPC Match latency
//    and MatchBatch throughput.
// 2. The matcher in this process on the same network: single-threaded per-query latency and
//    accuracy on the EVAL query set (recall@1, recall@5, false-match rate at the default threshold,
//    wrong-match rate, reliability of the scores).
// 3. PostgreSQL pg_trgm (GIN, ranked by similarity) and RapidFuzz extractOne (WRatio) on the same
//    names and a sample of the same queries.
// Prints one JSON document (also written to bench-results/).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHealth, createServiceClient, freePort } from '@clarity/kit';
import { MatchDecision, MatchingServiceDefinition, type ImportSuppliersRequest } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import { DEFAULT_SETTINGS } from '../src/config.js';
import { loadCalibration } from '../src/domain/calibration.js';
import { Matcher } from '../src/domain/matcher.js';
import { normalizeName } from '../src/domain/normalize.js';
import { loadInProcess, type InProcessNetwork } from './in-process.js';
import { accuracy, latencyStats, queryOf, r4, reliability, type Ranked } from './metrics.js';
import { networkFiles, sharedDataDir } from './network-files.js';
import { buildQueries, heldOutIds, idsByStrictName, loadAbsentNames, strictKey, type BenchQuery } from './queries.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a.startsWith('--')) args.set(a.slice(2), process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[++i]! : 'true');
}
const PRESENT = Number(args.get('present') ?? 5000);
const ABSENT = Number(args.get('absent') ?? 1500);
const HELD_OUT = Number(args.get('held-out') ?? 750);
const NAMESAKES = Number(args.get('namesakes') ?? 750);
const BASELINE_SAMPLE = Number(args.get('baseline-sample') ?? 400);
const GRPC_SAMPLE = Number(args.get('grpc-sample') ?? 1000);
const SEED = 777;
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../../../..');
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
function vmRss(pid: number): { rss_mb: number; hwm_mb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss_mb: Math.round(kb('VmRSS') / 1024), hwm_mb: Math.round(kb('VmHWM') / 1024) };
}

async function startServiceProcess(dataDir: string, extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; address: string; secondsToServing: number }> {
  const port = await freePort();
  const started = performance.now();
  // The flags the local mesh starts the service with (services/cli/src/mesh/components.ts, MATCHING_NODE_ARGS).
  const child = spawn(process.execPath, ['--max-semi-space-size=8', join(repoRoot, 'services/matching/dist/src/main.js')], {
    env: { ...process.env, CLARITY_DATA_DIR: dataDir, CLARITY_GRPC_PORT: String(port), CLARITY_METRICS_ENABLED: 'false', CLARITY_LOG_LEVEL: 'warn', MONGODB_URI: '', ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const address = `127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`matching service exited with ${child.exitCode}`);
    if ((await checkHealth(address, 'clarity.matching.v1.MatchingService')).status === 'SERVING') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, address, secondsToServing: (performance.now() - started) / 1000 };
}

async function stopServiceProcess(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

async function serviceBench(queries: BenchQuery[]) {
  const dataDir = args.get('data-dir') ?? mkdtempSync(join(tmpdir(), 'clarity-bench-'));
  const reuse = args.has('data-dir') && args.get('reuse') === 'true';
  const out: Record<string, unknown> = { store: `embedded, file-backed (${dataDir})` };
  let svc = await startServiceProcess(dataDir);
  if (!reuse) {
    log('importing the network through ImportSuppliers…');
    const client = createServiceClient(MatchingServiceDefinition, svc.address, { defaultTimeoutMs: 3_600_000 });
    const t0 = performance.now();
    const totals = { rows_read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
    for (const f of networkFiles()) {
      async function* requests(): AsyncGenerator<ImportSuppliersRequest> {
        yield { header: { format: f.format, fileName: f.path, source: '', columnMapping: {}, dryRun: false, gzip: true } };
        for await (const chunk of createReadStream(f.path, { highWaterMark: 256 * 1024 })) yield { chunk: chunk as Buffer };
      }
      const res = await client.importSuppliers(requests());
      totals.rows_read += res.rowsRead;
      totals.inserted += res.inserted;
      totals.updated += res.updated;
      totals.unchanged += res.unchanged;
      totals.rejected += res.rejected;
    }
    const seconds = (performance.now() - t0) / 1000;
    out.import = { ...totals, files: networkFiles().length, seconds: r4(seconds), rows_per_second: Math.round(totals.rows_read / seconds), load_after: loadavg().map((x) => r4(x)) };
    log(`imported ${totals.rows_read} rows in ${seconds.toFixed(1)} s`);
    client.close();
    await stopServiceProcess(svc.child); // writes the index snapshot
  } else {
    await stopServiceProcess(svc.child);
  }
  // The honest cold path: snapshots off, every document read from the store and indexed.
  svc = await startServiceProcess(dataDir, { CLARITY_MATCHING_INDEX_SNAPSHOT: 'off' });
  {
    const client = createServiceClient(MatchingServiceDefinition, svc.address, { defaultTimeoutMs: 600_000 });
    const stats = await client.getIndexStats({});
    out.index_full_rebuild_from_store = {
      suppliers: stats.supplierCount,
      build_seconds: r4(stats.buildSeconds),
      seconds_to_serving: r4(svc.secondsToServing),
      rss_after_load: vmRss(svc.child.pid!),
      load: loadavg().map((x) => r4(x)),
    };
    client.close();
    await stopServiceProcess(svc.child);
  }
  // The usual restart: the snapshot written at the last shutdown, caught up from the store.
  svc = await startServiceProcess(dataDir);
  const client = createServiceClient(MatchingServiceDefinition, svc.address, { defaultTimeoutMs: 600_000 });
  const stats = await client.getIndexStats({});
  out.index = {
    path: 'from the snapshot written at the last shutdown, caught up from the store by change sequence',
    load: loadavg().map((x) => r4(x)),
    suppliers: stats.supplierCount,
    names: stats.nameCount,
    terms: stats.termCount,
    build_seconds: r4(stats.buildSeconds),
    seconds_to_serving: r4(svc.secondsToServing),
    index_memory_mb_estimate: Math.round(stats.memoryBytes / 1e6),
    rss_after_load: vmRss(svc.child.pid!),
  };
  // Sequential Match over gRPC (one call at a time: latency including the loopback round trip).
  const payee = (q: BenchQuery): Payee => {
    const x = queryOf(q);
    return { referenceId: String(q.n), name: x.name, address: { line1: x.street ?? '', line2: '', city: x.city ?? '', state: x.state ?? '', postalCode: x.postalCode ?? '', countryCode: '', freeform: '', recipient: '' }, amount: undefined, taxId: '', attributes: {} };
  };
  const sample = queries.slice(0, GRPC_SAMPLE);
  for (const q of sample.slice(0, 100)) await client.match({ payee: payee(q), options: undefined });
  const ms: number[] = [];
  for (const q of sample) {
    const t = performance.now();
    await client.match({ payee: payee(q), options: undefined });
    ms.push(performance.now() - t);
  }
  out.grpc_match_sequential = { queries: sample.length, ...latencyStats(ms) };
  // MatchBatch throughput: 500 payees per call, 4 calls in flight.
  const t0 = performance.now();
  let done = 0;
  const batches: BenchQuery[][] = [];
  for (let i = 0; i < queries.length; i += 500) batches.push(queries.slice(i, i + 500));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        const b = batches[next++]!;
        const res = await client.matchBatch({ payees: b.map(payee), options: undefined });
        done += res.results.filter((r) => r.match).length;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  out.grpc_match_batch = { payees: done, seconds: r4(secs), payees_per_second: Math.round(done / secs), batch_size: 500, in_flight: 4 };
  out.rss_after_queries = vmRss(svc.child.pid!);
  client.close();
  await stopServiceProcess(svc.child);
  if (!args.has('data-dir')) rmSync(dataDir, { recursive: true, force: true });
  return out;
}

function ourRanking(net: InProcessNetwork, queries: BenchQuery[]) {
  const matcher = new Matcher(net.index, loadCalibration(), { poolSize: DEFAULT_SETTINGS.poolSize });
  // Held-out queries: the hidden supplier and its indistinguishable twins are invisible to the matcher.
  const byName = idsByStrictName(net.records);
  const excludes = queries.map((q) =>
    q.hidden ? new Set(heldOutIds(q, net.byId, byName).map((id) => net.index.slot(id)).filter((x): x is number => x !== undefined)) : undefined,
  );
  for (const q of queries.slice(0, 300)) matcher.match(queryOf(q), 5, { exclude: excludes[q.n] }); // warm-up (JIT)
  net.index.clearCaches();
  const ranked = new Map<number, Ranked>();
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  for (const q of queries) {
    const t = performance.now();
    const out = matcher.match(queryOf(q), 5, { exclude: excludes[q.n] });
    ms.push(performance.now() - t);
    ranked.set(q.n, { ids: out.candidates.map((c) => c.info.id), scores: out.candidates.map((c) => c.score) });
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerQuery = (cpu.user + cpu.system) / 1000 / queries.length;
  // This machine's 2 cores are shared with other work: two more passes, keeping each query's fastest
  // time, separate the matcher's cost from interference (both figures are reported).
  // Caches are cleared before each pass so a repeated query gains nothing from the previous pass.
  const best = [...ms];
  for (let pass = 0; pass < 2; pass++) {
    net.index.clearCaches();
    queries.forEach((q, i) => {
      const t = performance.now();
      matcher.match(queryOf(q), 5, { exclude: excludes[i] });
      best[i] = Math.min(best[i]!, performance.now() - t);
    });
  }
  return { ranked, ms, best, cpuMsPerQuery };
}

async function baselines(net: InProcessNetwork, sample: BenchQuery[]) {
  const dir = mkdtempSync(join(tmpdir(), 'clarity-baselines-'));
  const names: string[] = [];
  for (const r of net.records) {
    const id = `${r.source}:${r.sourceId}`;
    for (const n of [r.name, ...r.aliases]) if (n.trim()) names.push(`${id}\t${n.replace(/[\t\n\r]/g, ' ')}`);
  }
  writeFileSync(join(dir, 'names.tsv'), `${names.join('\n')}\n`);
  writeFileSync(join(dir, 'queries.jsonl'), `${sample.map((q) => JSON.stringify({ n: q.n, name: q.name })).join('\n')}\n`);
  const extra = [args.has('skip-pg') ? '--skip-pg' : '', args.has('skip-rapidfuzz') ? '--skip-rapidfuzz' : ''].filter(Boolean);
  log(`baselines on ${sample.length} queries over ${names.length} names…`);
  execFileSync('python3', [join(here, '../../scripts/baselines.py'), '--names', join(dir, 'names.tsv'), '--queries', join(dir, 'queries.jsonl'), '--out', join(dir, 'out.json'), ...extra], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const res = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Record<string, { build_seconds: number; results: Array<{ n: number; ids: string[]; scores: number[]; ms: number }> } & Record<string, unknown>>;
  rmSync(dir, { recursive: true, force: true });
  return res;
}

const started = new Date();
const load0 = loadavg();
log(`loading the network in-process (${sharedDataDir()})…`);
const net = await loadInProcess();
log(`${net.records.length} suppliers parsed in ${net.parseSeconds.toFixed(1)} s, indexed in ${net.buildSeconds.toFixed(1)} s`);
const absentNames = await loadAbsentNames(sharedDataDir(), new Set(net.records.map((r) => strictKey(r.name))));
const queries = buildQueries(net.records, absentNames, { split: 'eval', seed: SEED, present: PRESENT, absent: ABSENT, heldOut: HELD_OUT, namesakes: NAMESAKES });
// Held-out queries need the matcher to hide a supplier: the service and the baselines get the others.
const visibleQueries = queries.filter((q) => !q.hidden);
log(`${queries.length} eval queries`);

const ours = ourRanking(net, queries);
const acc = accuracy(queries, ours.ranked, net.byId, DEFAULT_SETTINGS.matchThreshold);
const { top1, ...accFigures } = acc;
const sample = visibleQueries.slice(0, BASELINE_SAMPLE);
const oursOnSample = accuracy(sample, ours.ranked, net.byId, DEFAULT_SETTINGS.matchThreshold);

const result: Record<string, unknown> = {
  benchmark: 'matching',
  started: started.toISOString(),
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model, node: process.version, load_at_start: load0.map(r4) },
  network: { suppliers: net.records.length, files: networkFiles().length, source: '../shared/data/suppliers (IRS EO BMF, Georgia PPP, FedACH)' },
  query_set: {
    split: 'eval (suppliers and absent names whose mixed id/name hash is even; the calibration fit and development runs use the odd half)',
    seed: SEED,
    present: PRESENT,
    absent: ABSENT,
    held_out: HELD_OUT,
    namesakes: NAMESAKES,
    held_out_note:
      'held-out queries: a supplier (with its own address, under the usual clerk variations) hidden from the matcher together with every supplier indistinguishable from it given the query; namesakes are held-out suppliers whose name another supplier in another city or state bears. Any MATCHED answer is a false match. Measured in-process only (the service and the baselines see the visible queries).',
    absent_source: 'labeled payee names from sources outside the network (dotgov, probablepeople people/companies, NSI insurers/utilities), exact-name collisions with the network removed',
    correctness: 'a candidate is correct when it is the truth or indistinguishable from it given the query (same name letters/digits and the same value in every address field the query supplied)',
  },
  clarity: {
    in_process: {
      index_build_seconds: r4(net.buildSeconds),
      single_threaded: latencyStats(ours.ms),
      single_threaded_best_of_3_passes: latencyStats(ours.best),
      cpu_ms_per_query_first_pass: r4(ours.cpuMsPerQuery),
      ...accFigures,
      decision_thresholds: { match: DEFAULT_SETTINGS.matchThreshold, review: DEFAULT_SETTINGS.reviewThreshold },
      score_reliability_top1: reliability(top1),
    },
  },
};

if (!args.has('skip-service')) {
  log('service process benchmark…');
  (result.clarity as Record<string, unknown>).service = await serviceBench(visibleQueries);
}

if (!args.has('skip-baselines')) {
  const b = await baselines(net, sample);
  const summary: Record<string, unknown> = {
    sample: { queries: sample.length, note: `the first ${sample.length} eval queries (present and absent mixed as in the full set); Clarity's figures on the same sample are given beside them` },
    clarity_on_sample: { single_threaded: latencyStats(sample.map((q) => ours.ms[q.n]!)), ...(({ top1: _, by_source: __, by_address_given: ___, ...x }) => x)(oursOnSample) },
  };
  for (const [name, r] of Object.entries(b)) {
    const ranked = new Map(r.results.map((x) => [x.n, { ids: x.ids, scores: x.scores }]));
    const threshold = name === 'pg_trgm' ? 0.5 : 0.9;
    const { top1: t1, by_source: _s, by_address_given: _a, ...figures } = accuracy(sample, ranked, net.byId, threshold);
    const { build_seconds, results, ...meta } = r;
    summary[name] = {
      ...meta,
      index_build_seconds: r4(build_seconds),
      single_threaded: latencyStats(results.map((x) => x.ms)),
      ...figures,
      threshold_note: name === 'pg_trgm' ? 'false-match rate at similarity >= 0.5' : 'false-match rate at WRatio >= 90',
      score_reliability_top1: reliability(t1),
    };
  }
  result.baselines = summary;
}
result.load_at_end = loadavg().map(r4);
result.normalization_example = normalizeName('The Smith & Sons Co., Inc. DBA Smith Plumbing').main.tokens.join(' ');
void MatchDecision;

const json = JSON.stringify(result, null, 2);
process.stdout.write(`${json}\n`);
const dir = join(repoRoot, 'bench-results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `matching-${started.toISOString().replace(/[:.]/g, '-')}.json`), `${json}\n`);
