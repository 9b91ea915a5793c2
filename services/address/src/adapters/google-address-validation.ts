// External validator in the Google Address Validation API shape (POST /v1:validateAddress?key=…), built
// on the kit's HttpDependency: opossum breaker, token bucket (default 6,000/min), full-jitter retries that
// honor Retry-After on 429/5xx, a concurrency cap, per-attempt timeout. Answers are cached in the store.
// The mapping below turns the API's answer into Clarity's AddressValidationResult.
import { counter, HttpDependency, MalformedResponseError } from '@clarity/kit';
import {
  ComponentType, ConfirmationLevel, Granularity, PossibleNextAction, ValidationSource,
  type AddressValidationResult, type ComponentValidation,
} from '@clarity/proto/clarity/address/v1/address.js';
import type { ExternalValidatorConfig } from '../config.js';
import type { AddressInput } from '../domain/parser.js';
import { ValidationCache } from './validation-cache.js';

const outcomes = counter('clarity_address_external_total', 'External address validations by outcome.', ['outcome']);

/** The parts of the API's answer Clarity reads (everything optional: the API omits empty fields). */
export interface GoogleValidationAnswer {
  result?: {
    verdict?: {
      inputGranularity?: string;
      validationGranularity?: string;
      geocodeGranularity?: string;
      addressComplete?: boolean;
      hasUnconfirmedComponents?: boolean;
      hasInferredComponents?: boolean;
      hasReplacedComponents?: boolean;
      hasSpellCorrectedComponents?: boolean;
      possibleNextAction?: string;
    };
    address?: {
      formattedAddress?: string;
      addressComponents?: Array<{
        componentName?: { text?: string };
        componentType?: string;
        confirmationLevel?: string;
        inferred?: boolean;
        spellCorrected?: boolean;
        replaced?: boolean;
        unexpected?: boolean;
      }>;
      missingComponentTypes?: string[];
      unconfirmedComponentTypes?: string[];
      unresolvedTokens?: string[];
    };
    geocode?: { location?: { latitude?: number; longitude?: number } };
    uspsData?: {
      standardizedAddress?: {
        firstAddressLine?: string;
        cityStateZipAddressLine?: string;
        city?: string;
        state?: string;
        zipCode?: string;
        zipCodeExtension?: string;
      };
    };
  };
}

/** The request body for one address. */
export function googleRequest(input: AddressInput): { address: { regionCode: string; addressLines: string[]; locality?: string; administrativeArea?: string; postalCode?: string } } {
  const norm = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim().toUpperCase();
  const lines = [input.line1, input.line2].map(norm).filter(Boolean);
  if (lines.length === 0 && input.freeform) lines.push(...input.freeform.split(/\n+/).map(norm).filter(Boolean));
  return {
    address: {
      regionCode: 'US',
      addressLines: lines,
      ...(norm(input.city) ? { locality: norm(input.city) } : {}),
      ...(norm(input.state) ? { administrativeArea: norm(input.state) } : {}),
      ...(norm(input.postalCode) ? { postalCode: norm(input.postalCode) } : {}),
    },
  };
}

function parseAnswer(body: unknown): GoogleValidationAnswer {
  const b = body as GoogleValidationAnswer | undefined;
  if (!b || typeof b !== 'object' || !b.result || typeof b.result !== 'object' || !b.result.verdict || typeof b.result.verdict !== 'object') {
    throw new MalformedResponseError('address-validation', 'expected {result: {verdict: {...}}}');
  }
  const comps = b.result.address?.addressComponents;
  if (comps !== undefined && !Array.isArray(comps)) throw new MalformedResponseError('address-validation', 'address.addressComponents is not a list');
  return b;
}

export class GoogleAddressValidator {
  readonly http: HttpDependency;

  constructor(
    private readonly config: ExternalValidatorConfig,
    private readonly cache: ValidationCache,
    fetchImpl?: typeof fetch,
  ) {
    this.http = new HttpDependency({
      name: 'address-validation',
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      maxAttempts: config.maxAttempts,
      baseDelayMs: config.baseDelayMs,
      maxDelayMs: config.maxDelayMs,
      ratePerMinute: config.ratePerMinute,
      maxConcurrency: config.maxConcurrency,
      breaker: {
        errorThresholdPercentage: config.breakerErrorPercentage,
        volumeThreshold: config.breakerVolumeThreshold,
        resetTimeoutMs: config.breakerResetMs,
      },
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });
  }

