// The index snapshot: an exact round trip of the compact index, and a restart that loads it, catches
// up from the store by change sequence, and falls back to a full build when it is damaged or stale.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { store } from '@clarity/kit';
import { MatchDecision, SupplierFormat } from '@clarity/proto/clarity/matching/v1/matching.js';
import { PRIOR_MODEL } from '../src/domain/calibration.js';
import { Matcher } from '../src/domain/matcher.js';
import { SlotInfoTable, recordStarts } from '../src/domain/slot-info.js';
import { SupplierIndex, type IndexEntry } from '../src/domain/supplier-index.js';
import { address, importFixture, importRecords, startTestService } from './helpers.js';

const entry = (id: string, name: string, seq: number, extra: Partial<IndexEntry> = {}): IndexEntry => ({
  id, name, aliases: [], street: '', city: '', state: '', postalCode: '', eins: [], seq, ...extra,
});

/** Sections copied into ArrayBuffers of their own, as the file reader delivers them. */
function roundTrip(index: SupplierIndex): SupplierIndex {
  const { header, sections } = index.snapshotSections({ watermark: 7 });
  const copy = new Map(sections.map((x) => [x.name, new Uint8Array(x.data)]));
  const restored = new SupplierIndex();
  restored.restoreSnapshot(JSON.parse(JSON.stringify(header)), copy);
  return restored;
}

describe('index snapshot round trip', () => {
  function network(): SupplierIndex {
    const index = new SupplierIndex();
    for (let i = 0; i < 200; i++) index.upsert(entry(`x:${i}`, `Filler Company Number ${i} Services`, i + 1, { city: 'Macon', state: 'GA', postalCode: '31201' }));
    index.upsert(entry('x:bluebird', 'Bluebird Catering LLC', 1000, { aliases: ['Bluebird Events'], city: 'Macon', state: 'GA', postalCode: '31201', eins: ['123456789'] }));
    index.upsert(entry('x:legion', 'American Legion', 1001, { secondaryNames: ['Post 12'], city: 'Barre', state: 'VT', postalCode: '05641' }));
    index.remove('x:5');
    return index;
  }
  const queries = [
    { name: 'Bluebird Catering' },
    { name: 'Blubird Cateing' },
    { name: 'Bluebird Events' },
    { name: 'American Legion Post 12', city: 'Barre' },
    { name: 'Filler Company Number 42 Services' },
    { name: 'Filler Company Number 5 Services' },
    { name: 'Acme', taxId: '123456789' },
  ];
  const answers = (index: SupplierIndex) => {
    const m = new Matcher(index, PRIOR_MODEL, { poolSize: 10 });
    return queries.map((q) => m.match(q, 3).candidates.map((c) => [c.info.id, c.info.city, c.matchedName, Number(c.score.toFixed(9))]));
  };

  it('answers every query exactly as the index it was taken from', () => {
    const index = network();
    const expected = answers(index);
    const restored = roundTrip(index);
    assert.deepEqual(answers(restored), expected);
    assert.equal(restored.supplierCount, index.supplierCount);
    assert.equal(restored.nameCount, index.nameCount);
    assert.equal(restored.termCount, index.termCount);
    assert.equal(restored.seqOf('x:bluebird'), 1000);
    assert.equal(restored.slot('x:5'), undefined);
    // The suppliers-by-ZIP lists come back with the index (x:5 was removed from 31201).
    const byZip = (i: SupplierIndex, zip: number) => [...i.zipSlots.slots(zip)].map((s) => i.idAt(s)).sort();
    assert.deepEqual(byZip(restored, 31201), byZip(index, 31201));
    assert.equal(byZip(restored, 31201).length, 200);
    assert.deepEqual(byZip(restored, 5641), ['x:legion']);
  });

  it('takes adds, changes and removals after a restore', () => {
    const restored = roundTrip(network());
    const top = (name: string) => new Matcher(restored, PRIOR_MODEL, { poolSize: 10 }).match({ name }, 3).candidates[0]?.info.id;
    restored.upsert(entry('x:new', 'Zephyrine Quokka Labs', 2000));
    assert.equal(top('Zephyrine Quokka Labs'), 'x:new');
    assert.equal(top('Zephyrne Quoka Labs'), 'x:new');
    restored.upsert(entry('x:bluebird', 'Redwing Events LLC', 2001));
    assert.equal(top('Redwing Events'), 'x:bluebird');
    assert.equal(restored.remove('x:legion'), true);
    assert.notEqual(top('American Legion'), 'x:legion');
    assert.equal(restored.upsert(entry('x:bluebird', 'Stale', 1500)), false);
    // And it survives a second round trip with those changes.
    const again = roundTrip(restored);
    assert.equal(new Matcher(again, PRIOR_MODEL, { poolSize: 10 }).match({ name: 'Zephyrine Quokka Labs' }, 1).candidates[0]?.info.id, 'x:new');
    assert.equal(again.slot('x:legion'), undefined);
  });

  it('refuses inconsistent sections without touching the index', () => {
    const { header, sections } = network().snapshotSections({});
    const copy = new Map(sections.map((x) => [x.name, new Uint8Array(x.data)]));
    copy.delete('frozen');
    const target = new SupplierIndex();
    assert.throws(() => target.restoreSnapshot(header, copy), /missing section frozen/);
    assert.equal(target.supplierCount, 0);
    assert.throws(() => target.restoreSnapshot({ ...header, live: header.live + 1 }, new Map(sections.map((x) => [x.name, new Uint8Array(x.data)]))), /live count/);
    assert.equal(target.supplierCount, 0);
  });
});

