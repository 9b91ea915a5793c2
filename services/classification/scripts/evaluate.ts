// `npm run eval:classification`: evaluates the whole local pipeline (rules + model, no LLM) on the DEV
// split of labeled/payee-names-train.csv.gz (never trained on, never used for rule statistics or
// calibration), separately for label_quality=clean and noisy, and measures single-core throughput.
// Prints one JSON document on stdout.
import { cpus, loadavg } from 'node:os';
import { createServiceClient, loadRuntimeConfig, store as kitStore } from '@clarity/kit';
import { ClassificationServiceDefinition } from '@clarity/proto/clarity/classification/v1/classification.js';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import { loadClassificationConfig } from '../src/config.js';
import { startClassificationService } from '../src/server.js';
import { ClassificationTier } from '@clarity/proto/clarity/classification/v1/classification.js';

import { defaultExclusionRuleData, DEFAULT_LISTS_VERSION } from '../src/domain/exclusion-defaults.js';
import { ExclusionMatcher } from '../src/domain/exclusions.js';
import { loadClassifierParts } from '../src/domain/factory.js';
import { PayeeClassifier } from '../src/domain/classifier.js';
import { OverrideMatcher } from '../src/domain/overrides.js';
import { TYPE_NAMES, subtypeName } from '../src/domain/types.js';
import { evaluateIndustry } from './lib/industry-eval.js';
import { loadLabeled, type LabeledName } from './lib/dataset.js';

const PRED = ['INDIVIDUAL', 'BUSINESS', 'GOVERNMENT', 'UNKNOWN'] as const;
const RULE_TIERS = new Set([ClassificationTier.CLASSIFICATION_TIER_JUNK, ClassificationTier.CLASSIFICATION_TIER_KNOWN_BUSINESS, ClassificationTier.CLASSIFICATION_TIER_EXCLUSION, ClassificationTier.CLASSIFICATION_TIER_LEGAL_FORM, ClassificationTier.CLASSIFICATION_TIER_PERSON_NAME]);
const round = (x: number, d = 4) => Number(x.toFixed(d));

const parts = loadClassifierParts();
const classifier = new PayeeClassifier({ ...parts, exclusions: new ExclusionMatcher(defaultExclusionRuleData(), DEFAULT_LISTS_VERSION), overrides: new OverrideMatcher([]) });
// --calib evaluates on the calibration split instead (for tuning; the reported figures are on dev).
const SPLIT = process.argv.includes('--calib') ? 'calib' : 'dev';
const QUICK = process.argv.includes('--quick');
const dev = (await loadLabeled()).filter((r) => r.split === SPLIT);

function evaluate(rows: LabeledName[]) {
  const confusion: Record<string, Record<string, number>> = {};
  for (const l of ['INDIVIDUAL', 'BUSINESS', 'GOVERNMENT']) confusion[l] = Object.fromEntries(PRED.map((p) => [p, 0]));
  const tiers: Record<string, { decided: number; correct: number }> = {};
  const sources: Record<string, { n: number; correct: number }> = {};
  const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, correct: 0 }));
  let ruleDecided = 0;
  let ruleCorrect = 0;
  let correct = 0;
  // Subtype agreement where the type is right and the label's subtype exists in the contract.
  let subtypeChecked = 0;
  let subtypeCorrect = 0;
  for (const r of rows) {
    const c = classifier.classify(r.name, { skipIndustry: true }).classification;
    const pred = TYPE_NAMES[c.payeeType]!;
    const ok = pred === r.label;
    confusion[r.label]![pred]!++;
    if (ok) correct++;
    const tier = ClassificationTier[c.decidedBy].replace('CLASSIFICATION_TIER_', '').toLowerCase();
    const t = (tiers[tier] ??= { decided: 0, correct: 0 });
    t.decided++;
    if (ok) t.correct++;
    if (RULE_TIERS.has(c.decidedBy)) {
      ruleDecided++;
      if (ok) ruleCorrect++;
    }
    const s = (sources[r.source] ??= { n: 0, correct: 0 });
    s.n++;
    if (ok) s.correct++;
    if (ok && r.subtype) {
      subtypeChecked++;
      if (subtypeName(c.subtype) === r.subtype) subtypeCorrect++;
    }
    const b = bins[Math.min(14, Math.floor(c.confidence * 15))]!;
    b.n++;
    b.conf += c.confidence;
    if (ok) b.correct++;
  }
  const perClass: Record<string, { n: number; accuracy: number | null }> = {};
  for (const l of ['INDIVIDUAL', 'BUSINESS', 'GOVERNMENT']) {
    const n = Object.values(confusion[l]!).reduce((a, b) => a + b, 0);
    perClass[l] = { n, accuracy: n ? round(confusion[l]![l]! / n) : null };
  }
  const present = Object.values(perClass).filter((p) => p.accuracy !== null);
  const ece = bins.reduce((acc, b) => acc + (b.n ? (b.n / rows.length) * Math.abs(b.correct / b.n - b.conf / b.n) : 0), 0);
  return {
    names: rows.length,
    accuracy: round(correct / rows.length),
    macroAccuracy: round(present.reduce((a, p) => a + p.accuracy!, 0) / present.length),
    perClass,
    confusion,
    ece: round(ece),
    subtypeAccuracyWhenTypeRight: round(subtypeChecked ? subtypeCorrect / subtypeChecked : 0),
    ruleTiers: { coverage: round(ruleDecided / rows.length), precision: round(ruleDecided ? ruleCorrect / ruleDecided : 0), decided: ruleDecided, wrong: ruleDecided - ruleCorrect },
    byTier: Object.fromEntries(Object.entries(tiers).map(([k, v]) => [k, { decided: v.decided, precision: round(v.correct / v.decided) }])),
    bySource: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, { n: v.n, accuracy: round(v.correct / v.n) }])),
  };
}

