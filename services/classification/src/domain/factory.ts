// Loads the committed artifacts once: lexicons, model, rule statistics, industry tables.
import { existsSync } from 'node:fs';
import { IndustryClassifier } from './industry.js';
import { KnownBusinesses } from './known-businesses.js';
import { DATA_DIR, Lexicons } from './lexicons.js';
import { NameModel } from './model.js';
import { RuleStats } from './rule-stats.js';

export interface StaticParts {
  lex: Lexicons;
  model: NameModel;
  /** BUSINESS subtype model (business / nonprofit / financial_institution), when the artifact exists. */
  subtypeModel?: NameModel;
  known: KnownBusinesses;
  stats: RuleStats;
  industry: IndustryClassifier;
  minRulePrecision: number;
}

let cached: StaticParts | undefined;

/** The committed artifacts (loaded once per process; ~0.5 s). */
export function loadClassifierParts(minRulePrecision = 0.999): StaticParts {
  if (!cached) {
    const lex = Lexicons.load();
    const subtypeModel = existsSync(`${DATA_DIR}subtype-model.json`) ? NameModel.load(lex, DATA_DIR, 'subtype-model') : undefined;
    const industry = IndustryClassifier.load();
    const known = KnownBusinesses.load(DATA_DIR, (code) => industry.isNaics(code));
    cached = { lex, model: NameModel.load(lex), subtypeModel, known, stats: RuleStats.load(), industry, minRulePrecision };
  }
  return { ...cached, minRulePrecision };
}
