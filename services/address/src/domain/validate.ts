// The local validation verdict (modelled on Google's Address Validation API): parse → check ZIP ↔ city ↔
// state against the ZIP database (confirm, infer, spell-correct, replace), check the delivery line's form
// for its kind, geocode at ZIP-centroid (or city) granularity, and decide ACCEPT / CONFIRM / FIX.
//
// What "local" can and cannot know: the ZIP database confirms the last line; nothing local can confirm
// that a house number exists on a street, so street-level components are checked for form only
// (UNCONFIRMED_BUT_PLAUSIBLE) and local validation granularity never exceeds POSTAL_CODE. ACCEPT means
// "complete, well-formed and consistent with the ZIP database", not "delivery point confirmed".
import {
  AddressKind, ComponentType, ConfirmationLevel, Granularity, PossibleNextAction, ValidationSource,
  type AddressValidationResult, type ComponentValidation, type ParsedAddress,
} from '@clarity/proto/clarity/address/v1/address.js';
import { boundedEditDistance } from '@clarity/kit/similarity';
import { componentTypeName } from './labels.js';
import type { AddressInput, AddressParser, Parse } from './parser.js';
import { standardize } from './standardize.js';
import { unitPairs } from './units.js';
import { STATE_CODE, STATE_NAME_BY_CODE, SUFFIX_ABBREVIATION, UNIT_DESIGNATOR, UNIT_WITHOUT_ID } from './tables.js';
import { pub28Words, spellingBudget } from './text.js';
import { cityKey, distanceKm, type ZipDatabase, type ZipRecord } from './zipdb.js';

const T = ComponentType;
const C = ConfirmationLevel;

/** How far a city may lie from the ZIP's centroid and still be a plausible (vanity / neighbouring) name. */
const NEARBY_CITY_KM = 25;
const MAX_ZIP_CANDIDATES = 10;

interface Check {
  type: ComponentType;
  text: string;
  original: string;
  level: ConfirmationLevel;
  inferred: boolean;
  replaced: boolean;
  spellCorrected: boolean;
  unexpected: boolean;
}

/** A component check; every check has every field (one object shape). */
function check(type: ComponentType, text: string, original: string, level: ConfirmationLevel, flags?: { inferred?: boolean; replaced?: boolean; spellCorrected?: boolean; unexpected?: boolean }): Check {
  return {
    type, text, original, level,
    inferred: flags?.inferred ?? false,
    replaced: flags?.replaced ?? false,
    spellCorrected: flags?.spellCorrected ?? false,
    unexpected: flags?.unexpected ?? false,
  };
}

export function toParsedAddress(p: Parse): ParsedAddress {
  return {
    components: p.components.map((c) => ({ type: c.type, text: c.text, confidence: c.confidence })),
    recipient: p.fields.recipient,
    addressNumber: p.fields.addressNumber,
    streetPredirection: p.fields.streetPredirection,
    streetName: p.fields.streetName,
    streetType: p.fields.streetType,
    streetPostdirection: p.fields.streetPostdirection,
    unitType: p.fields.unitType,
    unitId: p.fields.unitId,
    poBox: p.fields.poBox,
    city: p.fields.city,
    state: p.fields.state,
    zip: p.fields.zip,
    zip4: p.fields.zip4,
    kind: p.kind,
    confidence: p.confidence,
    ruralRoute: p.fields.ruralRoute,
  };
}

export class LocalValidator {
  /** Doubts about secondary units found by the last checkDeliveryLine (CONFIRM, not FIX). */
  private unitDoubts: string[] = [];

  constructor(
    readonly parser: AddressParser,
    readonly zipdb: ZipDatabase = parser.zipdb,
  ) {}

  validate(input: AddressInput | string): AddressValidationResult {
    return this.validateParse(this.parser.parse(input));
  }

