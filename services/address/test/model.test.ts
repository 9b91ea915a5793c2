// The tagger's cached per-token weights must give exactly the scores of the feature strings the trainer
// saw (one feature implementation for training and run time).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { extractFeatures } from '../src/domain/features.js';
import { AddressParser } from '../src/domain/parser.js';
import { tokenize } from '../src/domain/tokens.js';

it('cached token weights score like the exported features', () => {
  const parser = new AddressParser();
  const ctx = { zipdb: parser.zipdb };
  for (const s of ['10600 FOLSOM BLVD RANCHO CORDOVA 95670 CA', 'C/O ACME\n1 MAIN ST, BOSTON, MA 02108', 'PO BOX 12 APO AE 09001', 'x']) {
    const tokens = tokenize(s);
    // Twice: the second run uses the cache.
    for (let round = 0; round < 2; round++) {
      const fast = parser.model.scores(tokens, ctx);
      const slow = parser.model.scoresFromFeatures(tokens.length, (emit) => extractFeatures(tokens, ctx, emit));
      assert.equal(fast.length, slow.length);
      for (let k = 0; k < fast.length; k++) assert.ok(Math.abs(fast[k]! - slow[k]!) < 1e-9, `${s} @${k}: ${fast[k]} vs ${slow[k]}`);
    }
  }
});
