// The in-memory index on its own: incremental adds, changes and removals before and after the
// start-up build is frozen into its compact form; stale versions never overwrite newer ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURE_NAMES, FEATURE_SIGNS, PRIOR_MODEL } from '../src/domain/calibration.js';
import { addressContradicts, Matcher } from '../src/domain/matcher.js';
import { loadCalibration } from '../src/domain/calibration.js';
import { SupplierIndex, type IndexEntry } from '../src/domain/supplier-index.js';

const entry = (id: string, name: string, seq: number, extra: Partial<IndexEntry> = {}): IndexEntry => ({
  id, name, aliases: [], street: '', city: '', state: '', postalCode: '', eins: [], seq, ...extra,
});

function build(): { index: SupplierIndex; top: (name: string, city?: string) => string | undefined } {
  const index = new SupplierIndex();
  for (let i = 0; i < 300; i++) index.upsert(entry(`x:${i}`, `Filler Company Number ${i} Services`, i + 1));
  index.upsert(entry('x:bluebird', 'Bluebird Catering LLC', 1000, { city: 'Macon', state: 'GA', postalCode: '31201' }));
  index.upsert(entry('x:chapter1', 'American Legion', 1001, { city: 'Barre', state: 'VT', postalCode: '05641' }));
  index.upsert(entry('x:chapter2', 'American Legion', 1002, { city: 'Rutland', state: 'VT', postalCode: '05701' }));
  const matcher = new Matcher(index, PRIOR_MODEL, { poolSize: 10 });
  return { index, top: (name, city) => matcher.match({ name, city }, 3).candidates[0]?.info.id };
}

describe('supplier index', () => {
  it('finds a one-transposition spelling of a short word among hundreds of trigram look-alikes', () => {
    // 576 words sharing only "$UT" with "UTHA", interned before UTAH: the trigram pass alone ranks
    // them all alike and verifies at most 400, so the transposition was lost behind them.
    const index = new SupplierIndex();
    const letters = 'BCDEFGIJKLMNOPQRSTUVWXYZ';
    let seq = 0;
    for (const x of letters) for (const y of letters) index.upsert(entry(`f:${x}${y}`, `UT${x}${y} Holdings`, ++seq));
    index.upsert(entry('x:utah', 'PTA Utah Congress', ++seq));
    index.freeze();
    const expansions = (token: string) => index.expand(token, { fuzzy: true }).map((e) => index.tokens[e.token]);
    assert.ok(expansions('UTHA').includes('UTAH'));
    assert.ok(!expansions('UTHA').includes('UTBB'));
  });

  it('keeps its suppliers-by-ZIP lists up to date on adds, moves and removals', () => {
    const index = new SupplierIndex();
    const ids = (zip: number) => [...index.zipSlots.slots(zip)].map((s) => index.idAt(s)).sort();
    index.upsert(entry('x:a', 'Alpha Works', 1, { postalCode: '31201' }));
    index.upsert(entry('x:b', 'Beta Works', 2, { postalCode: '31201-1234' }));
    index.upsert(entry('x:c', 'Gamma Works', 3));
    assert.deepEqual(ids(31201), ['x:a', 'x:b']);
    index.freeze();
    index.upsert(entry('x:a', 'Alpha Works', 4, { postalCode: '05641' }));
    assert.deepEqual(ids(31201), ['x:b']);
    assert.deepEqual(ids(5641), ['x:a']);
    assert.equal(index.remove('x:b'), true);
    assert.deepEqual(ids(31201), []);
    // A freed slot taken by a new supplier carries only its own ZIP.
    index.upsert(entry('x:d', 'Delta Works', 5, { postalCode: '99501' }));
    assert.deepEqual(ids(99501), ['x:d']);
    assert.deepEqual(ids(31201), []);
    assert.equal(index.zipSlots.entries, 2);
  });

  for (const frozen of [false, true]) {
    it(`applies adds, renames and removals ${frozen ? 'after freezing' : 'before freezing'}`, () => {
      const { index, top } = build();
      if (frozen) index.freeze();
      assert.equal(top('Bluebird Catering'), 'x:bluebird');
      index.upsert(entry('x:bluebird', 'Redwing Events LLC', 2000));
      assert.equal(top('Redwing Events'), 'x:bluebird');
      assert.notEqual(top('Bluebird Catering'), 'x:bluebird');
      index.upsert(entry('x:new', 'Bluebird Catering Co', 2001));
      assert.equal(top('Bluebird Catering'), 'x:new');
      assert.equal(index.remove('x:new'), true);
      assert.notEqual(top('Bluebird Catering'), 'x:new');
      assert.equal(index.remove('x:new'), false);
      assert.equal(index.supplierCount, 303);
      assert.equal(top('American Legion', 'Rutland'), 'x:chapter2');
      assert.equal(top('American Legion', 'Barre'), 'x:chapter1');
    });
  }

  it('keeps the newer version when an older one arrives late', () => {
    const { index, top } = build();
    index.freeze();
    assert.equal(index.upsert(entry('x:bluebird', 'Stale Name Inc', 999)), false);
    assert.equal(index.upsert(entry('x:bluebird', 'Stale Name Inc', 1000)), false);
    assert.equal(top('Bluebird Catering'), 'x:bluebird');
    assert.equal(index.remove('x:bluebird', 10), false);
    assert.equal(index.seqOf('x:bluebird'), 1000);
  });

  it('compacts posting lists after many removals without losing live entries', () => {
    const { index, top } = build();
    index.freeze();
    for (let i = 0; i < 250; i++) index.remove(`x:${i}`);
    assert.equal(top('Filler Company Number 280 Services'), 'x:280');
    for (let i = 0; i < 50; i++) index.upsert(entry(`x:n${i}`, `Filler Company Number ${1000 + i} Services`, 5000 + i));
    assert.equal(top('Filler Company Number 1042 Services'), 'x:n42');
    index.freeze();
    assert.equal(top('Filler Company Number 1042 Services'), 'x:n42');
    assert.equal(top('Filler Company Number 299 Services'), 'x:299');
    assert.equal(index.supplierCount, 3 + 50 + 50);
  });
});

