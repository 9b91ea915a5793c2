// From a match outcome to the contract's MatchResponse: decisions against the thresholds, agreed and
// disagreed fields, and the evidence behind each score.
import { FieldViolations } from '@clarity/kit';
import type { Evidence } from '@clarity/proto/clarity/common/v1/types.js';
import {
  MatchDecision,
  MatchField,
  MatchType,
  type MatchCandidate,
  type MatchOptions,
  type MatchResponse,
} from '@clarity/proto/clarity/matching/v1/matching.js';
import type { MatchingSettings } from '../config.js';
import type { MatchOutcome, ScoredCandidate } from './matcher.js';
import { summaryOf } from './supplier.js';

export interface EffectiveOptions {
  topK: number;
  matchThreshold: number;
  reviewThreshold: number;
}

export const MAX_TOP_K = 50;

/** Request options with zero values replaced by the configured defaults; violations for bad values. */
export function effectiveOptions(options: MatchOptions | undefined, settings: MatchingSettings, prefix = 'options'): EffectiveOptions {
  const v = new FieldViolations();
  const o = options ?? { topK: 0, matchThreshold: 0, reviewThreshold: 0 };
  if (o.topK < 0 || o.topK > MAX_TOP_K) v.add(`${prefix}.top_k`, `must be between 1 and ${MAX_TOP_K} (0 means ${settings.defaultTopK})`);
  for (const [value, field] of [
    [o.matchThreshold, 'match_threshold'],
    [o.reviewThreshold, 'review_threshold'],
  ] as const) {
    if (!Number.isFinite(value) || value < 0 || value > 1) v.add(`${prefix}.${field}`, 'must be a score between 0 and 1 (0 means the configured default)');
  }
  v.throwIfAny();
  const matchThreshold = o.matchThreshold || settings.matchThreshold;
  const reviewThreshold = o.reviewThreshold || Math.min(settings.reviewThreshold, matchThreshold);
  if (reviewThreshold > matchThreshold) {
    v.add(`${prefix}.review_threshold`, `must not exceed the match threshold (${matchThreshold})`);
    v.throwIfAny();
  }
  return { topK: o.topK || settings.defaultTopK, matchThreshold, reviewThreshold };
}

/**
 * The decision for a best-candidate score. A candidate the payee's address contradicts (another
 * state, or another city and ZIP, with no tax id or street vouching for it) is REVIEW at most,
 * whatever thresholds the request sets: a same-name supplier elsewhere is a namesake until a clerk
 * says otherwise.
 */
export function decide(score: number | undefined, o: EffectiveOptions, addressConflict = false): MatchDecision {
  if (score === undefined) return MatchDecision.MATCH_DECISION_NO_MATCH;
  if (score >= o.matchThreshold) return addressConflict ? MatchDecision.MATCH_DECISION_REVIEW : MatchDecision.MATCH_DECISION_MATCHED;
  if (score >= o.reviewThreshold) return MatchDecision.MATCH_DECISION_REVIEW;
  return MatchDecision.MATCH_DECISION_NO_MATCH;
}

/** Candidates whose score is below this are not worth showing at all ("nothing resembles the payee"). */
export const MIN_CANDIDATE_SCORE = 0.01;

const MATCH_TYPES = { EXACT: MatchType.MATCH_TYPE_EXACT, NORMALIZED: MatchType.MATCH_TYPE_NORMALIZED, FUZZY: MatchType.MATCH_TYPE_FUZZY };

function fieldsOf(c: ScoredCandidate): { agreed: MatchField[]; disagreed: MatchField[] } {
  const agreed: MatchField[] = [];
  const disagreed: MatchField[] = [];
  const f = c.features;
  if (c.matchType !== 'FUZZY' || f.nameScore >= 0.9) agreed.push(MatchField.MATCH_FIELD_NAME);
  else if (f.nameScore < 0.5) disagreed.push(MatchField.MATCH_FIELD_NAME);
  const add = (a: number, field: MatchField) => {
    if (a === 1) agreed.push(field);
    else if (a === -1) disagreed.push(field);
  };
  add(f.street, MatchField.MATCH_FIELD_STREET);
  add(f.city, MatchField.MATCH_FIELD_CITY);
  add(f.state, MatchField.MATCH_FIELD_STATE);
  add(f.zip, MatchField.MATCH_FIELD_POSTAL_CODE);
  add(f.identifier, MatchField.MATCH_FIELD_IDENTIFIER);
  return { agreed, disagreed };
}

const AGREEMENT_WORDS = { 1: 'agrees', 0: 'not compared', '-1': 'differs' } as const;

function evidenceOf(c: ScoredCandidate): Evidence[] {
  const f = c.features;
  const ev: Evidence[] = [
    {
      tier: 'name_similarity',
      ruleId: `name.${c.matchType.toLowerCase()}`,
      detail:
        c.matchType === 'EXACT'
          ? 'identical name after case and whitespace folding'
          : c.matchType === 'NORMALIZED'
            ? 'identical name after normalization (punctuation, legal suffixes, abbreviations, word order)'
            : 'similar name',
      matchedText: c.matchedName,
      weight: round(f.nameScore),
    },
    { tier: 'name_similarity', ruleId: 'name.token_set', detail: 'IDF-weighted token overlap, order-insensitive, typo-tolerant', matchedText: '', weight: round(f.tokenF1) },
    { tier: 'name_similarity', ruleId: 'name.edit_distance', detail: 'edit similarity of the sorted normalized names', matchedText: '', weight: round(f.edit) },
  ];
  const addr: Array<[number, string, string]> = [
    [f.zip, 'postal_code', 'address.zip'],
    [f.city, 'address', 'address.city'],
    [f.state, 'address', 'address.state'],
    [f.street, 'address', 'address.street'],
    [f.identifier, 'identifier', 'identifier.ein'],
  ];
  for (const [a, tier, rule] of addr) {
    if (a === 0) continue;
    ev.push({ tier, ruleId: `${rule}.${a === 1 ? 'agree' : 'disagree'}`, detail: `${rule.split('.')[1]} ${AGREEMENT_WORDS[a as 1 | -1]}`, matchedText: '', weight: a === 1 ? 1 : 0 });
  }
  if (c.addressConflict) {
    ev.push({
      tier: 'address',
      ruleId: 'address.conflict',
      detail: 'the payee is elsewhere (another state, or another city and ZIP) and no tax id or street vouches for this supplier: review at most',
      matchedText: '',
      weight: 0,
    });
  }
  ev.push({ tier: 'calibration', ruleId: 'score.logistic', detail: 'calibrated probability that this supplier is the payee', matchedText: '', weight: round(c.score) });
  return ev;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function toMatchResponse(outcome: MatchOutcome, o: EffectiveOptions): MatchResponse {
  const shown = outcome.candidates.filter((c) => round(c.score) >= MIN_CANDIDATE_SCORE).slice(0, o.topK);
  const candidates: MatchCandidate[] = shown.map((c, i) => {
    const { agreed, disagreed } = fieldsOf(c);
    return {
      supplier: summaryOf(c.info, c.matchedName),
      rank: i + 1,
      score: round(c.score),
      matchType: MATCH_TYPES[c.matchType],
      agreedFields: agreed,
      disagreedFields: disagreed,
      evidence: evidenceOf(c),
      decision: decide(round(c.score), o, c.addressConflict),
    };
  });
  return {
    decision: decide(shown[0] ? round(shown[0].score) : undefined, o, shown[0]?.addressConflict),
    candidates,
    normalizedName: outcome.normalizedName,
    matchThreshold: o.matchThreshold,
    reviewThreshold: o.reviewThreshold,
  };
}
