// Bytes allocated per query by function over the DEV query set (V8's sampling heap profiler, counting
// objects already collected too): young-generation garbage is what the scavenges that stall a query
// have to deal with. Diagnostic only.
//
//   node dist/scripts/alloc-profile.js [--top 30]
import { Session } from 'node:inspector/promises';
import { loadDevSetup, parseArgs } from './dev-setup.js';
import { queryOf } from './metrics.js';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const args = parseArgs();
const { net, queries, matcher, excludeOf } = await loadDevSetup(args);
for (const q of queries.slice(0, 300)) matcher.match(queryOf(q), 5, { exclude: excludeOf(q) });
net.index.clearCaches();
const inputs = queries.map((q) => ({ query: queryOf(q), exclude: excludeOf(q) }));
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
for (const { query, exclude } of inputs) matcher.match(query, 5, { exclude });
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SamplingNode } };
const bySite = new Map<string, number>();
let total = 0;
const walk = (n: SamplingNode) => {
  const site = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/dist\//, '')}:${n.callFrame.lineNumber + 1}`;
  bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
  total += n.selfSize;
  n.children.forEach(walk);
};
walk(profile.head);
console.log(`allocated ${(total / inputs.length / 1024).toFixed(0)} KB per query (${inputs.length} queries)`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(args.get('top') ?? 30)))
  console.log(`${(bytes / inputs.length / 1024).toFixed(1).padStart(8)} KB/query  ${site}`);