describe('slot records kept in the snapshot bytes', () => {
  it('decodes restored records on demand, takes changes and later slots, and writes them all back', () => {
    const records = ['ACME INC\u001f1 MAIN ST', '', 'CAFÉ NIÑO 東京\u001fBOGOTÁ', 'LAST'];
    const table = new SlotInfoTable();
    assert.equal(table.restore(new Uint8Array(Buffer.from(records.join('\u0000'), 'utf8'))), 4);
    assert.deepEqual([...table.values()], records);
    assert.equal(table.get(2), 'CAFÉ NIÑO 東京\u001fBOGOTÁ', 'multi-byte characters survive');
    table.set(1, 'NEW TENANT');
    table.set(3, '');
    table.push('FIFTH');
    table.set(4, 'FIFTH, CHANGED');
    assert.deepEqual([...table.values()], [records[0], 'NEW TENANT', records[2], '', 'FIFTH, CHANGED']);
    assert.throws(() => table.set(9, 'x'), RangeError);
    assert.throws(() => table.restore(new Uint8Array(0)), /not empty/);
    assert.equal(new SlotInfoTable().restore(new Uint8Array(0)), 0);
    assert.equal(recordStarts(new Uint8Array(Buffer.from('a\u0000\u0000b'))).length - 1, 3);
  });
});

describe('restarting from a snapshot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clarity-snapshot-test-'));
  const snapshotPath = join(dir, 'index.snapshot');
  const shared = new store.EmbeddedStore({ dir: join(dir, 'store') });
  after(async () => {
    await shared.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = (path = snapshotPath) => startTestService({ store: shared, settings: { snapshotPath: path } });
  const matchId = async (t: Awaited<ReturnType<typeof start>>, name: string) =>
    (await t.client.match({ payee: { referenceId: '', name, address: undefined, amount: undefined, taxId: '', attributes: {} }, options: undefined })).candidates[0];

  it('writes a snapshot after the first build and at shutdown, then starts from it and catches up', async () => {
    const first = await start();
    assert.equal(first.running.deps.sync.build?.source, 'store');
    await importFixture(first.client, 'irs-eo-bmf-vt-sample.csv', SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF);
    await importRecords(first.client, [{ source: 'erp', sourceId: 'GONE', name: 'Vanishing Widgets Inc', address: address('', 'Barre', 'VT', '05641') }]);
    const count = (await first.client.getIndexStats({})).supplierCount;
    await first.close();
    assert.ok(existsSync(snapshotPath));

    // Changes written while no snapshot-keeping replica runs.
    const writer = await start('');
    await importRecords(writer.client, [{ source: 'erp', sourceId: 'LATE', name: 'Latecomer Lumber LLC', address: address('', 'Rutland', 'VT', '05701') }]);
    await writer.client.deleteSupplier({ id: 'erp:GONE' });
    await writer.close();

    const second = await start();
    try {
      assert.equal(second.running.deps.sync.build?.source, 'snapshot');
      const stats = await second.client.getIndexStats({});
      assert.equal(stats.ready, true);
      assert.equal(stats.supplierCount, count);
      assert.equal((await matchId(second, 'WINDSOR IMPROVEMENT CORPORATION'))?.supplier?.id, 'irs_eo_bmf:010180687');
      const late = await matchId(second, 'Latecomer Lumber');
      assert.equal(late?.supplier?.id, 'erp:LATE');
      assert.equal(late?.decision, MatchDecision.MATCH_DECISION_MATCHED);
      assert.notEqual((await matchId(second, 'Vanishing Widgets Inc'))?.supplier?.id, 'erp:GONE');
    } finally {
      await second.close();
    }
  });

  it('rebuilds from the store when the snapshot is damaged', async () => {
    const bytes = readFileSync(snapshotPath);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(snapshotPath, bytes);
    const t = await start();
    try {
      assert.equal(t.running.deps.sync.build?.source, 'store');
      assert.equal((await matchId(t, 'Latecomer Lumber'))?.supplier?.id, 'erp:LATE');
    } finally {
      await t.close();
    }
  });

  it('rebuilds when the snapshot belongs to another store', async () => {
    const other = new store.EmbeddedStore({ dir: join(dir, 'other') });
    const t = await startTestService({ store: other, settings: { snapshotPath } });
    try {
      assert.equal(t.running.deps.sync.build?.source, 'store');
      assert.equal((await t.client.getIndexStats({})).supplierCount, 0);
    } finally {
      await t.close();
      await other.close();
    }
  });
});