  /**
   * The API's answer for `input`, from the cache when fresh. Throws the kit's HttpDependencyError family
   * when the API cannot answer (the caller then answers locally).
   */
  async answer(input: AddressInput, signal?: AbortSignal): Promise<{ answer: GoogleValidationAnswer; cached: boolean }> {
    const body = googleRequest(input);
    const key = ValidationCache.key(body);
    const hit = await this.cache.get(key);
    if (hit !== undefined) {
      outcomes.inc({ outcome: 'cache_hit' });
      return { answer: hit as GoogleValidationAnswer, cached: true };
    }
    try {
      const answer = await this.http.request({
        method: 'POST',
        path: '/v1:validateAddress',
        query: { key: this.config.apiKey },
        json: body,
        signal,
        parse: parseAnswer,
      });
      outcomes.inc({ outcome: 'ok' });
      await this.cache.put(key, answer);
      return { answer, cached: false };
    } catch (err) {
      outcomes.inc({ outcome: 'error' });
      throw err;
    }
  }
}

const GRANULARITY: Record<string, Granularity> = {
  SUB_PREMISE: Granularity.GRANULARITY_SUB_PREMISE,
  PREMISE: Granularity.GRANULARITY_PREMISE,
  PREMISE_PROXIMITY: Granularity.GRANULARITY_PREMISE,
  BLOCK: Granularity.GRANULARITY_ROUTE,
  ROUTE: Granularity.GRANULARITY_ROUTE,
  POSTAL_CODE: Granularity.GRANULARITY_POSTAL_CODE,
  LOCALITY: Granularity.GRANULARITY_LOCALITY,
  ADMINISTRATIVE_AREA: Granularity.GRANULARITY_ADMINISTRATIVE_AREA,
  OTHER: Granularity.GRANULARITY_OTHER,
};
const ACTION: Record<string, PossibleNextAction> = {
  ACCEPT: PossibleNextAction.POSSIBLE_NEXT_ACTION_ACCEPT,
  CONFIRM: PossibleNextAction.POSSIBLE_NEXT_ACTION_CONFIRM,
  CONFIRM_ADD_SUBPREMISES: PossibleNextAction.POSSIBLE_NEXT_ACTION_CONFIRM,
  FIX: PossibleNextAction.POSSIBLE_NEXT_ACTION_FIX,
};
const LEVEL: Record<string, ConfirmationLevel> = {
  CONFIRMED: ConfirmationLevel.CONFIRMATION_LEVEL_CONFIRMED,
  UNCONFIRMED_BUT_PLAUSIBLE: ConfirmationLevel.CONFIRMATION_LEVEL_UNCONFIRMED_BUT_PLAUSIBLE,
  UNCONFIRMED_AND_SUSPICIOUS: ConfirmationLevel.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS,
};
const COMPONENT: Record<string, ComponentType> = {
  street_number: ComponentType.COMPONENT_TYPE_ADDRESS_NUMBER,
  route: ComponentType.COMPONENT_TYPE_STREET_NAME,
  subpremise: ComponentType.COMPONENT_TYPE_OCCUPANCY_IDENTIFIER,
  premise: ComponentType.COMPONENT_TYPE_BUILDING_NAME,
  point_of_interest: ComponentType.COMPONENT_TYPE_LANDMARK_NAME,
  post_box: ComponentType.COMPONENT_TYPE_USPS_BOX_ID,
  locality: ComponentType.COMPONENT_TYPE_PLACE_NAME,
  postal_town: ComponentType.COMPONENT_TYPE_PLACE_NAME,
  administrative_area_level_1: ComponentType.COMPONENT_TYPE_STATE_NAME,
  postal_code: ComponentType.COMPONENT_TYPE_ZIP_CODE,
  postal_code_suffix: ComponentType.COMPONENT_TYPE_ZIP_PLUS4,
  country: ComponentType.COMPONENT_TYPE_COUNTRY_NAME,
};
const TYPE_NAME: Record<string, string> = {
  street_number: 'ADDRESS_NUMBER', route: 'STREET_NAME', subpremise: 'OCCUPANCY_IDENTIFIER', locality: 'PLACE_NAME',
  administrative_area_level_1: 'STATE_NAME', postal_code: 'ZIP_CODE', postal_code_suffix: 'ZIP_PLUS4', country: 'COUNTRY_NAME',
  post_box: 'USPS_BOX_ID', premise: 'BUILDING_NAME', point_of_interest: 'LANDMARK_NAME',
};

/**
 * Clarity's result from the API's answer: the API's verdict, components, USPS-standardized lines and
 * rooftop/route geocode, with the local parse, ZIP candidates and notes kept.
 */
