// Standardization (USPS Pub 28) and the local verdict: ZIP ↔ city ↔ state from the ZIP database,
// inferred / replaced / spell-corrected components, ZIP candidates, geocode, ACCEPT / CONFIRM / FIX.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComponentType, ConfirmationLevel, Granularity, PossibleNextAction as A } from '@clarity/proto/clarity/address/v1/address.js';
import { AddressParser } from '../src/domain/parser.js';
import { LocalValidator } from '../src/domain/validate.js';
import { boundedEditDistance as editDistance } from '@clarity/kit/similarity';
import { pub28Words, spellingBudget } from '../src/domain/text.js';
import { cityKey, zipDatabase } from '../src/domain/zipdb.js';

const v = new LocalValidator(new AddressParser());
const comp = (r: ReturnType<LocalValidator['validate']>, type: ComponentType) => r.components.find((c) => c.type === type);

describe('ZIP database', () => {
  it('holds the states, territories and military ZIPs', () => {
    const db = zipDatabase();
    assert.ok(db.size > 40_000);
    assert.equal(db.lookup('95670')?.city, 'RANCHO CORDOVA');
    assert.equal(db.lookup('00901')?.state, 'PR');
    assert.equal(db.lookup('09001')?.state, 'AE');
    assert.ok(db.zipsFor('Rancho Cordova', 'CA').includes('95670'));
    assert.equal(cityKey('Saint Louis'), cityKey('ST. LOUIS'));
  });

  it('centroid accessors give exactly what lookup() gives, for every ZIP', () => {
    const db = zipDatabase();
    let withCentroid = 0;
    for (let n = 0; n < 100_000; n++) {
      const zip = String(n).padStart(5, '0');
      const rec = db.lookup(zip);
      assert.equal(db.latOf(zip), rec?.lat, zip);
      assert.equal(db.lonOf(zip), rec?.lon, zip);
      if (rec?.lat !== undefined) withCentroid += 1;
    }
    assert.ok(withCentroid > 40_000);
    assert.equal(db.latOf('9567'), undefined);
  });
});