const clean = evaluate(dev.filter((r) => r.quality === 'clean'));
const noisy = evaluate(dev.filter((r) => r.quality === 'noisy'));

// Throughput: one core, in-process, the names of the dev split classified in a loop. The machine is
// shared, so the run is cut into segments of 10,000 names and the median and best segment are reported
// (per CPU-second: time the process actually ran; wall: elapsed time).
function throughput(skipIndustry: boolean, seconds = 6) {
  // Shuffled (deterministically) so every segment has the dev split's mix of easy and hard names.
  const names = dev.map((r) => r.name);
  let seed = 12345;
  for (let i = names.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  for (let i = 0; i < 30_000; i++) classifier.classify(names[i % names.length]!, { skipIndustry }); // warm-up
  const perCpu: number[] = [];
  const perWall: number[] = [];
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < 10_000; i++) classifier.classify(names[(n + i) % names.length]!, { skipIndustry });
    const c = process.cpuUsage(c0);
    perWall.push(10_000 / ((performance.now() - t0) / 1000));
    perCpu.push(10_000 / ((c.user + c.system) / 1e6));
    n += 10_000;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    names: n,
    segments: perCpu.length,
    namesPerCpuSecondMedian: Math.round(median(perCpu)),
    namesPerCpuSecondBest: Math.round(Math.max(...perCpu)),
    namesPerSecondWallMedian: Math.round(median(perWall)),
    namesPerSecondWallBest: Math.round(Math.max(...perWall)),
  };
}

if (QUICK) {
  const brief = (e: ReturnType<typeof evaluate>) => ({ macro: e.macroAccuracy, acc: e.accuracy, subtype: e.subtypeAccuracyWhenTypeRight, perClass: Object.fromEntries(Object.entries(e.perClass).map(([k, v]) => [k, v.accuracy])), ece: e.ece, rules: e.ruleTiers, byTier: e.byTier });
  console.log(JSON.stringify({ split: SPLIT, clean: brief(clean), noisy: brief(noisy) }));
  process.exit(0);
}
const industry = await evaluateIndustry(classifier, SPLIT);
const speedWithIndustry = throughput(false);
const speedTypeOnly = throughput(true);

// Through the real server: ClassifyBatch of 500 names, 4 calls in flight, client and server in this one process.
async function grpcThroughput(seconds = 5) {
  const config = loadClassificationConfig({}, loadRuntimeConfig('classification', {}, { CLARITY_GRPC_PORT: '0', CLARITY_METRICS_ENABLED: 'false', CLARITY_LOG_LEVEL: 'silent' }));
  const running = await startClassificationService({ config, store: new kitStore.EmbeddedStore() });
  const client = createServiceClient(ClassificationServiceDefinition, running.address, { defaultTimeoutMs: 60_000 });
  const batches: Payee[][] = [];
  for (let i = 0; i + 500 <= dev.length && batches.length < 40; i += 500) batches.push(dev.slice(i, i + 500).map((r) => ({ referenceId: '', name: r.name, taxId: '', attributes: {}, address: undefined, amount: undefined })));
  for (let i = 0; i < 8; i++) await client.classifyBatch({ payees: batches[i % batches.length]! }); // warm-up
  let n = 0;
  let next = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    while (performance.now() - start < seconds * 1000) {
      const res = await client.classifyBatch({ payees: batches[next++ % batches.length]! });
      n += res.results.length;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  client.close();
  await running.shutdown();
  return { names: n, wallSeconds: round(wall, 2), namesPerSecondWall: Math.round(n / wall), namesPerCpuSecond: Math.round(n / ((cpu.user + cpu.system) / 1e6)) };
}
const speedGrpc = await grpcThroughput();

console.log(
  JSON.stringify(
    {
      dataset: `labeled/payee-names-train.csv.gz, ${SPLIT} split (dev = fnv1a("split:" + normalized name) % 100 < 20): never trained on, never used for rule statistics or calibration`,
      modelVersion: classifier.modelVersion,
      listsVersion: DEFAULT_LISTS_VERSION,
      exclusionRules: defaultExclusionRuleData().length,
      minRulePrecision: parts.minRulePrecision,
      clean,
      noisy,
      industry,
      speed: {
        note: 'single thread, no LLM: in-process PayeeClassifier.classify; grpcBatch = ClassifyBatch(500) x4 in flight, client and server sharing this one thread',
        withIndustry: speedWithIndustry,
        typeOnly: speedTypeOnly,
        grpcBatch: speedGrpc,
      },
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg: loadavg().map((x) => round(x, 2)), node: process.version },
    },
    null,
    2,
  ),
);