export function resultFromAnswer(answer: GoogleValidationAnswer, local: AddressValidationResult, cached: boolean): AddressValidationResult {
  const r = answer.result!;
  const v = r.verdict ?? {};
  const gran = (s?: string) => (s ? (GRANULARITY[s] ?? Granularity.GRANULARITY_OTHER) : Granularity.GRANULARITY_OTHER);
  const validation = gran(v.validationGranularity);
  const complete = Boolean(v.addressComplete);
  let action = v.possibleNextAction ? ACTION[v.possibleNextAction] : undefined;
  if (action === undefined) {
    // Google documents the derivation for regions without possibleNextAction.
    const fine = validation === Granularity.GRANULARITY_PREMISE || validation === Granularity.GRANULARITY_SUB_PREMISE;
    if (!complete || !fine || v.hasUnconfirmedComponents) action = PossibleNextAction.POSSIBLE_NEXT_ACTION_FIX;
    else if (v.hasInferredComponents || v.hasReplacedComponents || v.hasSpellCorrectedComponents) action = PossibleNextAction.POSSIBLE_NEXT_ACTION_CONFIRM;
    else action = PossibleNextAction.POSSIBLE_NEXT_ACTION_ACCEPT;
  }
  const components: ComponentValidation[] = (r.address?.addressComponents ?? []).map((c) => ({
    type: COMPONENT[c.componentType ?? ''] ?? ComponentType.COMPONENT_TYPE_UNSPECIFIED,
    text: (c.componentName?.text ?? '').toUpperCase(),
    originalText: '',
    confirmationLevel: LEVEL[c.confirmationLevel ?? ''] ?? ConfirmationLevel.CONFIRMATION_LEVEL_UNSPECIFIED,
    inferred: Boolean(c.inferred),
    replaced: Boolean(c.replaced),
    spellCorrected: Boolean(c.spellCorrected),
    unexpected: Boolean(c.unexpected),
  }));
  const usps = r.uspsData?.standardizedAddress;
  const standardized = usps?.firstAddressLine
    ? {
        deliveryLine: usps.firstAddressLine,
        lastLine: usps.cityStateZipAddressLine ?? '',
        singleLine: [usps.firstAddressLine, usps.cityStateZipAddressLine].filter(Boolean).join(' '),
        address: {
          line1: usps.firstAddressLine,
          line2: '',
          city: usps.city ?? '',
          state: usps.state ?? '',
          postalCode: usps.zipCode ? (usps.zipCodeExtension ? `${usps.zipCode}-${usps.zipCodeExtension}` : usps.zipCode) : '',
          countryCode: 'US',
          freeform: '',
          recipient: local.standardized?.address?.recipient ?? '',
        },
      }
    : local.standardized;
  const loc = r.geocode?.location;
  const geocode =
    loc && typeof loc.latitude === 'number' && typeof loc.longitude === 'number'
      ? { latitude: loc.latitude, longitude: loc.longitude, granularity: gran(v.geocodeGranularity) }
      : local.geocode;
  const base = action === PossibleNextAction.POSSIBLE_NEXT_ACTION_ACCEPT ? 0.97 : action === PossibleNextAction.POSSIBLE_NEXT_ACTION_CONFIRM ? 0.75 : 0.3;
  const typeNames = (xs?: string[]) => (xs ?? []).map((t) => TYPE_NAME[t] ?? t.toUpperCase());
  return {
    verdict: {
      inputGranularity: gran(v.inputGranularity),
      validationGranularity: validation,
      geocodeGranularity: geocode ? gran(v.geocodeGranularity) || geocode.granularity : Granularity.GRANULARITY_OTHER,
      addressComplete: complete,
      hasUnconfirmedComponents: Boolean(v.hasUnconfirmedComponents),
      hasInferredComponents: Boolean(v.hasInferredComponents),
      hasReplacedComponents: Boolean(v.hasReplacedComponents),
      hasSpellCorrectedComponents: Boolean(v.hasSpellCorrectedComponents),
      possibleNextAction: action,
    },
    parsed: local.parsed,
    standardized,
    components,
    geocode,
    missingComponentTypes: typeNames(r.address?.missingComponentTypes),
    unconfirmedComponentTypes: typeNames(r.address?.unconfirmedComponentTypes),
    zipCandidates: local.zipCandidates,
    confidence: Math.round(base * (v.hasUnconfirmedComponents ? 0.8 : 1) * 1000) / 1000,
    source: cached ? ValidationSource.VALIDATION_SOURCE_CACHE : ValidationSource.VALIDATION_SOURCE_EXTERNAL,
    notes: [`external validator: ${v.possibleNextAction ?? 'no action given (derived)'}${cached ? ' (cached answer)' : ''}`, ...local.notes.map((n) => `local: ${n}`)],
  };
}
