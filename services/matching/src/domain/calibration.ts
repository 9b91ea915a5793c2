// Score calibration: a logistic model over the rerank's features, fitted by
// services/matching/scripts/fit-calibration.ts on a training query set (generated from a split of the
// network that the benchmark's figures never use). The fitted weights live in calibration.json beside
// this file; the probability it yields is the candidate's score.
import fitted from './calibration.json' with { type: 'json' };

export const FEATURE_NAMES = [
  'bias',
  'token_recall',
  'token_precision',
  'token_f1',
  'token_f1_sq',
  'edit_similarity',
  'edit_similarity_sq',
  'exact_folded',
  'exact_normalized',
  'missing_rare_query_token',
  'extra_rare_candidate_token',
  'number_conflict',
  'zip_agree',
  'zip_disagree',
  'city_agree',
  'city_disagree',
  'state_agree',
  'state_disagree',
  'street_agree',
  'street_disagree',
  'margin_to_next',
  'query_information',
  'single_token_query',
  'alias_variant',
  'no_address_given',
  'person_like_query',
  'person_like_without_address',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * Signs the fitted weights must have, so a clerk can rely on the score: more agreement (a closer name, an
 * agreeing address field, a clearer lead over the next candidate) never lowers it, a conflict never raises
 * it, and giving an address (whose fields may all be unknown) never scores below giving none. The fit holds
 * a feature at 0 rather than let it take the other sign; features not named are free.
 */
export const FEATURE_SIGNS: Partial<Record<FeatureName, 1 | -1>> = {
  token_recall: 1,
  token_precision: 1,
  token_f1: 1,
  token_f1_sq: 1,
  edit_similarity: 1,
  edit_similarity_sq: 1,
  exact_folded: 1,
  exact_normalized: 1,
  missing_rare_query_token: -1,
  extra_rare_candidate_token: -1,
  number_conflict: -1,
  zip_agree: 1,
  city_agree: 1,
  state_agree: 1,
  street_agree: 1,
  zip_disagree: -1,
  city_disagree: -1,
  state_disagree: -1,
  street_disagree: -1,
  margin_to_next: 1,
  no_address_given: -1,
  person_like_without_address: -1,
};

export interface CalibrationModel {
  version: number;
  features: readonly string[];
  weights: readonly number[];
  /** Where the weights came from (script, seed, sizes), for the record. */
  trainedOn: string;
}

/** Hand-set weights used until a fitted model exists (and as a sanity baseline in tests). */
export const PRIOR_MODEL: CalibrationModel = {
  version: 0,
  features: FEATURE_NAMES,
  weights: FEATURE_NAMES.map((f) =>
    ({
      bias: -9,
      token_f1: 6,
      edit_similarity: 4,
      exact_normalized: 1.5,
      missing_rare_query_token: -3,
      extra_rare_candidate_token: -1.5,
      number_conflict: -2,
      zip_agree: 1.5,
      zip_disagree: -1,
      city_agree: 1,
      city_disagree: -0.7,
      state_disagree: -1,
      street_agree: 1,
      margin_to_next: 3,
      single_token_query: -1,
    })[f as string] ?? 0,
  ),
  trainedOn: 'hand-set prior',
};

/** The committed model (calibration.json); the prior when it has never been fitted. */
export function loadCalibration(): CalibrationModel {
  const model = fitted as CalibrationModel;
  if (model.features.length !== model.weights.length) throw new Error('calibration.json: features and weights differ in length');
  return model.version > 0 ? model : PRIOR_MODEL;
}

/** Maps a model onto the current feature order (unknown features weigh 0). */
export function weightVector(model: CalibrationModel): Float64Array {
  const w = new Float64Array(FEATURE_NAMES.length);
  model.features.forEach((name, i) => {
    const at = (FEATURE_NAMES as readonly string[]).indexOf(name);
    if (at >= 0) w[at] = model.weights[i]!;
  });
  return w;
}

export function logistic(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