describe('standardization (Pub 28)', () => {
  it('abbreviates suffixes, directionals, unit designators and states; upper case; no punctuation', () => {
    const r = v.validate({ line1: '4066 north Shelburne Road, Suite 2', city: 'Shelburne', state: 'Vermont', postalCode: '05482-6908' });
    assert.equal(r.standardized!.deliveryLine, '4066 N SHELBURNE RD STE 2');
    assert.equal(r.standardized!.lastLine, 'SHELBURNE VT 05482-6908');
    assert.equal(r.standardized!.singleLine, '4066 N SHELBURNE RD STE 2 SHELBURNE VT 05482-6908');
    assert.equal(r.standardized!.address!.postalCode, '05482-6908');
  });

  it('keeps every secondary unit in order ("STE 100 PMB 1092")', () => {
    const r = v.validate({ line1: '645 G ST STE 100 PMB 1092', city: 'ANCHORAGE', state: 'AK', postalCode: '99501-3471' });
    assert.equal(r.standardized!.deliveryLine, '645 G ST STE 100 PMB 1092');
    assert.deepEqual([r.parsed!.unitType, r.parsed!.unitId], ['STE', '100']);
  });

  it('a floor written after its number is one unit, its ordinal a number ("34TH FLOOR" → "FL 34")', () => {
    assert.equal(v.validate('350 Fifth Avenue, 34th Floor, New York, NY 10118').standardized!.deliveryLine, '350 FIFTH AVE FL 34');
    assert.equal(v.validate('500 Main St 3rd Fl Springfield IL 62701').standardized!.deliveryLine, '500 MAIN ST FL 3');
    assert.equal(v.validate('500 Main St Apt 4 Fl 2 Springfield IL 62701').standardized!.deliveryLine, '500 MAIN ST APT 4 FL 2');
  });
  it('PO box and rural route delivery lines', () => {
    assert.equal(v.validate('P.O. Box 123, Atlanta, GA 30301').standardized!.deliveryLine, 'PO BOX 123');
    assert.equal(v.validate('Rural Route 2 Box 152, Grafton, VT 05146').standardized!.deliveryLine, 'RR 2 BOX 152');
  });

  it('a primary number written as a word is filed as its numeral ("ONE MICROSOFT WAY" → "1 MICROSOFT WAY")', () => {
    const r = v.validate('One Microsoft Way, Redmond, WA 98052');
    assert.equal(r.standardized!.deliveryLine, '1 MICROSOFT WAY');
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_ACCEPT);
  });

  it('a numbered building name is read as its street address, to be confirmed ("ONE WORLD TRADE CENTER" → "1 WORLD TRADE CTR")', () => {
    const r = v.validate('One World Trade Center, Suite 8500, New York, NY 10007');
    // The parse keeps the building name (as the labeled data names it); the fields carry the street address.
    assert.ok(r.parsed!.components.some((c) => c.type === ComponentType.COMPONENT_TYPE_BUILDING_NAME));
    assert.deepEqual([r.parsed!.addressNumber, r.parsed!.streetName, r.parsed!.streetType], ['One', 'World Trade', 'Center']);
    assert.equal(r.standardized!.deliveryLine, '1 WORLD TRADE CTR STE 8500');
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_CONFIRM);
    assert.ok(r.verdict!.addressComplete);
    assert.ok(r.notes.some((n) => n.includes('read as its street address')), r.notes.join('; '));
    // A building name without a street suffix at its end is no street address: still incomplete.
    const tower = v.validate('Wells Fargo Tower, Suite 100, Los Angeles, CA 90071');
    assert.equal(tower.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_FIX);
  });

  it('pre-types are spelled out as USPS does', () => {
    assert.match(v.validate('1005 Hwy 116, Sebastopol, CA 95472').standardized!.deliveryLine, /^1005 HIGHWAY 116$/);
  });

  it('text helpers', () => {
    assert.equal(pub28Words("O'Hare Int'l Ave., #5"), 'OHARE INTL AVE #5');
    assert.equal(pub28Words('123-45 1/2 Main'), '123-45 1/2 MAIN');
    assert.equal(editDistance('MOUNTAIN VEIW', 'MOUNTAIN VIEW', 2), 1);
    assert.equal(editDistance('ABC', 'XYZ', 1), 2);
  });

  it('spell correction against a state\'s places (length-bucketed) picks what a scan of the whole list picks', () => {
    // The plain scan the bucketed search replaced: first name at the best distance; a tie between
    // different places gives nothing.
    const spellKey = (x: string) => pub28Words(x).replace(/[^A-Z0-9 ]/g, '');
    const scan = (name: string, candidates: readonly string[]) => {
      const key = spellKey(name);
      const budget = spellingBudget(key.length);
      if (budget === 0) return undefined;
      let best: string | undefined;
      let bestD = budget + 1;
      let tie = false;
      for (const c of candidates) {
        const ck = spellKey(c);
        if (Math.abs(ck.length - key.length) > budget) continue;
        const d = editDistance(key, ck, budget);
        if (d < bestD) {
          best = c;
          bestD = d;
          tie = false;
        } else if (d === bestD && best !== undefined && cityKey(c) !== cityKey(best)) tie = true;
      }
      return bestD <= budget && !tie ? best : undefined;
    };
    const closest = (v as unknown as { closest(n: string, c: readonly string[]): string | undefined }).closest.bind(v);
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    let found = 0;
    let compared = 0;
    for (const state of ['CA', 'NY', 'TX', 'PA', 'VT']) {
      const places = zipDatabase().citiesIn(state);
      for (let n = 0; n < 300; n++) {
        const name = places[random(places.length)]!;
        const at = random(name.length);
        const letter = String.fromCharCode(65 + random(26));
        const typo = [name.slice(0, at) + name.slice(at + 1), name.slice(0, at) + letter + name.slice(at + 1), name.slice(0, at) + letter + name.slice(at), name][random(4)]!;
        const expected = scan(typo, places);
        assert.equal(closest(typo, places), expected, `${state} ${typo}`);
        compared += 1;
        if (expected !== undefined) found += 1;
      }
    }
    assert.ok(found > compared / 3, `${found} of ${compared} corrected`);
  });
});