describe('address contradictions', () => {
  function network() {
    const index = new SupplierIndex();
    for (let i = 0; i < 300; i++) index.upsert(entry(`x:${i}`, `Filler Company Number ${i} Services`, i + 1));
    index.upsert(entry('x:ak', 'Smith Plumbing LLC', 1000, { street: '410 W 5th Ave', city: 'Anchorage', state: 'AK', postalCode: '99501', eins: ['920123456'] }));
    index.freeze();
    return new Matcher(index, loadCalibration(), { poolSize: 10 });
  }

  it('keeps a same-name supplier in another state below the default match threshold', () => {
    const top = network().match({ name: 'Smith Plumbing LLC', city: 'Atlanta', state: 'GA', postalCode: '30303' }, 3).candidates[0]!;
    assert.equal(top.info.id, 'x:ak');
    assert.equal(top.addressConflict, true);
    assert.ok(top.score < 0.9, `score ${top.score}`);
  });

  it('lets the tax id or the street vouch for a supplier in another state', () => {
    const m = network();
    const byEin = m.match({ name: 'Smith Plumbing LLC', state: 'GA', taxId: '920123456' }, 3).candidates[0]!;
    assert.equal(byEin.addressConflict, false);
    assert.ok(byEin.score >= 0.9);
    const byStreet = m.match({ name: 'Smith Plumbing LLC', street: '410 West 5th Avenue', city: 'Atlanta', state: 'GA' }, 3).candidates[0]!;
    assert.equal(byStreet.features.street, 1);
    assert.equal(byStreet.addressConflict, false);
  });

  it('agrees with the address when it is the supplier\'s own, partial or absent', () => {
    const m = network();
    for (const q of [{ city: 'Anchorage', state: 'AK', postalCode: '99501' }, { state: 'AK' }, {}, { postalCode: '99501' }]) {
      const top = m.match({ name: 'Smith Plumbing LLC', ...q }, 3).candidates[0]!;
      assert.equal(top.addressConflict, false, JSON.stringify(q));
    }
  });

  it('reads another city alone (same ZIP) or another ZIP alone (same city) as no contradiction', () => {
    const none = { street: 0, identifier: 0 } as const;
    assert.equal(addressContradicts({ ...none, zip: 1, city: -1, state: 1 }, 1), false);
    assert.equal(addressContradicts({ ...none, zip: -1, city: 1, state: 1 }, 1), false);
    assert.equal(addressContradicts({ ...none, zip: -1, city: -1, state: 1 }, 1), true);
    assert.equal(addressContradicts({ ...none, zip: 0, city: 0, state: -1 }, 1), true);
    assert.equal(addressContradicts({ zip: -1, city: -1, state: -1, street: 1, identifier: 0 }, 0.95), false);
    assert.equal(addressContradicts({ zip: -1, city: -1, state: -1, street: 1, identifier: 0 }, 0.6), true);
    // A ZIP alone: another ZIP area (another town) contradicts; a neighbouring ZIP of the same area does not.
    assert.equal(addressContradicts({ ...none, zip: -1, zipArea: -1, city: 0, state: 0 }, 1), true);
    assert.equal(addressContradicts({ ...none, zip: -1, zipArea: 1, city: 0, state: 0 }, 1), false);
    assert.equal(addressContradicts({ ...none, zip: -1, zipArea: -1, city: 1, state: 0 }, 1), false, 'the city agrees');
  });

  it('keeps a same-name supplier of another ZIP area below the match threshold when only a ZIP is given', () => {
    const top = network().match({ name: 'Smith Plumbing LLC', postalCode: '30303' }, 3).candidates.find((c) => c.info.id === 'x:ak')!;
    assert.equal(top.features.zipArea, -1);
    assert.equal(top.addressConflict, true);
    assert.ok(top.score < 0.9, `score ${top.score}`);
  });
});

