// The index snapshot kept in the store: replicas sharing one store start from it and catch up by
// change sequence; a damaged or missing chunk leads to a full build; rewrites need enough new changes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, store } from '@clarity/kit';
import { ferretDbBinary, ferretDbRequired, startFerretDb } from '@clarity/kit/testing';
import { SupplierFormat } from '@clarity/proto/clarity/matching/v1/matching.js';
import { loadMatchingSettings, STORE_SNAPSHOT } from '../src/config.js';
import { PRIOR_MODEL } from '../src/domain/calibration.js';
import { Matcher } from '../src/domain/matcher.js';
import { SupplierIndex, type IndexEntry } from '../src/domain/supplier-index.js';
import { loadSnapshot } from '../src/adapters/index-snapshot.js';
import { chunkBytes, StoreSnapshots, type StoreSnapshotManifest } from '../src/adapters/store-snapshot.js';
import { SupplierStore } from '../src/adapters/supplier-store.js';
import { address, importFixture, importRecords, startTestService, waitFor, type TestService } from './helpers.js';

const entry = (id: string, name: string, seq: number, extra: Partial<IndexEntry> = {}): IndexEntry => ({
  id, name, aliases: [], street: '', city: '', state: '', postalCode: '', eins: [], seq, ...extra,
});

type ChunkDoc = { _id: string; snapshotId: string; n: number; data: string };
const manifestOf = (s: store.EmbeddedStore) => s.collection<StoreSnapshotManifest>('matching_index_snapshot').get('current');
const chunksOf = (s: store.EmbeddedStore) => s.collection<ChunkDoc>('matching_index_snapshot_chunks');

