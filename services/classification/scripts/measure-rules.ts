// Measures every rule on the clean train + calibration splits (never dev) and writes
// data/rule-stats.json: for each rule id, how often it fired standalone and how often its implied type
// matched the label. The runtime turns these counts into each rule's confidence.
import { writeFileSync } from 'node:fs';
import { PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { defaultExclusionRuleData } from '../src/domain/exclusion-defaults.js';
import { ExclusionMatcher } from '../src/domain/exclusions.js';
import { KnownBusinesses, knownBusinessHit } from '../src/domain/known-businesses.js';
import { Lexicons } from '../src/domain/lexicons.js';
import { PRIOR_WEIGHT } from '../src/domain/rule-stats.js';
import { junkHit, nonLatinHit } from '../src/domain/rules.js';
import { collectRuleHits } from '../src/domain/classifier.js';
import { TYPE_NAMES, type RuleHit } from '../src/domain/types.js';
import { loadLabeled, serviceRoot } from './lib/dataset.js';

const lex = Lexicons.load();
const matcher = new ExclusionMatcher(defaultExclusionRuleData(), 'default');
const known = KnownBusinesses.load();
const rows = (await loadLabeled()).filter((r) => r.split !== 'dev' && r.quality === 'clean');
const stats = new Map<string, { fired: number; correct: number; prior: number; wrong: string[] }>();
const record = (hit: RuleHit, label: string, name: string) => {
  const s = stats.get(hit.ruleId) ?? { fired: 0, correct: 0, prior: hit.prior, wrong: [] };
  s.fired++;
  if (TYPE_NAMES[hit.type] === label) s.correct++;
  else if (s.wrong.length < 8) s.wrong.push(`${name} [${label}]`);
  stats.set(hit.ruleId, s);
};
for (const r of rows) {
  const junk = nonLatinHit(r.norm) ?? junkHit(r.norm, r.name);
  if (junk) record(junk, r.label, r.name);
  for (const h of collectRuleHits(r.norm, lex, matcher)) {
    if (h.type === PayeeType.PAYEE_TYPE_UNSPECIFIED || h.contested) continue;
    record(h, r.label, r.name);
  }
  const k = known.match(r.norm);
  if (k) record(knownBusinessHit(k), r.label, r.name);
}
const out: Record<string, [number, number]> = {};
const report: Array<[string, number, number, number, string[]]> = [];
for (const [id, s] of [...stats].sort()) {
  out[id] = [s.fired, s.correct];
  report.push([id, s.fired, s.correct, (s.correct + PRIOR_WEIGHT * s.prior) / (s.fired + PRIOR_WEIGHT), s.wrong]);
}
writeFileSync(`${serviceRoot}data/rule-stats.json`, `${JSON.stringify({ measuredOn: `labeled/payee-names-train.csv.gz clean train+calib splits (${rows.length} names)`, rules: out }, null, 0).replace(/\],"/g, '],\n"')}\n`);
if (process.argv.includes('--report')) {
  for (const [id, fired, correct, conf, wrong] of report.sort((a, b) => b[1] - a[1])) {
    console.log(`${conf >= 0.999 ? 'DECIDES' : '       '} ${id.padEnd(60)} ${String(fired).padStart(7)} ${(correct / fired).toFixed(4)} conf=${conf.toFixed(4)} ${conf < 0.999 ? wrong.slice(0, 5).join(' | ') : ''}`);
  }
}
console.log(`rule-stats: ${report.length} rules measured on ${rows.length} names`);
