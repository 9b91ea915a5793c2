// The shared edit distance against a plain reference implementation, and the seeded PRNG's determinism.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boundedEditDistance, seededRandom } from '../src/similarity.js';

/** Textbook optimal-string-alignment distance with fresh full matrices. */
function referenceDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('boundedEditDistance', () => {
  test('known cases: substitution, transposition, insertion, empty strings', () => {
    assert.equal(boundedEditDistance('MOUNTAIN VEIW', 'MOUNTAIN VIEW', 2), 1);
    assert.equal(boundedEditDistance('PLUMBING', 'PLUMBNIG', 2), 1);
    assert.equal(boundedEditDistance('SERVICES', 'SERVICE', 2), 1);
    assert.equal(boundedEditDistance('', 'ABC', 5), 3);
    assert.equal(boundedEditDistance('ABC', '', 1), 2);
    assert.equal(boundedEditDistance('ABC', 'XYZ', 1), 2);
    assert.equal(boundedEditDistance('SAME', 'SAME', 0), 0);
  });

  test('equals the reference up to the bound and answers max + 1 beyond it, on random and long strings', () => {
    const rnd = seededRandom(7);
    const word = (n: number) => Array.from({ length: n }, () => 'ABCDE'[Math.floor(rnd() * 5)]).join('');
    for (let k = 0; k < 3000; k++) {
      // Lengths beyond the initial row size check that rows grow.
      const a = word(Math.floor(rnd() * (k % 10 === 0 ? 200 : 10)));
      const b = rnd() < 0.5 ? word(Math.floor(rnd() * 10)) : a.slice(0, Math.max(0, a.length - 1)) + word(2);
      const max = Math.floor(rnd() * 4);
      const exact = referenceDistance(a, b);
      assert.equal(boundedEditDistance(a, b, max), Math.min(exact, max + 1), `${a} / ${b} / max ${max}`);
    }
  });
});

describe('seededRandom', () => {
  test('the same seed gives the same sequence in [0, 1), another seed another one', () => {
    const take = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 100 }, () => r());
    };
    assert.deepEqual(take(42), take(42));
    assert.notDeepEqual(take(42), take(43));
    for (const x of take(1)) assert.ok(x >= 0 && x < 1);
  });
});
