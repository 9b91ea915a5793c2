// Index compaction: suppliers churned through the real gRPC import and delete path leave dead name
// variants behind; once they pass the threshold the index drops them from memory, and its statistics
// and answers equal those of an index that only ever saw the final state.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Supplier } from '@clarity/proto/clarity/matching/v1/matching.js';
import { address, importRecords, startTestService, type TestService } from './helpers.js';

const WORDS = ['ACME', 'GLOBAL', 'PEACHTREE', 'RIVERSIDE', 'SUMMIT', 'HARBOR', 'PIONEER', 'MAGNOLIA', 'CEDAR', 'LIBERTY', 'BEACON', 'ORCHARD'];
const KINDS = ['PLUMBING', 'BAKERY', 'DENTAL', 'ROOFING', 'LOGISTICS', 'ELECTRIC', 'LANDSCAPING', 'PRINTING'];

function supplier(i: number, version: number): Partial<Supplier> {
  const name = `${WORDS[(i + version) % WORDS.length]} ${KINDS[(i * 7 + version) % KINDS.length]} ${i} ${version > 0 ? 'GROUP' : 'LLC'}`;
  return {
    source: 'erp',
    sourceId: `S-${i}`,
    name,
    aliases: i % 3 === 0 ? [`${WORDS[i % WORDS.length]} ${i} DBA V${version}`] : [],
    address: address(`${100 + i} Main St`, 'Atlanta', 'GA', '30303'),
  };
}

const queries = ['ACME PLUMBING 12', 'SUMMIT DENTAL GROUP', 'BEACON 30 DBA V2', 'HARBOR ROOFING 77 LLC', 'LIBERTY PRINTING 5', 'MAGNOLIA BAKERY 140'];

async function answers(t: TestService) {
  const out: unknown[] = [];
  for (const name of queries) {
    const res = await t.client.match({ payee: { referenceId: name, name, address: undefined, amount: undefined, taxId: '', attributes: {} }, options: undefined });
    out.push([res.decision, ...res.candidates.map((c) => [c.supplier?.id, c.supplier?.matchedName, c.score, c.matchType])]);
  }
  return out;
}

describe('index compaction', () => {
  const N = 300;
  let churned: TestService;
  let fresh: TestService;
  before(async () => {
    churned = await startTestService();
    fresh = await startTestService();
  });
  after(async () => {
    await churned.close();
    await fresh.close();
  });

  test('dead variants of changed and deleted suppliers are dropped; stats and answers stay right', async () => {
    const index = churned.running.deps.index;
    index.compaction.minDead = 100;
    const all = Array.from({ length: N }, (_, i) => i);
    await importRecords(churned.client, all.map((i) => supplier(i, 0)));
    assert.equal(index.deadVariantCount, 0);
    // Version 1 of every supplier, then a third deleted: dead variants pile up past the threshold.
    await importRecords(churned.client, all.map((i) => supplier(i, 1)));
    const deleted = all.filter((i) => i % 3 === 1);
    for (const i of deleted) await churned.client.deleteSupplier({ id: `erp:S-${i}` });
    await importRecords(churned.client, all.filter((i) => i % 5 === 0 && i % 3 !== 1).map((i) => supplier(i, 2)));
    await churned.running.deps.sync.scheduleCompaction();
    assert.ok(index.compactions > 0, 'compacted at least once');
    assert.ok(index.deadVariantCount <= index.variantCapacity * index.compaction.deadFraction, `dead variants left: ${index.deadVariantCount}`);

    // The same final state, imported once.
    const final = all.filter((i) => i % 3 !== 1).map((i) => supplier(i, i % 5 === 0 ? 2 : 1));
    await importRecords(fresh.client, final);
    const [a, b] = [await churned.client.getIndexStats({}), await fresh.client.getIndexStats({})];
    assert.equal(a.supplierCount, b.supplierCount);
    assert.equal(a.nameCount, b.nameCount);
    assert.equal(a.supplierCount, final.length);
    assert.deepEqual(await answers(churned), await answers(fresh));
    const some = (await answers(churned)).filter((x) => Array.isArray(x) && x.length > 1);
    assert.ok(some.length >= 4, 'the queries find suppliers');

    // A full compaction leaves no dead variant, and the index keeps taking changes afterwards.
    index.compact();
    assert.equal(index.deadVariantCount, 0);
    assert.equal(index.variantCapacity, index.nameCount);
    assert.deepEqual(await answers(churned), await answers(fresh));
    await importRecords(churned.client, [supplier(1, 3)]);
    await importRecords(fresh.client, [supplier(1, 3)]);
    assert.deepEqual(await answers(churned), await answers(fresh));
  });
});