  validateParse(parse: Parse): AddressValidationResult {
    const notes: string[] = [];
    const checks: Check[] = [];
    const missing: ComponentType[] = [];
    const f = parse.fields;
    const kind = parse.kind;
    const zipCandidates: string[] = [];
    if (parse.numberedBuilding) notes.push(`building "${parse.numberedBuilding}" read as its street address (number ${f.addressNumber}, street ${f.streetName} ${f.streetType}): confirm`);

    // --- State -------------------------------------------------------------------------------------
    let state = '';
    const stateText = pub28Words(f.state);
    if (stateText) {
      const code = STATE_CODE.get(stateText);
      if (code) {
        state = code;
        checks.push(check(T.COMPONENT_TYPE_STATE_NAME, code, f.state, C.CONFIRMATION_LEVEL_CONFIRMED));
      } else {
        const corrected = this.correctState(stateText);
        if (corrected) {
          state = corrected;
          checks.push(check(T.COMPONENT_TYPE_STATE_NAME, corrected, f.state, C.CONFIRMATION_LEVEL_CONFIRMED, { spellCorrected: true }));
          notes.push(`state "${f.state}" read as ${corrected} (${STATE_NAME_BY_CODE.get(corrected)})`);
        } else {
          checks.push(check(T.COMPONENT_TYPE_STATE_NAME, stateText, f.state, C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS));
          notes.push(`state "${f.state}" is not a US state, territory or military code`);
        }
      }
    }

    // --- ZIP ---------------------------------------------------------------------------------------
    let zip = '';
    let zip4 = f.zip4;
    let rec: ZipRecord | undefined;
    let zipCheck: Check | undefined;
    if (f.zip) {
      if (isDigits(f.zip, 5)) {
        zip = f.zip;
        rec = this.zipdb.lookup(zip);
        zipCheck = check(T.COMPONENT_TYPE_ZIP_CODE, zip, parse.zipRepair?.original ?? f.zip, rec ? C.CONFIRMATION_LEVEL_CONFIRMED : C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS);
        if (parse.zipRepair) {
          // "30260.0" is only a number format; a restored leading zero is a guess worth confirming.
          if (parse.zipRepair.how === 'leading-zero') zipCheck.replaced = true;
          notes.push(parse.zipRepair.how === 'decimal' ? `ZIP "${parse.zipRepair.original}" read as ${zip} (spreadsheet number format)` : `ZIP "${parse.zipRepair.original}" read as ${zip} (leading zero restored)`);
        }
        if (!rec) notes.push(`ZIP ${zip} is not in the ZIP database`);
      } else {
        zipCheck = check(T.COMPONENT_TYPE_ZIP_CODE, pub28Words(f.zip), f.zip, C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS);
        notes.push(`"${f.zip}" is not a ZIP code`);
      }
      checks.push(zipCheck);
      if (zip4 && !isDigits(zip4, 4)) {
        checks.push(check(T.COMPONENT_TYPE_ZIP_PLUS4, zip4, zip4, C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS));
        zip4 = '';
      } else if (zip4) {
        checks.push(check(T.COMPONENT_TYPE_ZIP_PLUS4, zip4, zip4, C.CONFIRMATION_LEVEL_UNCONFIRMED_BUT_PLAUSIBLE));
      }
    }

    // --- City ↔ ZIP ↔ state ---------------------------------------------------------------------------
    let city = pub28Words(f.city);
    const cityOriginal = f.city;
    let cityCheck: Check | undefined;
    const stateCheck = checks.find((c) => c.type === T.COMPONENT_TYPE_STATE_NAME);
    if (rec) {
      if (city) {
        const named = this.zipNameWithKey(rec, cityKey(city));
        // Computed once: it walks the city's ZIPs, and both branches below ask it.
        const nearby = !named && this.isNearbyPlace(city, rec);
        if (named) {
          cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, named, cityOriginal, C.CONFIRMATION_LEVEL_CONFIRMED);
          city = named;
        } else if (nearby && cityKey(rec.city).startsWith(`${cityKey(city)} `)) {
          // HOT SPRINGS for HOT SPRINGS NATIONAL PARK: the short form of the ZIP's own place.
          cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, cityOriginal, C.CONFIRMATION_LEVEL_CONFIRMED);
        } else if (nearby) {
          cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, cityOriginal, C.CONFIRMATION_LEVEL_UNCONFIRMED_BUT_PLAUSIBLE);
          notes.push(`${city} is a place near ZIP ${zip}; the ZIP's preferred place name is ${rec.city}`);
        } else {
          const spelled = this.closest(city, this.zipNames(rec));
          if (spelled) {
            cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, spelled, cityOriginal, C.CONFIRMATION_LEVEL_CONFIRMED, { spellCorrected: true });
            notes.push(`city "${cityOriginal}" spell-corrected to ${spelled} (ZIP ${zip})`);
            city = spelled;
          } else {
            const cityStateZips = state ? this.zipdb.zipsFor(city, state) : [];
            if (cityStateZips.length > 0 && state !== rec.state) {
              // City and state agree with each other, not with the ZIP: the ZIP is the odd one out.
              rec = this.resolveZipConflict(zip, cityStateZips, zipCheck!, notes, zipCandidates, city, state);
              cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, cityOriginal, C.CONFIRMATION_LEVEL_CONFIRMED);
            } else if (cityStateZips.length > 0) {
              rec = this.resolveZipConflict(zip, cityStateZips, zipCheck!, notes, zipCandidates, city, state);
              cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, cityOriginal, C.CONFIRMATION_LEVEL_CONFIRMED);
            } else {
              cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, rec.city, cityOriginal, C.CONFIRMATION_LEVEL_CONFIRMED, { replaced: true });
              notes.push(`city "${cityOriginal}" does not match ZIP ${zip}: replaced by the ZIP's place ${rec.city}`);
              city = rec.city;
            }
          }
        }
      } else {
        city = rec.city;
        cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, '', C.CONFIRMATION_LEVEL_CONFIRMED, { inferred: true });
        notes.push(`city ${city} inferred from ZIP ${zip}`);
      }
      if (rec) {
        if (!state) {
          state = rec.state;
          checks.push(check(T.COMPONENT_TYPE_STATE_NAME, state, '', C.CONFIRMATION_LEVEL_CONFIRMED, { inferred: true }));
          notes.push(`state ${state} inferred from ZIP ${rec.zip}`);
        } else if (state !== rec.state && stateCheck) {
          stateCheck.original = f.state;
          stateCheck.text = rec.state;
          stateCheck.replaced = true;
          stateCheck.level = C.CONFIRMATION_LEVEL_CONFIRMED;
          notes.push(`state ${state} does not match ZIP ${rec.zip} (${rec.city}, ${rec.state}): replaced by ${rec.state}`);
          state = rec.state;
        }
      }
    } else if (city && state) {
      let zips = this.zipdb.zipsFor(city, state);
      if (zips.length === 0) {
        const spelled = this.closest(city, this.zipdb.citiesIn(state));
        if (spelled) {
          notes.push(`city "${cityOriginal}" spell-corrected to ${spelled} (${state})`);
          city = spelled;
          zips = this.zipdb.zipsFor(city, state);
          cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, cityOriginal, C.CONFIRMATION_LEVEL_CONFIRMED, { spellCorrected: true });
        } else {
          cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, cityOriginal, C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS);
          notes.push(`no place named ${city} in ${state} in the ZIP database`);
        }
      } else {
        cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, cityOriginal, C.CONFIRMATION_LEVEL_CONFIRMED);
      }
      if (zips.length > 0 && !zipCheck) {
        if (zips.length === 1) {
          zip = zips[0]!;
          rec = this.zipdb.lookup(zip);
          checks.push(check(T.COMPONENT_TYPE_ZIP_CODE, zip, '', C.CONFIRMATION_LEVEL_CONFIRMED, { inferred: true }));
          notes.push(`ZIP ${zip} inferred: the only ZIP of ${city}, ${state}`);
        } else {
          zipCandidates.push(...zips.slice(0, MAX_ZIP_CANDIDATES));
          notes.push(`ZIP missing: ${city}, ${state} has ${zips.length} ZIP codes (candidates listed)`);
        }
      } else if (zips.length > 0 && zipCheck) {
        zipCandidates.push(...this.nearestCandidates(zip, zips));
        notes.push(`ZIP ${f.zip} is unknown; ${city}, ${state} has ${zips.length} ZIP codes (candidates listed)`);
      }
    } else if (city) {
      cityCheck = check(T.COMPONENT_TYPE_PLACE_NAME, city, cityOriginal, this.zipdb.isCityKey(cityKey(city)) ? C.CONFIRMATION_LEVEL_UNCONFIRMED_BUT_PLAUSIBLE : C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS);
    }
    if (cityCheck) checks.push(cityCheck);
    if (!city) missing.push(T.COMPONENT_TYPE_PLACE_NAME);
    if (!state) missing.push(T.COMPONENT_TYPE_STATE_NAME);
    if (!zip || !isDigits(zip, 5)) {
      if (!f.zip) missing.push(T.COMPONENT_TYPE_ZIP_CODE);
    }

    // --- Delivery line ----------------------------------------------------------------------------------
    this.unitDoubts = [];
    // The unit pairs are read once here and again by standardize.
    const units = unitPairs(parse.tokens);
    const deliveryComplete = this.checkDeliveryLine(parse, kind, checks, missing, notes, units);
    const unitDoubts = this.unitDoubts;
    notes.push(...unitDoubts);

    // --- Unexpected tokens ----------------------------------------------------------------------------
    for (const c of parse.components) {
      if (c.type === T.COMPONENT_TYPE_NOT_ADDRESS) {
        checks.push(check(c.type, pub28Words(c.text), c.text, C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS, { unexpected: true }));
        notes.push(`"${c.text}" is not part of an address`);
      } else if (c.type === T.COMPONENT_TYPE_COUNTRY_NAME) {
        const us = /^(US|USA|U S A|U S|UNITED STATES|UNITED STATES OF AMERICA|AMERICA)$/.test(pub28Words(c.text));
        checks.push(check(c.type, pub28Words(c.text), c.text, us ? C.CONFIRMATION_LEVEL_CONFIRMED : C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS, { unexpected: !us }));
        if (!us) notes.push(`country "${c.text}" is not the United States`);
      }
    }

    // --- Standardized form ------------------------------------------------------------------------------
    const std = standardize(parse.tokens, {
      recipient: f.recipient, addressNumber: f.addressNumber, streetPredirection: f.streetPredirection, streetName: f.streetName,
      streetType: f.streetType, streetPostdirection: f.streetPostdirection, unitType: f.unitType, unitId: f.unitId, poBox: f.poBox,
      ruralRoute: f.ruralRoute, city, state, zip: zip || (f.zip && isDigits(f.zip, 5) ? f.zip : ''), zip4,
    }, kind, units);

    // --- Geocode ---------------------------------------------------------------------------------------
    let geocode: AddressValidationResult['geocode'];
    if (rec?.lat !== undefined && rec.lon !== undefined) {
      geocode = { latitude: rec.lat, longitude: rec.lon, granularity: Granularity.GRANULARITY_POSTAL_CODE };
    } else if (city && state) {
      // Mean of the city's ZIP centroids, summed in ZIP order as before; no ZipRecord per ZIP (a big city has hundreds).
      let count = 0;
      let latSum = 0;
      let lonSum = 0;
      for (const z of this.zipdb.zipsFor(city, state)) {
        const lat = this.zipdb.latOf(z);
        if (lat === undefined) continue;
        latSum += lat;
        lonSum += this.zipdb.lonOf(z)!;
        count += 1;
      }
      if (count > 0) {
        geocode = {
          latitude: round4(latSum / count),
          longitude: round4(lonSum / count),
          granularity: Granularity.GRANULARITY_LOCALITY,
        };
      }
    }

    // --- Verdict -------------------------------------------------------------------------------------
    let suspiciousCount = 0;
    let suspiciousState = false;
    let inferred = false;
    let replaced = false;
    let spell = false;
    let unexpected = false;
    let plausibleOnly = false;
    for (const c of checks) {
      if (c.level === C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS) {
        suspiciousCount += 1;
        if (c.type === T.COMPONENT_TYPE_STATE_NAME) suspiciousState = true;
      }
      if (c.inferred) inferred = true;
      if (c.replaced) replaced = true;
      if (c.spellCorrected) spell = true;
      if (c.unexpected) unexpected = true;
      if (c.type === T.COMPONENT_TYPE_PLACE_NAME && c.level === C.CONFIRMATION_LEVEL_UNCONFIRMED_BUT_PLAUSIBLE) plausibleOnly = true;
    }
    const zipOk = Boolean(rec) && zipCheck?.level !== C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS;
    const lastLineOk = zipOk && Boolean(city) && Boolean(state) && cityCheck?.level !== C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS;
    const addressComplete = deliveryComplete && lastLineOk && missing.length === 0 && suspiciousCount === 0 && !unexpected;
    const inputGranularity = this.inputGranularity(parse);
    let validationGranularity = Granularity.GRANULARITY_OTHER;
    if (zipOk && rec) validationGranularity = Granularity.GRANULARITY_POSTAL_CODE;
    else if (city && state && cityCheck?.level === C.CONFIRMATION_LEVEL_CONFIRMED) validationGranularity = Granularity.GRANULARITY_LOCALITY;
    else if (state && !suspiciousState) validationGranularity = Granularity.GRANULARITY_ADMINISTRATIVE_AREA;

    let action: PossibleNextAction;
    // The reading's confidence: a unit named Subaddress or Occupancy reads the same.
    const reading = parse.readingConfidence;
    if (!addressComplete || reading < 0.35 || kind === AddressKind.ADDRESS_KIND_UNKNOWN) action = PossibleNextAction.POSSIBLE_NEXT_ACTION_FIX;
    else if (inferred || replaced || spell || plausibleOnly || unitDoubts.length > 0 || reading < 0.8 || parse.zipRepair?.how === 'leading-zero' || parse.numberedBuilding) action = PossibleNextAction.POSSIBLE_NEXT_ACTION_CONFIRM;
    else action = PossibleNextAction.POSSIBLE_NEXT_ACTION_ACCEPT;

    // Confidence: the parse's probability, discounted for every doubt validation found.
    let confidence = reading;
    for (const c of checks) {
      if (c.level === C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS) confidence *= 0.5;
      else if (c.replaced) confidence *= 0.8;
      else if (c.spellCorrected) confidence *= 0.9;
      else if (c.inferred) confidence *= 0.95;
      else if (c.level === C.CONFIRMATION_LEVEL_UNCONFIRMED_BUT_PLAUSIBLE && c.type === T.COMPONENT_TYPE_PLACE_NAME) confidence *= 0.9;
    }
    confidence *= 0.7 ** missing.length;
    if (kind === AddressKind.ADDRESS_KIND_UNKNOWN) confidence = Math.min(confidence, 0.2);

    const components: ComponentValidation[] = checks.map((c) => {
      const original = c.original.trim();
      return {
        type: c.type,
        text: c.text,
        originalText: original && pub28Words(original) !== c.text ? original : '',
        confirmationLevel: c.level,
        inferred: Boolean(c.inferred),
        replaced: Boolean(c.replaced),
        spellCorrected: Boolean(c.spellCorrected),
        unexpected: Boolean(c.unexpected),
      };
    });
    const parsed = toParsedAddress(parse);
    return {
      verdict: {
        inputGranularity,
        validationGranularity,
        geocodeGranularity: geocode?.granularity ?? Granularity.GRANULARITY_OTHER,
        addressComplete,
        hasUnconfirmedComponents: suspiciousCount > 0 || plausibleOnly || unitDoubts.length > 0,
        hasInferredComponents: inferred,
        hasReplacedComponents: replaced,
        hasSpellCorrectedComponents: spell,
        possibleNextAction: action,
      },
      parsed,
      standardized: {
        deliveryLine: std.deliveryLine,
        lastLine: std.lastLine,
        singleLine: std.singleLine,
        address: {
          line1: std.deliveryLine,
          line2: '',
          city: std.fields.city,
          state: std.fields.state,
          postalCode: std.fields.zip && std.fields.zip4 ? `${std.fields.zip}-${std.fields.zip4}` : std.fields.zip,
          countryCode: 'US',
          freeform: '',
          recipient: std.fields.recipient,
        },
      },
      components,
      geocode,
      missingComponentTypes: missing.length === 0 ? [] : [...new Set(missing)].map(componentTypeName),
      unconfirmedComponentTypes: unconfirmedTypes(checks),
      zipCandidates: zipCandidates.length === 0 ? [] : [...new Set(zipCandidates)].slice(0, MAX_ZIP_CANDIDATES),
      confidence: Math.round(Math.max(0, Math.min(1, confidence)) * 1000) / 1000,
      source: ValidationSource.VALIDATION_SOURCE_LOCAL,
      notes,
    };
  }

  private zipNames(rec: ZipRecord): string[] {
    return [rec.city, ...rec.alternates];
  }

  /** The ZIP's first place name (preferred, then alternates) whose city key is `key`; the keys are cached per ZIP. */
  private zipNameWithKey(rec: ZipRecord, key: string): string | undefined {
    const keys = this.zipdb.placeKeys(rec.zip);
    if (keys === undefined) return this.zipNames(rec).find((n) => cityKey(n) === key);
    for (let k = 0; k < keys.length; k++) if (keys[k] === key) return k === 0 ? rec.city : rec.alternates[k - 1];
    return undefined;
  }

  /** A different place of the same state close to the ZIP (vanity names such as HOLLYWOOD for LOS ANGELES ZIPs). */
  private isNearbyPlace(city: string, rec: ZipRecord): boolean {
    if (rec.lat === undefined || rec.lon === undefined) return false;
    for (const z of this.zipdb.zipsFor(city, rec.state)) {
      const lat = this.zipdb.latOf(z);
      if (lat !== undefined && distanceKm(rec.lat, rec.lon, lat, this.zipdb.lonOf(z)!) <= NEARBY_CITY_KM) return true;
    }
    return false;
  }

  /** Spelling keys of a state's place names and their indexes by key length, computed once per list. */
  private readonly spellIndexOf = new WeakMap<readonly string[], SpellIndex>();

  /** The single closest name within the spelling budget, or undefined (none, or a tie). */
  private closest(name: string, candidates: readonly string[]): string | undefined {
    const key = spellKey(name);
    const budget = spellingBudget(key.length);
    if (budget === 0) return undefined;
    let index = this.spellIndexOf.get(candidates);
    if (index === undefined) {
      index = spellIndex(candidates);
      // Only long lists (a state's places) are worth keeping; a ZIP's names are built per call.
      if (candidates.length > 8) this.spellIndexOf.set(candidates, index);
    }
    // Only names whose key length is within the budget can be close enough: a state has thousands of
    // names, a few hundred of each length. The outcome does not depend on the visiting order: the best
    // distance, a tie when names at that distance have different city keys, else the first such name.
    let bestIndex = -1;
    let bestD = budget + 1;
    let tie = false;
    const top = Math.min(key.length + budget, index.byLength.length - 1);
    for (let length = Math.max(0, key.length - budget); length <= top; length++) {
      const ofLength = index.byLength[length];
      if (ofLength === undefined) continue;
      for (const k of ofLength) {
        const d = boundedEditDistance(key, index.keys[k]!, budget);
        if (d < bestD) {
          bestIndex = k;
          bestD = d;
          tie = false;
        } else if (d === bestD && bestIndex >= 0) {
          if (cityKey(candidates[k]!) !== cityKey(candidates[bestIndex]!)) tie = true;
          else if (k < bestIndex) bestIndex = k;
        }
      }
    }
    return bestD <= budget && !tie ? candidates[bestIndex] : undefined;
  }

  private correctState(text: string): string | undefined {
    const names = [...STATE_NAME_BY_CODE.entries()];
    let best: string | undefined;
    let bestD = 3;
    for (const [code, name] of names) {
      const budget = spellingBudget(name.length);
      const d = boundedEditDistance(text, name, budget);
      if (d <= budget && d < bestD) {
        best = code;
        bestD = d;
      }
    }
    return best;
  }

  /**
   * The written ZIP disagrees with a city and state that agree with each other. One candidate ZIP one
   * edit away (a typo) replaces it; otherwise it is marked suspicious and candidates are listed.
   */
  private resolveZipConflict(zip: string, cityZips: string[], zipCheck: { text: string; level: ConfirmationLevel; replaced?: boolean; original: string }, notes: string[], candidates: string[], city: string, state: string): ZipRecord | undefined {
    const near = cityZips.filter((z) => boundedEditDistance(z, zip, 1) <= 1);
    if (near.length === 1) {
      const fixed = near[0]!;
      zipCheck.original = zipCheck.original || zip;
      zipCheck.text = fixed;
      zipCheck.level = C.CONFIRMATION_LEVEL_CONFIRMED;
      zipCheck.replaced = true;
      notes.push(`ZIP ${zip} does not belong to ${city}, ${state}: replaced by ${fixed} (one digit away)`);
      return this.zipdb.lookup(fixed);
    }
    zipCheck.level = C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS;
    candidates.push(...this.nearestCandidates(zip, cityZips));
    notes.push(`ZIP ${zip} does not belong to ${city}, ${state} (candidates listed)`);
    return undefined;
  }

  /** Candidate ZIPs ordered by numeric closeness to the written one. */
  private nearestCandidates(zip: string, zips: string[]): string[] {
    const n = Number(zip);
    return [...zips].sort((a, b) => (Number.isFinite(n) ? Math.abs(Number(a) - n) - Math.abs(Number(b) - n) : a.localeCompare(b))).slice(0, MAX_ZIP_CANDIDATES);
  }

  /** Form checks of the delivery line for its kind; returns whether it is complete. */
  private checkDeliveryLine(parse: Parse, kind: AddressKind, checks: Check[], missing: ComponentType[], notes: string[], units: ReadonlyArray<[string, string]>): boolean {
    const f = parse.fields;
    const plausible = (type: ComponentType, text: string) => checks.push(check(type, pub28Words(text), text, C.CONFIRMATION_LEVEL_UNCONFIRMED_BUT_PLAUSIBLE));
    const suspicious = (type: ComponentType, text: string, note: string) => {
      checks.push(check(type, pub28Words(text), text, C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS));
      notes.push(note);
    };
    let complete = true;
    switch (kind) {
      case AddressKind.ADDRESS_KIND_STREET: {
        if (f.addressNumber) {
          if (hasDigit(f.addressNumber) || /^(ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN)$/i.test(f.addressNumber)) plausible(T.COMPONENT_TYPE_ADDRESS_NUMBER, f.addressNumber);
          else suspicious(T.COMPONENT_TYPE_ADDRESS_NUMBER, f.addressNumber, `house number "${f.addressNumber}" has no digits`);
        } else {
          missing.push(T.COMPONENT_TYPE_ADDRESS_NUMBER);
          complete = false;
        }
        if (f.streetName) plausible(T.COMPONENT_TYPE_STREET_NAME, f.streetName);
        else {
          missing.push(T.COMPONENT_TYPE_STREET_NAME);
          complete = false;
        }
        if (f.streetType) {
          if (SUFFIX_ABBREVIATION.has(pub28Words(f.streetType))) plausible(T.COMPONENT_TYPE_STREET_NAME_POST_TYPE, f.streetType);
          else suspicious(T.COMPONENT_TYPE_STREET_NAME_POST_TYPE, f.streetType, `"${f.streetType}" is not a USPS street suffix`);
        }
        break;
      }
      case AddressKind.ADDRESS_KIND_PO_BOX:
        if (f.poBox) plausible(T.COMPONENT_TYPE_USPS_BOX_ID, f.poBox);
        else {
          missing.push(T.COMPONENT_TYPE_USPS_BOX_ID);
          complete = false;
        }
        break;
      case AddressKind.ADDRESS_KIND_RURAL_ROUTE:
      case AddressKind.ADDRESS_KIND_MILITARY:
        if (hasDigit(f.ruralRoute)) plausible(T.COMPONENT_TYPE_USPS_BOX_GROUP_ID, f.ruralRoute);
        else {
          missing.push(T.COMPONENT_TYPE_USPS_BOX_GROUP_ID);
          complete = false;
        }
        if (f.poBox) plausible(T.COMPONENT_TYPE_USPS_BOX_ID, f.poBox);
        else if (kind === AddressKind.ADDRESS_KIND_MILITARY) {
          missing.push(T.COMPONENT_TYPE_USPS_BOX_ID);
          complete = false;
        }
        break;
      case AddressKind.ADDRESS_KIND_GENERAL_DELIVERY:
        break;
      case AddressKind.ADDRESS_KIND_INTERSECTION:
        notes.push('an intersection is not a deliverable address');
        complete = false;
        break;
      default:
        missing.push(T.COMPONENT_TYPE_ADDRESS_NUMBER, T.COMPONENT_TYPE_STREET_NAME);
        notes.push('no street address, PO box or rural route found');
        complete = false;
    }
    // Every designator / identifier pair of the line ("STE 100 PMB 1092").
    for (const [designatorText, id] of units) {
      const designator = UNIT_DESIGNATOR.get(pub28Words(designatorText)) ?? (designatorText === '#' ? '#' : undefined);
      if (designatorText && !designator) {
        plausible(T.COMPONENT_TYPE_OCCUPANCY_TYPE, designatorText);
        this.unitDoubts.push(`"${designatorText}" is not a USPS secondary unit designator`);
      } else if (designatorText) plausible(T.COMPONENT_TYPE_OCCUPANCY_TYPE, designatorText);
      if (id) plausible(T.COMPONENT_TYPE_OCCUPANCY_IDENTIFIER, id);
      else if (designator && !UNIT_WITHOUT_ID.has(designator) && designator !== '#') this.unitDoubts.push(`unit designator ${designator} without a unit number`);
    }
    return complete;
  }

  private inputGranularity(parse: Parse): Granularity {
    const f = parse.fields;
    switch (parse.kind) {
      case AddressKind.ADDRESS_KIND_STREET:
        if (f.addressNumber && f.streetName) return f.unitId || (f.unitType && UNIT_WITHOUT_ID.has(UNIT_DESIGNATOR.get(pub28Words(f.unitType)) ?? '')) ? Granularity.GRANULARITY_SUB_PREMISE : Granularity.GRANULARITY_PREMISE;
        return Granularity.GRANULARITY_ROUTE;
      case AddressKind.ADDRESS_KIND_PO_BOX:
      case AddressKind.ADDRESS_KIND_RURAL_ROUTE:
      case AddressKind.ADDRESS_KIND_MILITARY:
        return f.poBox || f.ruralRoute ? Granularity.GRANULARITY_PREMISE : Granularity.GRANULARITY_ROUTE;
      case AddressKind.ADDRESS_KIND_GENERAL_DELIVERY:
        return Granularity.GRANULARITY_POSTAL_CODE;
      case AddressKind.ADDRESS_KIND_INTERSECTION:
        return Granularity.GRANULARITY_ROUTE;
      default:
        if (f.zip) return Granularity.GRANULARITY_POSTAL_CODE;
        if (f.city) return Granularity.GRANULARITY_LOCALITY;
        if (f.state) return Granularity.GRANULARITY_ADMINISTRATIVE_AREA;
        return Granularity.GRANULARITY_OTHER;
    }
  }
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

