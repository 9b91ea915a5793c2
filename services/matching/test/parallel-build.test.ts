// A full rebuild with a decoding worker thread builds exactly the index the main thread alone builds:
// same suppliers, names, tokens and postings (compared through the index snapshot's bytes), over a
// store with superseded records, tombstones, aliases, secondary lines, EINs, very long names and
// documents written before the `indexed` projection existed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, store } from '@clarity/kit';
import { PayeeSubtype, PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { IndexSync, type BuildStats } from '../src/adapters/index-sync.js';
import { loadMatchingSettings } from '../src/config.js';
import { SupplierStore } from '../src/adapters/supplier-store.js';
import { PRIOR_MODEL } from '../src/domain/calibration.js';
import { Matcher } from '../src/domain/matcher.js';
import { SupplierIndex } from '../src/domain/supplier-index.js';
import { contentHash, emptyAddress, supplierId, type SupplierDoc, type SupplierRecord } from '../src/domain/supplier.js';

function record(i: number, extra: Partial<SupplierRecord> = {}): SupplierRecord {
  const streets = ['MAIN ST', 'PEACHTREE RD NE', 'BROAD ST'];
  return {
    source: i % 3 === 0 ? 'irs_eo_bmf' : 'sba_ppp',
    sourceId: String(100000000 + i),
    name: `${['Bluebird', 'Peachtree', 'Riverside', 'Summit', 'Oakwood'][i % 5]} ${['Catering', 'Plumbing', 'Dental Group', 'Church', 'Holdings'][(i * 7) % 5]} ${i} LLC`,
    aliases: i % 3 === 0 ? [`Post ${i}`] : i % 4 === 1 ? [`Blue Events ${i} DBA Party Time ${i}`] : [],
    address: { ...emptyAddress(), line1: `${i} ${streets[i % 3]}`, city: ['Atlanta', 'Macon', 'Savannah'][i % 3]!, state: 'GA', postalCode: `3030${i % 10}` },
    identifiers: i % 3 === 0 ? [] : [{ type: 'EIN', value: String(200000000 + i) }],
    industryCodes: [],
    payeeType: PayeeType.PAYEE_TYPE_BUSINESS,
    payeeSubtype: PayeeSubtype.PAYEE_SUBTYPE_UNSPECIFIED,
    attributes: {},
    synthetic: true,
    ...extra,
  };
}

describe('full rebuild on a worker thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clarity-parallel-build-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the same index as the main thread, byte for byte', async () => {
    const s = new store.EmbeddedStore({ dir });
    const suppliers = new SupplierStore(s);
    await suppliers.init();
    const records = Array.from({ length: 600 }, (_, i) => record(i));
    records.push(record(600, { name: Array.from({ length: 40 }, (_, k) => `Word${k}`).join(' ') }));
    for (let i = 0; i < records.length; i += 100) await suppliers.upsertBatch(records.slice(i, i + 100));
    // Changed rows (superseded records stay in the log), deletions (tombstones).
    await suppliers.upsertBatch(records.slice(0, 50).map((r) => ({ ...r, name: `${r.name} Renamed` })));
    for (let i = 50; i < 60; i++) await suppliers.delete(supplierId(records[i]!.source, records[i]!.sourceId));
    // Documents from before the `indexed` projection: read whole after the scan.
    const legacy: SupplierDoc[] = [700, 701, 702].map((i) => {
      const r = record(i, { name: `Legacy Supplier ${i}` });
      return { _id: supplierId(r.source, r.sourceId), ...r, hash: contentHash(r), createTime: new Date(), updateTime: new Date(), seq: 10_000 + i };
    });
    await s.collection<SupplierDoc>('suppliers').putMany(legacy);

    const build = async (workerMin: number): Promise<[SupplierIndex, BuildStats]> => {
      const index = new SupplierIndex();
      const stats = await new IndexSync(suppliers, index, { intervalMs: 0, settleMs: 0, buildWorkerMinSuppliers: workerMin }).buildIndex();
      return [index, stats];
    };
    const [onWorker, workerStats] = await build(1);
    const [onMain, mainStats] = await build(0);
    await s.close();

    assert.equal(workerStats.worker, true);
    assert.equal(mainStats.worker, false);
    assert.equal(workerStats.suppliers, 601 - 10 + 3);
    assert.equal(workerStats.tombstones, 10);
    assert.deepEqual([onWorker.supplierCount, onWorker.nameCount, onWorker.termCount], [onMain.supplierCount, onMain.nameCount, onMain.termCount]);
    const bytes = (index: SupplierIndex) => {
      const { header, sections } = index.snapshotSections({ watermark: 0 });
      return { header: { ...header, createdAt: undefined }, sections: sections.map((x) => [x.name, Buffer.from(x.data).toString('base64')]) };
    };
    assert.deepEqual(bytes(onWorker), bytes(onMain));

    const matcher = new Matcher(onWorker, PRIOR_MODEL, { poolSize: 10 });
    assert.equal(matcher.match({ name: 'Legacy Supplier 701' }, 1).candidates[0]?.info.id, legacy[1]!._id);
    assert.equal(matcher.match({ name: `${records[3]!.name} Renamed` }, 1).candidates[0]?.info.id, supplierId(records[3]!.source, records[3]!.sourceId));
    assert.equal(onWorker.slot(supplierId(records[55]!.source, records[55]!.sourceId)), undefined);
    assert.equal(matcher.match({ name: 'Party Time 5' }, 1).candidates[0]?.info.id, supplierId(records[5]!.source, records[5]!.sourceId));
  });

  it('falls back to the main thread when the worker fails before its first batch', async () => {
    const d = mkdtempSync(join(tmpdir(), 'clarity-parallel-fallback-'));
    const s = new store.EmbeddedStore({ dir: d });
    const suppliers = new SupplierStore(s);
    await suppliers.init();
    await suppliers.upsertBatch(Array.from({ length: 50 }, (_, i) => record(i)));
    const real = suppliers.logView()!;
    suppliers.logView = () => ({ ...real, path: join(d, 'no-such.log') });
    const index = new SupplierIndex();
    const stats = await new IndexSync(suppliers, index, { intervalMs: 0, settleMs: 0, buildWorkerMinSuppliers: 1 }).buildIndex();
    await s.close();
    rmSync(d, { recursive: true, force: true });
    assert.equal(stats.worker, false);
    assert.equal(stats.suppliers, 50);
    assert.equal(index.supplierCount, 50);
  });
  it('is configured by CLARITY_MATCHING_BUILD_WORKER_MIN (0 = never)', () => {
    assert.equal(loadMatchingSettings({}).buildWorkerMinSuppliers, 20_000);
    assert.equal(loadMatchingSettings({ CLARITY_MATCHING_BUILD_WORKER_MIN: '0' }).buildWorkerMinSuppliers, 0);
    assert.throws(() => loadMatchingSettings({ CLARITY_MATCHING_BUILD_WORKER_MIN: '-5' }), ConfigError);
  });
});
