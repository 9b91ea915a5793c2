// The development setup shared by dev-eval and profile-queries: the real network in this process, the DEV
// query set (TRAIN half, a seed of its own; never the benchmark's EVAL half), a matcher with the default
// settings, and the slots a held-out query must hide.
import { DEFAULT_SETTINGS } from '../src/config.js';
import { loadCalibration } from '../src/domain/calibration.js';
import { Matcher } from '../src/domain/matcher.js';
import { loadInProcess } from './in-process.js';
import { sharedDataDir } from './network-files.js';
import { buildQueries, heldOutIds, idsByStrictName, loadAbsentNames, strictKey, type BenchQuery } from './queries.js';
import type { SupplierRecord } from '../src/domain/supplier.js';

/** `--key value` pairs of the command line. */
export function parseArgs(argv = process.argv.slice(2)): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
  return args;
}

/** The DEV query set (TRAIN half) over `records`, sized by the command line (`--seed`, `--present`, …). */
export async function devQueries(records: SupplierRecord[], args: Map<string, string>) {
  const num = (k: string, d: number) => Number(args.get(k) ?? d);
  const absentNames = await loadAbsentNames(sharedDataDir(), new Set(records.map((r) => strictKey(r.name))));
  const queries = buildQueries(records, absentNames, {
    split: 'train',
    seed: num('seed', 4242),
    present: num('present', 3000),
    absent: num('absent', 1000),
    heldOut: num('held-out', 600),
    namesakes: num('namesakes', 600),
  });
  return { queries, byName: idsByStrictName(records) };
}

export async function loadDevSetup(args: Map<string, string>) {
  const net = await loadInProcess();
  const { queries, byName } = await devQueries(net.records, args);
  const matcher = new Matcher(net.index, loadCalibration(), { poolSize: DEFAULT_SETTINGS.poolSize });
  const excludeOf = (q: BenchQuery): Set<number> | undefined => {
    if (!q.hidden) return undefined;
    return new Set(heldOutIds(q, net.byId, byName).map((id) => net.index.slot(id)).filter((s): s is number => s !== undefined));
  };
  return { net, queries, matcher, excludeOf };
}