/** Exactly `n` ASCII digits (the /^\d{n}$/ test without a regex on the hot path). */
function isDigits(s: string, n: number): boolean {
  if (s.length !== n) return false;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Some ASCII digit (/\d/). */
function hasDigit(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Types of the checks that are not confirmed (suspicious ones, and plausible-only place names), once each. */
function unconfirmedTypes(checks: readonly Check[]): string[] {
  const out: string[] = [];
  for (const c of checks) {
    if (!(c.level !== C.CONFIRMATION_LEVEL_CONFIRMED && (c.level === C.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS || c.type === T.COMPONENT_TYPE_PLACE_NAME))) continue;
    const name = componentTypeName(c.type);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

interface SpellIndex {
  keys: string[];
  /** key length → indexes of the names with a key that long, in list order. */
  byLength: number[][];
}

function spellIndex(names: readonly string[]): SpellIndex {
  const keys = names.map(spellKey);
  const byLength: number[][] = [];
  for (let k = 0; k < keys.length; k++) (byLength[keys[k]!.length] ??= []).push(k);
  return { keys, byLength };
}

/** Spelling is compared on the plain letters (no abbreviation unification: "VEIW" must stay near "VIEW"). */
function spellKey(x: string): string {
  const w = pub28Words(x);
  // Most names are letters, digits and spaces already: skip the regex (it runs for every candidate name).
  for (let k = 0; k < w.length; k++) {
    const c = w.charCodeAt(k);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 32)) return w.replace(/[^A-Z0-9 ]/g, '');
  }
  return w;
}
