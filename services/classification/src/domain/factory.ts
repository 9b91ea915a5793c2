// Loads the committed artifacts once: lexicons, model, rule statistics, industry tables.
import { IndustryClassifier } from './industry.js';
import { Lexicons } from './lexicons.js';
import { NameModel } from './model.js';
import { RuleStats } from './rule-stats.js';

export interface StaticParts {
  lex: Lexicons;
  model: NameModel;
  stats: RuleStats;
  industry: IndustryClassifier;
  minRulePrecision: number;
}

let cached: StaticParts | undefined;

/** The committed artifacts (loaded once per process; ~0.5 s). */
export function loadClassifierParts(minRulePrecision = 0.999): StaticParts {
  if (!cached) {
    const lex = Lexicons.load();
    cached = { lex, model: NameModel.load(lex), stats: RuleStats.load(), industry: IndustryClassifier.load(), minRulePrecision };
  }
  return { ...cached, minRulePrecision };
}
