// The in-memory index on its own: incremental adds, changes and removals before and after the
// start-up build is frozen into its compact form; stale versions never overwrite newer ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRIOR_MODEL } from '../src/domain/calibration.js';
import { Matcher } from '../src/domain/matcher.js';
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
