// One store suite, run against the embedded store (memory and file-backed) and against a real
// MongoDB-wire server (FerretDB v1 on SQLite, installed by deploy/tools/install.sh).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuplicateKeyError, EmbeddedStore, InvalidDocumentError, MongoStore, type Store } from '../src/store/index.js';
import { readLogView } from '../src/store/embedded.js';
import { ferretDbBinary, ferretDbRequired, startFerretDb, type RunningFerretDb } from '../src/testing.js';

interface Item {
  _id: string;
  kind: string;
  n: number;
  tags?: string[];
  nested?: { city?: string; zip?: string };
  at?: Date;
  lease?: string | null;
}

const items = (): Item[] => [
  { _id: 'a', kind: 'x', n: 1, tags: ['red', 'blue'], nested: { city: 'ATLANTA', zip: '30301' }, at: new Date('2026-01-01T00:00:00Z') },
  { _id: 'b', kind: 'x', n: 2, tags: ['blue'], nested: { city: 'MACON' }, at: new Date('2026-02-01T00:00:00Z') },
  { _id: 'c', kind: 'y', n: 3, at: new Date('2026-03-01T00:00:00Z') },
  { _id: 'd', kind: 'y', n: 4, lease: null },
];

let collectionSeq = 0;

function storeSuite(name: string, open: () => Promise<Store>, options: { reopen?: () => Promise<Store>; bulkSize?: number } = {}) {
  const bulk = options.bulkSize ?? 20_000;
  describe(`store: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });
    const fresh = async () => {
      const c = store.collection<Item>(`items_${process.pid}_${collectionSeq++}`);
      await c.putMany(items());
      return c;
    };

    test('get, getMany (input order, missing skipped), count', async () => {
      const c = await fresh();
      assert.equal((await c.get('b'))?.n, 2);
      assert.equal(await c.get('zz'), null);
      assert.deepEqual((await c.getMany(['c', 'zz', 'a'])).map((d) => d._id), ['c', 'a']);
      assert.equal(await c.count(), 4);
      assert.equal(await c.count({ kind: 'x' }), 2);
    });

    test('Dates and nested objects round-trip', async () => {
      const c = await fresh();
      const a = await c.get('a');
      assert.ok(a?.at instanceof Date);
      assert.equal(a.at.toISOString(), '2026-01-01T00:00:00.000Z');
      assert.deepEqual(a.nested, { city: 'ATLANTA', zip: '30301' });
      assert.deepEqual(a.tags, ['red', 'blue']);
    });

    test('insert refuses a duplicate id; put replaces', async () => {
      const c = await fresh();
      await assert.rejects(c.insert({ _id: 'a', kind: 'z', n: 9 }), DuplicateKeyError);
      await c.put({ _id: 'a', kind: 'z', n: 9 });
      const a = await c.get('a');
      assert.equal(a?.kind, 'z');
      assert.equal(a?.tags, undefined, 'put replaces the whole document');
    });

    test('query operators, dot paths, arrays, $or/$and, null = missing', async () => {
      const c = await fresh();
      const ids = async (f: Record<string, unknown>) => (await c.find(f, { sort: { _id: 1 } })).map((d) => d._id);
      assert.deepEqual(await ids({ n: { $gt: 1, $lte: 3 } }), ['b', 'c']);
      assert.deepEqual(await ids({ n: { $in: [1, 4] } }), ['a', 'd']);
      assert.deepEqual(await ids({ n: { $nin: [1, 4] } }), ['b', 'c']);
      assert.deepEqual(await ids({ kind: { $ne: 'x' } }), ['c', 'd']);
      assert.deepEqual(await ids({ 'nested.city': 'MACON' }), ['b']);
      assert.deepEqual(await ids({ tags: 'blue' }), ['a', 'b']);
      assert.deepEqual(await ids({ tags: { $exists: false } }), ['c', 'd']);
      assert.deepEqual(await ids({ $or: [{ n: 1 }, { kind: 'y', n: { $gte: 4 } }] }), ['a', 'd']);
      assert.deepEqual(await ids({ $and: [{ kind: 'x' }, { n: { $lt: 2 } }] }), ['a']);
      assert.deepEqual(await ids({ lease: null }), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await ids({ at: { $gte: new Date('2026-02-01T00:00:00Z') } }), ['b', 'c']);
    });

    test('sort, skip, limit', async () => {
      const c = await fresh();
      const docs = await c.find({}, { sort: { kind: -1, n: 1 }, skip: 1, limit: 2 });
      assert.deepEqual(docs.map((d) => d._id), ['d', 'a']);
    });

    test('updateOne: $set (dot path), $inc, $unset; modified only when changed; upsert with string id', async () => {
      const c = await fresh();
      assert.deepEqual(await c.updateOne({ _id: 'a' }, { $set: { 'nested.city': 'SAVANNAH' }, $inc: { n: 10 }, $unset: { tags: 1 } }), { matched: 1, modified: 1 });
      const a = await c.get('a');
      assert.equal(a?.n, 11);
      assert.equal(a?.nested?.city, 'SAVANNAH');
      assert.equal(a?.nested?.zip, '30301');
      assert.equal(a?.tags, undefined);
      assert.deepEqual(await c.updateOne({ _id: 'a' }, { $set: { n: 11 } }), { matched: 1, modified: 0 });
      assert.deepEqual(await c.updateOne({ _id: 'nope' }, { $set: { n: 1 } }), { matched: 0, modified: 0 });
      const up = await c.updateOne({ _id: 'e', kind: 'z' }, { $set: { n: 5 }, $setOnInsert: { tags: ['new'] } }, { upsert: true });
      assert.equal(up.upsertedId, 'e');
      assert.deepEqual(await c.get('e'), { _id: 'e', kind: 'z', n: 5, tags: ['new'] });
      const generated = await c.updateOne({ kind: 'w' }, { $set: { n: 6 } }, { upsert: true });
      assert.equal(typeof generated.upsertedId, 'string');
      assert.equal((await c.get(generated.upsertedId!))?.kind, 'w');
    });

    test('updateMany and deleteMany', async () => {
      const c = await fresh();
      assert.deepEqual(await c.updateMany({ kind: 'x' }, { $inc: { n: 100 } }), { matched: 2, modified: 2 });
      assert.deepEqual((await c.find({ n: { $gte: 100 } }, { sort: { _id: 1 } })).map((d) => d._id), ['a', 'b']);
      assert.equal(await c.deleteMany({ kind: 'y' }), 2);
      assert.equal(await c.count(), 2);
      assert.equal(await c.delete('a'), true);
      assert.equal(await c.delete('a'), false);
    });

    test('findOneAndUpdate claims one document at a time (leases)', async () => {
      const c = await fresh();
      const claim = () =>
        c.findOneAndUpdate({ kind: 'x', lease: { $exists: false } }, { $set: { lease: 'worker-1' } }, { sort: { n: -1 }, returnDocument: 'after' });
      const first = await claim();
      const second = await claim();
      const third = await claim();
      assert.equal(first?._id, 'b');
      assert.equal(first?.lease, 'worker-1');
      assert.equal(second?._id, 'a');
      assert.equal(third, null);
      const before = await c.findOneAndUpdate({ _id: 'c' }, { $inc: { n: 1 } });
      assert.equal(before?.n, 3, 'returns the document before the update by default');
      const upserted = await c.findOneAndUpdate({ _id: 'job-1' }, { $setOnInsert: { kind: 'job', n: 0 } }, { upsert: true, returnDocument: 'after' });
      assert.deepEqual(upserted, { _id: 'job-1', kind: 'job', n: 0 });
    });

    test('scan streams every match', async () => {
      const c = await fresh();
      const seen: string[] = [];
      for await (const d of c.scan({ kind: 'x' })) seen.push(d._id);
      assert.deepEqual(seen.sort(), ['a', 'b']);
      let all = 0;
      for await (const _ of c.scan()) all += 1;
      assert.equal(all, 4);
    });

    test('scan with a projection returns only the named fields (and _id)', async () => {
      const c = await fresh();
      const all: Array<Partial<Item>> = [];
      for await (const d of c.scan(undefined, { fields: ['n', 'at'] })) all.push(d);
      all.sort((x, y) => String(x._id).localeCompare(String(y._id)));
      assert.deepEqual(all.map((d) => Object.keys(d).sort()), [['_id', 'at', 'n'], ['_id', 'at', 'n'], ['_id', 'at', 'n'], ['_id', 'n']]);
      assert.ok(all[0]!.at instanceof Date);
      assert.equal(all[0]!.at.toISOString(), '2026-01-01T00:00:00.000Z');
      assert.deepEqual(all.map((d) => d.n), [1, 2, 3, 4]);
      const filtered: Array<Partial<Item>> = [];
      for await (const d of c.scan({ kind: 'x' }, { fields: ['nested'] })) filtered.push(d);
      filtered.sort((x, y) => String(x._id).localeCompare(String(y._id)));
      assert.deepEqual(filtered, [
        { _id: 'a', nested: { city: 'ATLANTA', zip: '30301' } },
        { _id: 'b', nested: { city: 'MACON' } },
      ]);
    });

    test('indexes: equality lookups and unique constraints', async () => {
      const c = await fresh();
      await c.createIndex({ kind: 1, n: 1 });
      await c.createIndex({ n: 1 }, { unique: true });
      assert.deepEqual((await c.find({ kind: 'y', n: 3 })).map((d) => d._id), ['c']);
      await c.put({ _id: 'c', kind: 'y', n: 30 });
      assert.deepEqual(await c.find({ kind: 'y', n: 3 }), [], 'index follows updates');
      assert.deepEqual((await c.find({ kind: 'y', n: 30 })).map((d) => d._id), ['c']);
      await assert.rejects(c.insert({ _id: 'z', kind: 'x', n: 1 }), DuplicateKeyError);
      await c.insert({ _id: 'z', kind: 'x', n: 99 });
    });

    test('bad documents and operators are refused alike', async () => {
      const c = await fresh();
      await assert.rejects(c.put({ _id: 'bad', kind: 'x', n: 1, nested: { 'a.b': 'x' } as never }), InvalidDocumentError);
      await assert.rejects(c.put({ _id: '', kind: 'x', n: 1 }), InvalidDocumentError);
      // Binary values are refused with a clear error, not silently stored as an object of byte fields.
      await assert.rejects(c.put({ _id: 'bin', kind: 'x', n: 1, nested: { data: Buffer.from('ab') } as never }), /binary values are not supported/);
      await assert.rejects(c.putMany([{ _id: 'bin2', kind: 'x', n: 1, nested: new Uint16Array(2) as never }]), /binary values are not supported/);
      assert.equal(await c.get('bin'), null);
      await assert.rejects(c.find({ n: { $where: 'x' } as never }), InvalidDocumentError);
    });

    test(`bulk putMany of ${bulk} documents`, async () => {
      const c = store.collection<Item>(`bulk_${process.pid}_${collectionSeq++}`);
      const docs = Array.from({ length: bulk }, (_, i) => ({ _id: `s${i}`, kind: i % 2 ? 'odd' : 'even', n: i }));
      await c.putMany(docs);
      assert.equal(await c.count(), bulk);
      assert.equal((await c.get(`s${bulk - 1}`))?.n, bulk - 1);
      await c.putMany(docs.slice(0, 10).map((d) => ({ ...d, n: -1 })));
      assert.equal(await c.count({ n: -1 }), 10);
    });

    if (options.reopen) {
      test('data survives close and reopen (latest version of each document, deletes kept)', async () => {
        const c = store.collection<Item>('persisted');
        await c.putMany(items());
        await c.updateOne({ _id: 'a' }, { $set: { n: 42 } });
        await c.delete('b');
        await store.close();
        store = await options.reopen!();
        const again = store.collection<Item>('persisted');
        assert.equal(await again.count(), 3);
        assert.equal((await again.get('a'))?.n, 42);
        assert.equal(await again.get('b'), null);
        assert.ok((await again.get('c'))?.at instanceof Date);
      });
    }
  });
}

storeSuite('embedded (memory)', async () => new EmbeddedStore());

const dir = mkdtempSync(join(tmpdir(), 'clarity-store-'));
storeSuite('embedded (file)', async () => new EmbeddedStore({ dir }), { reopen: async () => new EmbeddedStore({ dir }) });

describe('embedded store files', () => {
  test('a log view is read on its own: live documents as of the view, projected, superseded records skipped', async () => {
    const d = mkdtempSync(join(tmpdir(), 'clarity-logview-'));
    const s = new EmbeddedStore({ dir: d });
    const c = s.collection<{ _id: string; n: number; tag: string; big?: string }>('things');
    assert.equal(new EmbeddedStore().collection('x').logView?.(), undefined, 'a memory store has no log');
    await c.putMany([{ _id: 'a', n: 1, tag: 'x' }, { _id: 'b', n: 2, tag: 'y' }, { _id: 'c', n: 3, tag: 'z', big: 'q'.repeat(9 * 1024 * 1024) }]);
    await c.put({ _id: 'a', n: 10, tag: 'x2' }); // supersedes a's first record
    await c.delete('b');
    const withGarbage = c.logView!()!;
    assert.equal(withGarbage.count, 2);
    assert.ok(withGarbage.liveOffsets && withGarbage.liveOffsets.length === 2);
    await c.put({ _id: 'd', n: 4, tag: 'after the view' });
    const read = [...readLogView<{ _id: string; n: number }>(withGarbage, ['n'])];
    assert.deepEqual(read, [{ _id: 'c', n: 3 }, { _id: 'a', n: 10 }]);
    await s.close();
    // Reopened: the key directory comes back from the log, and the view with it.
    const s2 = new EmbeddedStore({ dir: d });
    const view = s2.collection('things').logView!()!;
    assert.equal(view.count, 3);
    assert.deepEqual([...readLogView<{ _id: string; tag: string }>(view, ['tag'])].map((x) => x.tag).sort(), ['after the view', 'x2', 'z']);
    // A log without superseded records needs no offsets: every record is live.
    const fresh = s2.collection<{ _id: string; n: number }>('fresh');
    await fresh.putMany([{ _id: 'p', n: 1 }, { _id: 'q', n: 2 }]);
    const freshView = fresh.logView!()!;
    assert.equal(freshView.liveOffsets, undefined);
    assert.deepEqual([...readLogView(freshView)], [{ _id: 'p', n: 1 }, { _id: 'q', n: 2 }]);
    await s2.close();
    rmSync(d, { recursive: true, force: true });
  });

  test('values JSON cannot hold (nested Dates, NaN, -0) round-trip, whole and projected', async () => {
    const d = mkdtempSync(join(tmpdir(), 'clarity-values-'));
    const doc = { _id: 'v', when: { at: new Date('2026-05-01T00:00:00Z') }, nan: NaN, negZero: -0, plain: { a: [1, 'two', null, true] }, text: 'Ünïcode ✓', broken: 'half \ud83d emoji', flag: false, none: null };
    const s1 = new EmbeddedStore({ dir: d });
    await s1.collection<typeof doc>('values').put(doc);
    await s1.close();
    const s2 = new EmbeddedStore({ dir: d });
    const c = s2.collection<typeof doc>('values');
    const back = await c.get('v');
    assert.deepEqual(back, doc);
    assert.ok(Object.is(back!.negZero, -0));
    assert.ok(back!.when.at instanceof Date);
    const projected: unknown[] = [];
    for await (const x of c.scan(undefined, { fields: ['text', 'nan', 'flag'] })) projected.push(x);
    assert.deepEqual(projected, [{ _id: 'v', nan: NaN, text: 'Ünïcode ✓', flag: false }]);
    await s2.close();
    rmSync(d, { recursive: true, force: true });
  });

  test('a log in format 1 (one v8 document per record) is read, then rewritten in format 2', async () => {
    const { serialize } = await import('node:v8');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const d = mkdtempSync(join(tmpdir(), 'clarity-format1-'));
    const record = (op: number, id: string, doc?: unknown) => {
      const idBytes = Buffer.from(id, 'utf8');
      const body = doc === undefined ? Buffer.alloc(0) : serialize(doc);
      const head = Buffer.alloc(7);
      head.writeUInt32LE(3 + idBytes.length + body.length, 0);
      head.writeUInt8(op, 4);
      head.writeUInt16LE(idBytes.length, 5);
      return Buffer.concat([head, idBytes, body]);
    };
    const docs = items();
    // a, b, c, d written; b deleted; c replaced: as format 1 wrote them.
    writeFileSync(join(d, 'old.log'), Buffer.concat([...docs.map((x) => record(1, x._id, x)), record(2, 'b'), record(1, 'c', { ...docs[2], n: 33 })]));
    const s1 = new EmbeddedStore({ dir: d });
    const c1 = s1.collection<Item>('old');
    assert.equal(await c1.count(), 3);
    assert.deepEqual(await c1.get('a'), docs[0]);
    assert.equal((await c1.get('c'))?.n, 33);
    await s1.close();
    const bytes = readFileSync(join(d, 'old.log'));
    for (let off = 0; off < bytes.length; off += 4 + bytes.readUInt32LE(off)) assert.equal(bytes[off + 4], 3, 'every record rewritten in format 2');
    const s2 = new EmbeddedStore({ dir: d });
    const seen: Array<Partial<Item>> = [];
    for await (const x of s2.collection<Item>('old').scan(undefined, { fields: ['n'] })) seen.push(x);
    assert.deepEqual(seen.sort((x, y) => String(x._id).localeCompare(String(y._id))), [{ _id: 'a', n: 1 }, { _id: 'c', n: 33 }, { _id: 'd', n: 4 }]);
    assert.deepEqual(await s2.collection<Item>('old').get('a'), docs[0]);
    await s2.close();
    rmSync(d, { recursive: true, force: true });
  });

  test('a second process-level owner of a data directory is refused while the first holds it', async () => {
    const d = mkdtempSync(join(tmpdir(), 'clarity-lock-'));
    const first = new EmbeddedStore({ dir: d });
    // Simulate another live process holding the lock (our parent process is alive).
    await first.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(d, 'LOCK'), String(process.ppid));
    assert.throws(() => new EmbeddedStore({ dir: d }), /in use by process/);
    rmSync(d, { recursive: true, force: true });
  });

  test('a torn final record (crash mid-write) is dropped and later writes still land', async () => {
    const d = mkdtempSync(join(tmpdir(), 'clarity-torn-'));
    const s1 = new EmbeddedStore({ dir: d });
    await s1.collection<Item>('t').putMany(items());
    await s1.close();
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(d, 't.log'), Buffer.from([200, 0, 0, 0, 1, 3]));
    const s2 = new EmbeddedStore({ dir: d });
    const c = s2.collection<Item>('t');
    assert.equal(await c.count(), 4);
    await c.put({ _id: 'e', kind: 'z', n: 5 });
    await s2.close();
    const s3 = new EmbeddedStore({ dir: d });
    assert.equal((await s3.collection<Item>('t').get('e'))?.n, 5);
    await s3.close();
    rmSync(d, { recursive: true, force: true });
  });
});

// FerretDB: a real MongoDB wire protocol server, the official driver talking to it.
if (!existsSync(ferretDbBinary()) && ferretDbRequired()) {
  test('FerretDB is installed for the MongoDB suite', () => {
    assert.fail(`FerretDB binary not found at ${ferretDbBinary()}: run deploy/tools/install.sh (npm test does)`);
  });
} else if (existsSync(ferretDbBinary())) {
  let ferret: RunningFerretDb | undefined;
  let uri = '';
  before(async () => {
    ferret = await startFerretDb();
    uri = ferret.uri;
  });
  after(() => ferret?.stop());
  storeSuite('MongoDB wire (FerretDB)', async () => MongoStore.connect(uri, `clarity_test_${process.pid}`), {
    reopen: async () => MongoStore.connect(uri, `clarity_test_${process.pid}`),
    // FerretDB v1 on SQLite upserts one statement at a time (quadratic on big batches): it proves the
    // wire protocol, not MongoDB's bulk speed.
    bulkSize: 500,
  });
}