describe('local verdict', () => {
  it('a complete, consistent address is ACCEPTed at POSTAL_CODE validation granularity with a ZIP-centroid geocode', () => {
    const r = v.validate('10600 FOLSOM BLVD RANCHO CORDOVA 95670 CA');
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_ACCEPT);
    assert.equal(r.verdict!.inputGranularity, Granularity.GRANULARITY_PREMISE);
    assert.equal(r.verdict!.validationGranularity, Granularity.GRANULARITY_POSTAL_CODE);
    assert.equal(r.verdict!.addressComplete, true);
    assert.equal(r.geocode!.granularity, Granularity.GRANULARITY_POSTAL_CODE);
    assert.ok(Math.abs(r.geocode!.latitude - 38.6) < 0.1 && Math.abs(r.geocode!.longitude + 121.3) < 0.1);
    assert.equal(comp(r, ComponentType.COMPONENT_TYPE_PLACE_NAME)!.confirmationLevel, ConfirmationLevel.CONFIRMATION_LEVEL_CONFIRMED);
    assert.ok(r.confidence > 0.8);
  });

  it('a unit the model may name Subaddress or Occupancy does not make the reading doubtful', () => {
    const p = new AddressParser().parse('200 E Randolph St Fl 25 Chicago IL 60601-6436');
    assert.ok(p.confidence < 0.8, `the exact labels are split between two namings (${p.confidence})`);
    assert.ok(p.readingConfidence >= 0.8, `the reading is not (${p.readingConfidence})`);
    const r = v.validate('200 E Randolph St Fl 25 Chicago IL 60601-6436');
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_ACCEPT);
    assert.equal(r.standardized!.deliveryLine, '200 E RANDOLPH ST FL 25');
    // Without a unit, reading and exact confidence are the same number.
    const plain = new AddressParser().parse('1 Microsoft Way, Redmond, WA 98052');
    assert.equal(plain.readingConfidence, plain.confidence);
  });
  it('city and state are inferred from the ZIP (CONFIRM)', () => {
    const r = v.validate({ line1: '10600 FOLSOM BLVD', postalCode: '95670' });
    assert.equal(r.standardized!.lastLine, 'RANCHO CORDOVA CA 95670');
    assert.equal(r.verdict!.hasInferredComponents, true);
    assert.equal(comp(r, ComponentType.COMPONENT_TYPE_PLACE_NAME)!.inferred, true);
    assert.equal(comp(r, ComponentType.COMPONENT_TYPE_STATE_NAME)!.inferred, true);
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_CONFIRM);
  });

  it('ZIP candidates come from city and state when the ZIP is missing (FIX)', () => {
    const r = v.validate({ line1: '10600 FOLSOM BLVD', city: 'Sacramento', state: 'CA' });
    assert.ok(r.zipCandidates.length > 1 && r.zipCandidates.length <= 10);
    assert.ok(r.zipCandidates.every((z) => zipDatabase().lookup(z)?.city === 'SACRAMENTO'));
    assert.ok(r.missingComponentTypes.includes('ZIP_CODE'));
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_FIX);
    assert.equal(r.geocode!.granularity, Granularity.GRANULARITY_LOCALITY);
  });

  it('a misspelled city is spell-corrected against the ZIP\'s places', () => {
    const r = v.validate('1600 Amphitheatre Pkwy, Mountain Veiw, CA 94043');
    const city = comp(r, ComponentType.COMPONENT_TYPE_PLACE_NAME)!;
    assert.equal(city.text, 'MOUNTAIN VIEW');
    assert.equal(city.spellCorrected, true);
    assert.equal(city.originalText, 'Mountain Veiw');
    assert.equal(r.verdict!.hasSpellCorrectedComponents, true);
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_CONFIRM);
  });

  it('a state that contradicts ZIP and city is replaced', () => {
    const r = v.validate({ line1: '10600 FOLSOM BLVD', city: 'RANCHO CORDOVA', state: 'NV', postalCode: '95670' });
    const st = comp(r, ComponentType.COMPONENT_TYPE_STATE_NAME)!;
    assert.equal(st.text, 'CA');
    assert.equal(st.replaced, true);
    assert.equal(r.verdict!.hasReplacedComponents, true);
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_CONFIRM);
  });

  it('a ZIP that contradicts a consistent city and state is suspicious, with candidates', () => {
    const r = v.validate({ line1: '100 MAIN ST', city: 'BOSTON', state: 'MA', postalCode: '95670' });
    assert.equal(comp(r, ComponentType.COMPONENT_TYPE_ZIP_CODE)!.confirmationLevel, ConfirmationLevel.CONFIRMATION_LEVEL_UNCONFIRMED_AND_SUSPICIOUS);
    assert.ok(r.zipCandidates.length > 0 && r.zipCandidates.every((z) => z.startsWith('02')));
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_FIX);
  });

  it('a one-digit ZIP typo for the city is replaced', () => {
    const r = v.validate({ line1: '10600 FOLSOM BLVD', city: 'RANCHO CORDOVA', state: 'CA', postalCode: '95679' });
    const zip = comp(r, ComponentType.COMPONENT_TYPE_ZIP_CODE)!;
    assert.equal(zip.text, '95670');
    assert.equal(zip.replaced, true);
  });

  it('ZIPs like "30260.0" and "5146" get a verdict and a note, not an error', () => {
    const a = v.validate({ line1: '1 MAIN ST', city: 'MORROW', state: 'GA', postalCode: '30260.0' });
    assert.equal(a.standardized!.address!.postalCode, '30260');
    assert.ok(a.notes.some((n) => n.includes('30260.0')));
    assert.equal(comp(a, ComponentType.COMPONENT_TYPE_ZIP_CODE)!.replaced, false, 'a number format is not a replacement');
    const b = v.validate({ line1: 'RR 2 BOX 152', city: 'GRAFTON', state: 'VT', postalCode: '5146' });
    assert.equal(b.standardized!.address!.postalCode, '05146');
    assert.equal(comp(b, ComponentType.COMPONENT_TYPE_ZIP_CODE)!.replaced, true);
    assert.equal(comp(b, ComponentType.COMPONENT_TYPE_ZIP_CODE)!.confirmationLevel, ConfirmationLevel.CONFIRMATION_LEVEL_CONFIRMED);
    assert.equal(b.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_CONFIRM);
  });

  it('missing pieces make the address incomplete (FIX) and are listed', () => {
    const r = v.validate('FOLSOM BLVD RANCHO CORDOVA CA 95670');
    assert.equal(r.verdict!.addressComplete, false);
    assert.ok(r.missingComponentTypes.includes('ADDRESS_NUMBER'));
    assert.equal(r.verdict!.inputGranularity, Granularity.GRANULARITY_ROUTE);
    assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_FIX);
  });

  it('place-name variants: MC GEHEE = MCGEHEE, PLNS = PLAINS, a short form of the ZIP\'s place is confirmed', () => {
    assert.equal(cityKey('MCGEHEE'), cityKey('Mc Gehee'));
    assert.equal(cityKey('PLEASANT PLNS'), cityKey('Pleasant Plains'));
    const r = v.validate({ line1: 'PO BOX 3150', city: 'HOT SPRINGS', state: 'AR', postalCode: '71914' });
    assert.equal(comp(r, ComponentType.COMPONENT_TYPE_PLACE_NAME)!.confirmationLevel, ConfirmationLevel.CONFIRMATION_LEVEL_CONFIRMED);
  });

  it('an unknown unit designator or a designator without number asks to CONFIRM, not FIX', () => {
    const a = v.validate({ line1: '639 W INTERNATIONAL AIRPORT RD STE', city: 'ANCHORAGE', state: 'AK', postalCode: '99518' });
    assert.equal(a.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_CONFIRM);
    assert.ok(a.notes.some((n) => n.includes('without a unit number')));
  });

  it('a unit gives SUB_PREMISE input granularity', () => {
    assert.equal(v.validate('4066 SHELBURNE RD STE 2, SHELBURNE, VT 05482').verdict!.inputGranularity, Granularity.GRANULARITY_SUB_PREMISE);
  });

  it('junk gets FIX with low confidence; never an exception', () => {
    for (const s of ['', 'hello world', '東京都千代田区丸の内1-1', '@@@@', 'ZIP 99999']) {
      const r = v.validate(s);
      assert.equal(r.verdict!.possibleNextAction, A.POSSIBLE_NEXT_ACTION_FIX, s);
      assert.ok(r.confidence < 0.5, `${s}: ${r.confidence}`);
    }
  });
});
