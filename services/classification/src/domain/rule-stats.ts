// Measured precision of each rule (data/rule-stats.json, written by scripts/measure-rules.ts on the
// train and calibration splits of the labeled names, never on dev). A rule's confidence is the
// posterior mean of a Beta prior (its declared precision, worth PRIOR_WEIGHT observations) updated with
// how often it was right; only rules whose confidence reaches the decision threshold may decide.
import { existsSync, readFileSync } from 'node:fs';
import { DATA_DIR } from './lexicons.js';

export const PRIOR_WEIGHT = 20;

export interface RuleStatsFile {
  measuredOn: string;
  rules: Record<string, [fired: number, correct: number]>;
}

export class RuleStats {
  constructor(readonly file: RuleStatsFile) {}

  static load(dir = DATA_DIR): RuleStats {
    const path = `${dir}rule-stats.json`;
    if (!existsSync(path)) return new RuleStats({ measuredOn: 'none', rules: {} });
    return new RuleStats(JSON.parse(readFileSync(path, 'utf8')) as RuleStatsFile);
  }

  /** Posterior precision of a rule with declared prior precision `prior`. */
  confidence(ruleId: string, prior: number): number {
    const s = this.file.rules[ruleId];
    if (!s) return prior;
    return (s[1] + PRIOR_WEIGHT * prior) / (s[0] + PRIOR_WEIGHT);
  }
}