describe('store snapshot adapter', () => {
  function network(): SupplierIndex {
    const index = new SupplierIndex();
    for (let i = 0; i < 300; i++) index.upsert(entry(`x:${i}`, `Filler Company Number ${i} Services`, i + 1, { city: 'Macon', state: 'GA', postalCode: '31201' }));
    index.upsert(entry('x:bluebird', 'Bluebird Catering LLC', 1000, { aliases: ['Bluebird Events'], eins: ['123456789'] }));
    index.remove('x:7');
    return index;
  }
  const answers = (index: SupplierIndex) => {
    const m = new Matcher(index, PRIOR_MODEL, { poolSize: 10 });
    return ['Bluebird Catering', 'Blubird Events', 'Filler Company Number 42 Services', 'Filler Company Number 7 Services'].map((name) =>
      m.match({ name }, 3).candidates.map((c) => [c.info.id, c.matchedName, Number(c.score.toFixed(9))]),
    );
  };

  /** A fresh embedded store at watermark 1000 and its snapshot keeper (4 KiB chunks: several per test index). */
  const snapshotsOnFreshStore = async (minChanges: number) => {
    const s = new store.EmbeddedStore();
    const suppliers = new SupplierStore(s);
    const storeId = await suppliers.storeId();
    await suppliers.reserveSeq(1000);
    return { s, suppliers, storeId, snaps: new StoreSnapshots(suppliers, { minChanges, chunkBytes: 4096 }) };
  };

  it('writes the file snapshot bytes in small chunks, reads them back exactly, and replaces the previous snapshot', async () => {
    const { s, suppliers, storeId, snaps } = await snapshotsOnFreshStore(0);
    const index = network();
    const w = await snaps.write(index, 1000, storeId);
    assert.equal(w.written, true);
    const m = (await manifestOf(s))!;
    assert.ok(m.chunks > 3, `${m.chunks} chunks`);
    assert.equal(m.watermark, 1000);
    // The concatenated chunks are a valid snapshot file: same format as the local one.
    const docs = await chunksOf(s).find({ snapshotId: m.snapshotId }, { sort: { n: 1 } });
    assert.equal(docs.length, m.chunks);
    const dir = mkdtempSync(join(tmpdir(), 'clarity-store-snapshot-'));
    try {
      const path = join(dir, 'index.snapshot');
      writeFileSync(path, Buffer.concat(docs.map((d) => chunkBytes(d.data)!)));
      const fromFile = new SupplierIndex();
      assert.equal((await loadSnapshot(path, fromFile, suppliers)).loaded, true);
      assert.deepEqual(answers(fromFile), answers(index));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const restored = new SupplierIndex();
    const load = await snaps.load(restored);
    assert.equal(load.loaded, true);
    assert.deepEqual(answers(restored), answers(index));
    assert.equal(restored.supplierCount, index.supplierCount);

    // A newer snapshot replaces the manifest and removes the old chunks; an older one is refused.
    index.upsert(entry('x:new', 'Zephyrine Quokka Labs', 1001));
    await suppliers.reserveSeq(1);
    assert.equal((await snaps.write(index, 1001, storeId)).written, true);
    const m2 = (await manifestOf(s))!;
    assert.notEqual(m2.snapshotId, m.snapshotId);
    assert.equal(await chunksOf(s).count({ snapshotId: m.snapshotId }), 0);
    assert.equal(await chunksOf(s).count(), m2.chunks);
    const older = await snaps.write(index, 900, storeId);
    assert.equal(older.written, false);
    assert.equal((await manifestOf(s))!.snapshotId, m2.snapshotId);
    await s.close();
  });

  it('refuses a manifest whose chunks are missing, damaged or of the wrong size, without touching the index', async () => {
    const { s, suppliers, storeId, snaps } = await snapshotsOnFreshStore(10);
    assert.equal((await snaps.write(network(), 1000, storeId)).written, true);
    const m = (await manifestOf(s))!;
    const victim = (await chunksOf(s).get(`${m.snapshotId}:000002`))!;
    const original = new Uint8Array(chunkBytes(victim.data)!);

    const flipped = new Uint8Array(original);
    flipped[100]! ^= 0x01;
    await chunksOf(s).put({ ...victim, data: Buffer.from(flipped).toString('base64') });
    let target = new SupplierIndex();
    const damaged = await snaps.load(target);
    assert.equal(damaged.loaded, false);
    assert.match((damaged as { reason: string }).reason, /checksum/);
    assert.equal(target.supplierCount, 0);
    // An unusable snapshot may be replaced at once, whatever the margin.
    assert.equal((await snaps.wanted(1000)).write, true);

    await chunksOf(s).put({ ...victim, data: Buffer.from(original.subarray(0, 4000)).toString('base64') });
    const short = await new StoreSnapshots(suppliers, { minChanges: 10 }).load((target = new SupplierIndex()));
    assert.match((short as { reason: string }).reason, /chunk 2 .* 4000 bytes/);

    await chunksOf(s).delete(victim._id);
    const missing = await new StoreSnapshots(suppliers, { minChanges: 10 }).load((target = new SupplierIndex()));
    assert.match((missing as { reason: string }).reason, /chunk 2 of \d+ missing/);

    await chunksOf(s).put(victim);
    const fresh = new StoreSnapshots(suppliers, { minChanges: 10 });
    assert.equal((await fresh.load((target = new SupplierIndex()))).loaded, true);
    // A healthy snapshot fewer than minChanges behind is left alone.
    assert.equal((await fresh.wanted(1009)).write, false);
    assert.equal((await fresh.wanted(1010)).write, true);
    await s.close();
  });
});

describe('a store snapshot write racing an index change', () => {
  it('is abandoned, with its chunks removed, when the index changes between two chunk writes', async () => {
    const s = new store.EmbeddedStore();
    const index = new SupplierIndex();
    for (let i = 0; i < 300; i++) index.upsert(entry(`x:${i}`, `Filler Company Number ${i} Services`, i + 1));
    // The chunks collection as seen by the writer: the first batch lands, then an import changes the index.
    let batches = 0;
    const racing = Object.create(s) as store.EmbeddedStore;
    racing.collection = <T extends { _id: string }>(name: string) => {
      const c = s.collection<T>(name);
      if (name !== 'matching_index_snapshot_chunks') return c;
      return Object.assign(Object.create(c), {
        putMany: async (docs: readonly T[]) => {
          await c.putMany(docs);
          if (++batches === 1) index.upsert(entry('x:late', 'Latecomer Lumber LLC', 5000));
        },
      });
    };
    const suppliers = new SupplierStore(racing);
    await suppliers.reserveSeq(300);
    const out = await new StoreSnapshots(suppliers, { minChanges: 0, chunkBytes: 1024 }).write(index, 300, await suppliers.storeId());
    assert.equal(out.written, false);
    assert.match((out as { reason: string }).reason, /index changed/);
    assert.equal(await manifestOf(s), null);
    assert.equal(await chunksOf(s).count(), 0);
    assert.ok(batches >= 1);
    // Without the change, the same write goes through.
    const again = await new StoreSnapshots(suppliers, { minChanges: 0, chunkBytes: 1024 }).write(index, 300, await suppliers.storeId());
    assert.equal(again.written, true);
    await s.close();
  });
});

describe('replicas sharing one store snapshot', () => {
  const shared = new store.EmbeddedStore();
  after(() => shared.close());
  const start = (settings: Record<string, unknown> = {}) =>
    startTestService({ store: shared, settings: { snapshotPath: STORE_SNAPSHOT, syncSettleMs: 0, ...settings } });
  const top = async (t: TestService, name: string) =>
    (await t.client.match({ payee: { referenceId: '', name, address: undefined, amount: undefined, taxId: '', attributes: {} }, options: undefined })).candidates.map((c) => [
      c.supplier?.id,
      Number(c.score.toFixed(9)),
      c.decision,
    ]);
  const queries = ['WINDSOR IMPROVEMENT CORPORATION', 'Vermont Historical Society', 'Barre Lodge', 'Vanishing Widgets Inc', 'Latecomer Lumber'];

  it('replica A builds and writes the snapshot; replica B starts from it, answers alike, and catches up', async () => {
    const seed = await startTestService({ store: shared, settings: { snapshotPath: '' } });
    await importFixture(seed.client, 'irs-eo-bmf-vt-sample.csv', SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF);
    await importRecords(seed.client, [{ source: 'erp', sourceId: 'GONE', name: 'Vanishing Widgets Inc', address: address('', 'Barre', 'VT', '05641') }]);
    await seed.close();

    const a = await start();
    try {
      assert.equal(a.running.deps.sync.build?.source, 'store');
      await waitFor(async () => (await manifestOf(shared)) !== null);
      const written = (await manifestOf(shared))!;
      assert.equal(written.watermark, await a.running.deps.suppliers.currentSeq());

      const b = await start();
      try {
        assert.equal(b.running.deps.sync.build?.source, 'snapshot');
        assert.equal(b.running.deps.sync.build?.snapshot, 'store');
        const statsA = await a.client.getIndexStats({});
        const statsB = await b.client.getIndexStats({});
        assert.equal(statsB.ready, true);
        assert.equal(statsB.supplierCount, statsA.supplierCount);
        assert.equal(statsB.updatesApplied, 0);
        for (const q of queries) assert.deepEqual(await top(b, q), await top(a, q), q);
      } finally {
        await b.close();
      }

      // Written after the snapshot: one addition and one deletion, caught up by the next replica.
      await importRecords(a.client, [{ source: 'erp', sourceId: 'LATE', name: 'Latecomer Lumber LLC', address: address('', 'Rutland', 'VT', '05701') }]);
      await a.client.deleteSupplier({ id: 'erp:GONE' });
      const c = await start();
      try {
        assert.equal(c.running.deps.sync.build?.snapshot, 'store');
        assert.equal((await c.client.getIndexStats({})).updatesApplied, 2);
        assert.equal((await top(c, 'Latecomer Lumber'))[0]?.[0], 'erp:LATE');
        assert.notEqual((await top(c, 'Vanishing Widgets Inc'))[0]?.[0], 'erp:GONE');
        for (const q of queries) assert.deepEqual(await top(c, q), await top(a, q), q);
      } finally {
        await c.close();
      }
    } finally {
      await a.close();
    }
    // Two changes are fewer than the default margin (1,000): neither shutdown rewrote the snapshot.
    const kept = (await manifestOf(shared))!;
    const d = await start({ storeSnapshotMinChanges: 1 });
    try {
      await importRecords(d.client, [{ source: 'erp', sourceId: 'LATER', name: 'Lateral Thinking Co', address: address('', 'Barre', 'VT', '05641') }]);
      // What the poller does every CLARITY_MATCHING_SYNC_INTERVAL_MS: the watermark moves past the settled changes.
      await d.running.deps.sync.poll();
    } finally {
      await d.close();
    }
    const rewritten = (await manifestOf(shared))!;
    assert.notEqual(rewritten.snapshotId, kept.snapshotId);
    assert.ok(rewritten.watermark > kept.watermark);
    assert.equal(await chunksOf(shared).count({ snapshotId: kept.snapshotId }), 0);
  });

  it('a corrupted chunk leads to a full build, which replaces the snapshot', async () => {
    const before = (await manifestOf(shared))!;
    const chunk = (await chunksOf(shared).get(`${before.snapshotId}:000000`))!;
    const bytes = new Uint8Array(chunkBytes(chunk.data)!);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await chunksOf(shared).put({ ...chunk, data: Buffer.from(bytes).toString('base64') });
    const t = await start();
    try {
      assert.equal(t.running.deps.sync.build?.source, 'store');
      assert.equal((await top(t, 'Latecomer Lumber'))[0]?.[0], 'erp:LATE');
      await waitFor(async () => (await manifestOf(shared))!.snapshotId !== before.snapshotId);
    } finally {
      await t.close();
    }
    const u = await start();
    try {
      assert.equal(u.running.deps.sync.build?.snapshot, 'store');
      assert.equal((await top(u, 'Lateral Thinking'))[0]?.[0], 'erp:LATER');
    } finally {
      await u.close();
    }
  });
});

describe('store snapshot over the MongoDB wire (FerretDB, one connection per replica)', () => {
  const ferretMissing = !existsSync(ferretDbBinary());
  it('replica B starts from the snapshot replica A wrote, with small chunks and a compare-and-swap replacement', { skip: ferretMissing && !ferretDbRequired() ? 'FerretDB not installed (CLARITY_REQUIRE_FERRETDB=0)' : false }, async () => {
    const ferret = await startFerretDb();
    const db = `clarity_store_snapshot_${process.pid}`;
    const [sa, sb] = await Promise.all([store.MongoStore.connect(ferret.uri, db), store.MongoStore.connect(ferret.uri, db)]);
    try {
      const settings = { snapshotPath: STORE_SNAPSHOT, syncSettleMs: 0 };
      const seed = await startTestService({ store: sa, settings: { snapshotPath: '' } });
      await importFixture(seed.client, 'irs-eo-bmf-vt-sample.csv', SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF);
      await seed.close();
      const a = await startTestService({ store: sa, settings });
      try {
        assert.equal(a.running.deps.sync.build?.source, 'store');
        const manifests = sb.collection<StoreSnapshotManifest>('matching_index_snapshot');
        await waitFor(async () => (await manifests.get('current')) !== null);
        const b = await startTestService({ store: sb, settings });
        try {
          assert.equal(b.running.deps.sync.build?.snapshot, 'store');
          assert.equal((await b.client.getIndexStats({})).supplierCount, (await a.client.getIndexStats({})).supplierCount);
          const ask = (t: TestService) =>
            t.client.match({ payee: { referenceId: '', name: 'WINDSOR IMPROVEMENT CORP', address: undefined, amount: undefined, taxId: '', attributes: {} }, options: undefined });
          assert.deepEqual((await ask(b)).candidates, (await ask(a)).candidates);
          assert.equal((await ask(b)).candidates[0]?.supplier?.id, 'irs_eo_bmf:010180687');
        } finally {
          await b.close();
        }
        // Through this driver: binary-free chunks of several documents, replaced by compare-and-swap.
        const suppliers = new SupplierStore(sb);
        const small = new StoreSnapshots(suppliers, { minChanges: 0, chunkBytes: 4096 });
        const first = (await manifests.get('current'))!;
        const w = await small.write(a.running.deps.index, first.watermark, await suppliers.storeId());
        assert.equal(w.written, true);
        const m = (await manifests.get('current'))!;
        assert.ok(m.chunks > 1);
        assert.equal(await sb.collection('matching_index_snapshot_chunks').count({ snapshotId: first.snapshotId }), 0);
        const restored = new SupplierIndex();
        assert.equal((await small.load(restored)).loaded, true);
        assert.equal(restored.supplierCount, a.running.deps.index.supplierCount);
      } finally {
        await a.close();
      }
    } finally {
      await sa.close();
      await sb.close();
      ferret.stop();
    }
  });
});

describe('changes after a sequence number on the embedded store (catch-up without a range index)', () => {
  it('returns what a range query returns: the same documents in sequence order, tombstones included, up to the limit', async () => {
    const s = new store.EmbeddedStore();
    const suppliers = new SupplierStore(s);
    const record = (i: number, name = `Supplier ${i}`) => ({
      source: 'erp', sourceId: String(i), name, aliases: [], address: { line1: '', line2: '', city: 'Macon', state: 'GA', postalCode: '31201', countryCode: 'US', freeform: '', recipient: '' },
      identifiers: [], industryCodes: [], payeeType: 0, payeeSubtype: 0, attributes: {}, synthetic: false,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await suppliers.upsertBatch(Array.from({ length: 300 }, (_, i) => record(i)) as any);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await suppliers.upsertBatch([record(5, 'Renamed 5'), record(250, 'Renamed 250'), record(17, 'Renamed 17')] as any);
    await suppliers.delete('erp:42');
    const rangeQuery = (after: number, limit: number) => suppliers.suppliers.find({ seq: { $gt: after } }, { sort: { seq: 1 }, limit });
    for (const [after, limit] of [[0, 5000], [0, 10], [150, 7], [299, 5000], [302, 5000], [304, 5000]] as const) {
      const got = await suppliers.changesAfter(after, limit);
      assert.deepEqual(got, await rangeQuery(after, limit), `after ${after}, limit ${limit}`);
    }
    assert.deepEqual((await suppliers.changesAfter(300, 5000)).map((d) => [d._id, d.seq, Boolean(d.deleted)]), [
      ['erp:5', 301, false], ['erp:250', 302, false], ['erp:17', 303, false], ['erp:42', 304, true],
    ]);
    await s.close();
  });
});

describe('CLARITY_MATCHING_INDEX_SNAPSHOT', () => {
  it('defaults to the store with MongoDB, to a file beside a file-backed embedded store, and validates the margin', () => {
    assert.equal(loadMatchingSettings({ MONGODB_URI: 'mongodb://db:27017/clarity' }).snapshotPath, STORE_SNAPSHOT);
    assert.equal(loadMatchingSettings({ MONGODB_URI: 'mongodb://db:27017/clarity', CLARITY_MATCHING_INDEX_SNAPSHOT: 'off' }).snapshotPath, '');
    assert.equal(loadMatchingSettings({ MONGODB_URI: 'mongodb://db:27017/clarity', CLARITY_MATCHING_INDEX_SNAPSHOT: '/var/snap' }).snapshotPath, '/var/snap');
    assert.equal(loadMatchingSettings({ CLARITY_DATA_DIR: '/data/' }).snapshotPath, '/data/matching/index.snapshot');
    assert.equal(loadMatchingSettings({ CLARITY_DATA_DIR: '/data', CLARITY_MATCHING_INDEX_SNAPSHOT: 'store' }).snapshotPath, STORE_SNAPSHOT);
    assert.equal(loadMatchingSettings({}).snapshotPath, '');
    assert.equal(loadMatchingSettings({}).storeSnapshotMinChanges, 1000);
    assert.equal(loadMatchingSettings({ CLARITY_MATCHING_STORE_SNAPSHOT_MIN_CHANGES: '0' }).storeSnapshotMinChanges, 0);
    assert.throws(() => loadMatchingSettings({ CLARITY_MATCHING_STORE_SNAPSHOT_MIN_CHANGES: '-1' }), ConfigError);
  });
});