describe('score calibration', () => {
  it('the committed model keeps the signs a clerk relies on', () => {
    const model = loadCalibration();
    assert.ok(model.version > 0, 'a fitted model is committed');
    for (const [name, sign] of Object.entries(FEATURE_SIGNS)) {
      const w = model.weights[model.features.indexOf(name)];
      assert.ok(w !== undefined && (FEATURE_NAMES as readonly string[]).includes(name), name);
      assert.ok(sign * w >= 0, `${name}: weight ${w} has the wrong sign`);
    }
  });

  it('scores more agreement higher: an agreeing address over none, an exact name over its typo', () => {
    const index = new SupplierIndex();
    for (let i = 0; i < 300; i++) index.upsert(entry(`x:${i}`, `Filler Company Number ${i} Services`, i + 1));
    index.upsert(entry('x:vt', 'Heritage Towing Solutions Corp', 1000, { city: 'Montpelier', state: 'VT', postalCode: '05602' }));
    index.upsert(entry('x:ok', 'Heritage Towing Solutions Ltd', 1001, { city: 'Oklahoma City', state: 'OK', postalCode: '73102' }));
    index.freeze();
    const m = new Matcher(index, loadCalibration(), { poolSize: 10 });
    const score = (q: Parameters<Matcher['match']>[0]) => m.match(q, 3).candidates.find((c) => c.info.id === 'x:vt')!.score;
    const nameOnly = score({ name: 'Heritage Towing Solutions' });
    const withState = score({ name: 'Heritage Towing Solutions', state: 'VT' });
    const withCityState = score({ name: 'Heritage Towing Solutions', city: 'Montpelier', state: 'VT' });
    const withAll = score({ name: 'Heritage Towing Solutions', city: 'Montpelier', state: 'VT', postalCode: '05602' });
    assert.ok(withState >= nameOnly && withCityState >= withState && withAll >= withCityState, `${nameOnly} ${withState} ${withCityState} ${withAll}`);
    assert.ok(score({ name: 'Heritage Towng Solutions' }) <= nameOnly, 'a typo scores no higher than the exact name');
    assert.ok(score({ name: 'Heritage Towng Solutions', city: 'Montpelier', state: 'VT' }) <= withCityState);
    assert.ok(score({ name: 'Heritage Towing Solutions', city: 'Oklahoma City', state: 'OK' }) < nameOnly, 'a conflicting address scores lower');
  });
});
