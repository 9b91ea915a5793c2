// Every RPC over real gRPC: matching, decisions, bad input, lookups, deletion, stats, health, replicas.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ClientError, Status } from 'nice-grpc-common';
import { checkHealth, fieldViolationsOf, store, type Collection, type Store } from '@clarity/kit';
import { ferretDbBinary, ferretDbRequired, startFerretDb } from '@clarity/kit/testing';
import { MatchDecision, MatchField, MatchType, SupplierFormat } from '@clarity/proto/clarity/matching/v1/matching.js';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import { address, importFixture, importRecords, startTestService, waitFor, type TestService } from './helpers.js';

const payee = (name: string, extra: Partial<Payee> = {}): Payee => ({ referenceId: '', name, address: undefined, amount: undefined, taxId: '', attributes: {}, ...extra });

async function violation(p: Promise<unknown>, field: string): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClientError, String(err));
    assert.equal(err.code, Status.INVALID_ARGUMENT, err.details);
    assert.ok(err.details.includes(field), `${field} not in ${err.details}`);
    return err.details;
  }
  assert.fail('expected INVALID_ARGUMENT');
}

describe('matching over gRPC', () => {
  let t: TestService;
  before(async () => {
    t = await startTestService();
    await importFixture(t.client, 'irs-eo-bmf-vt-sample.csv', SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF);
    await importFixture(t.client, 'ga-ppp-sample.csv', SupplierFormat.SUPPLIER_FORMAT_SBA_PPP_GEORGIA);
    await importFixture(t.client, 'fedach-sample.txt', SupplierFormat.SUPPLIER_FORMAT_FEDACH);
    await importRecords(t.client, [
      { source: 'erp', sourceId: 'KC-1', name: 'KNIGHTS OF COLUMBUS', address: address('1 Church St', 'Barre', 'VT', '05641') },
      { source: 'erp', sourceId: 'KC-2', name: 'KNIGHTS OF COLUMBUS', address: address('9 Elm St', 'Rutland', 'VT', '05701') },
    ]);
  });
  after(() => t.close());

  it('finds an exact name with type EXACT and all its fields', async () => {
    const res = await t.client.match({ payee: payee('WINDSOR IMPROVEMENT CORPORATION'), options: undefined });
    const top = res.candidates[0]!;
    assert.equal(top.supplier!.id, 'irs_eo_bmf:010180687');
    assert.equal(top.supplier!.source, 'irs_eo_bmf');
    assert.equal(top.supplier!.sourceId, '010180687');
    assert.equal(top.supplier!.city, 'WINDSOR');
    assert.equal(top.supplier!.state, 'VT');
    assert.equal(top.supplier!.postalCode, '05089');
    assert.equal(top.matchType, MatchType.MATCH_TYPE_EXACT);
    assert.equal(top.rank, 1);
    assert.ok(top.score > 0 && top.score <= 1);
    assert.ok(top.agreedFields.includes(MatchField.MATCH_FIELD_NAME));
    assert.ok(top.evidence.some((e) => e.ruleId === 'score.logistic'));
    assert.equal(res.normalizedName, 'WINDSOR IMPROVEMENT');
    assert.ok(res.matchThreshold > res.reviewThreshold);
  });

  it('matches suffix changes, abbreviations, word order and typos', async () => {
    const cases: Array<[string, string, MatchType]> = [
      ['Windsor Improvement Corp.', 'irs_eo_bmf:010180687', MatchType.MATCH_TYPE_NORMALIZED],
      ['IMPROVEMENT WINDSOR INC', 'irs_eo_bmf:010180687', MatchType.MATCH_TYPE_NORMALIZED],
      ['Northern New England Schl of Banking', 'irs_eo_bmf:010477533', MatchType.MATCH_TYPE_NORMALIZED],
      ['Regulatory Asistance Projct', 'irs_eo_bmf:010471151', MatchType.MATCH_TYPE_FUZZY],
      ['State Street Bk & Tr Co', 'fedach:011000028', MatchType.MATCH_TYPE_NORMALIZED],
    ];
    for (const [name, id, type] of cases) {
      const res = await t.client.match({ payee: payee(name), options: undefined });
      assert.equal(res.candidates[0]?.supplier?.id, id, name);
      assert.equal(res.candidates[0]!.matchType, type, name);
    }
  });

  it('uses the address to tell same-name suppliers apart', async () => {
    for (const [city, zip, id] of [['Barre', '05641', 'erp:KC-1'], ['Rutland', '05701', 'erp:KC-2']] as const) {
      const res = await t.client.match({ payee: payee('Knights of Columbus', { address: address('', city, 'VT', zip) }), options: undefined });
      const top = res.candidates[0]!;
      assert.equal(top.supplier!.id, id);
      assert.ok(top.agreedFields.includes(MatchField.MATCH_FIELD_CITY));
      assert.ok(top.agreedFields.includes(MatchField.MATCH_FIELD_POSTAL_CODE));
      // The other chapter is never auto-matched; when shown, it carries the disagreement.
      const all = await t.client.match({ payee: payee('Knights of Columbus', { address: address('', city, 'VT', zip) }), options: { topK: 5, matchThreshold: 0, reviewThreshold: 0 } });
      const other = all.candidates.find((c) => c.supplier!.id !== id && c.supplier!.id.startsWith('erp:KC'));
      assert.ok(!other || (other.disagreedFields.includes(MatchField.MATCH_FIELD_POSTAL_CODE) && other.score < top.score));
      assert.notEqual(other?.decision, MatchDecision.MATCH_DECISION_MATCHED);
    }
  });

  it('decides MATCHED / REVIEW / NO_MATCH against the thresholds', async () => {
    // Typos keep the score below 1, so every decision can be reached.
    const name = 'WINDSR IMPROVEMENT COPR';
    const first = await t.client.match({ payee: payee(name), options: { topK: 3, matchThreshold: 0, reviewThreshold: 0 } });
    assert.equal(first.candidates[0]!.supplier!.id, 'irs_eo_bmf:010180687');
    const s = first.candidates[0]!.score;
    assert.ok(s > 0.01 && s < 1, `score ${s}`);
    const at = async (matchThreshold: number, reviewThreshold: number) =>
      (await t.client.match({ payee: payee(name), options: { topK: 3, matchThreshold, reviewThreshold } })).decision;
    assert.equal(await at(s, 0.001), MatchDecision.MATCH_DECISION_MATCHED);
    assert.equal(await at(1, s), MatchDecision.MATCH_DECISION_REVIEW);
    assert.equal(await at(1, 1), MatchDecision.MATCH_DECISION_NO_MATCH);
    const none = await t.client.match({ payee: payee('Zzyzx Quuxbar Holdings'), options: undefined });
    assert.equal(none.decision, MatchDecision.MATCH_DECISION_NO_MATCH);
    assert.equal(none.candidates.length, 0);
    const three = await t.client.match({ payee: payee('AMERICAN LEGION'), options: { topK: 1, matchThreshold: 0, reviewThreshold: 0 } });
    assert.ok(three.candidates.length <= 1);
  });

  it('answers bad input with field violations, never a crash', async () => {
    await violation(t.client.match({ payee: payee(''), options: undefined }), 'payee.name');
    await violation(t.client.match({ payee: payee('   \t  '), options: undefined }), 'payee.name');
    await violation(t.client.match({ payee: payee('\u0000\u0007\u200b'), options: undefined }), 'payee.name');
    await violation(t.client.match({ payee: payee('A'.repeat(10 * 1024)), options: undefined }), 'payee.name');
    await violation(t.client.match({ payee: payee('!!! ??? ---'), options: undefined }), 'payee.name');
    await violation(t.client.match({ payee: undefined, options: undefined }), 'payee');
    await violation(t.client.match({ payee: payee('Acme', { address: address('', '', '', 'ABCDE') }), options: undefined }), 'payee.address.postal_code');
    await violation(t.client.match({ payee: payee('Acme', { address: address('', '', 'Narnia', '') }), options: undefined }), 'payee.address.state');
    await violation(t.client.match({ payee: payee('Acme', { taxId: '12-345' }), options: undefined }), 'payee.tax_id');
    await violation(t.client.match({ payee: payee('Acme'), options: { topK: 51, matchThreshold: 0, reviewThreshold: 0 } }), 'options.top_k');
    await violation(t.client.match({ payee: payee('Acme'), options: { topK: 0, matchThreshold: 1.5, reviewThreshold: 0 } }), 'options.match_threshold');
    await violation(t.client.match({ payee: payee('Acme'), options: { topK: 0, matchThreshold: 0.5, reviewThreshold: 0.7 } }), 'options.review_threshold');
  });

  it('handles sloppy but usable input sensibly', async () => {
    // A spreadsheet-float ZIP is read as the ZIP it is.
    const zip = await t.client.match({ payee: payee('Oxford Construction Company', { address: address('', 'Albany', 'GA', '31701.0') }), options: undefined });
    assert.ok(zip.candidates[0]!.agreedFields.includes(MatchField.MATCH_FIELD_POSTAL_CODE));
    // Control characters inside a name are spaces.
    const ctl = await t.client.match({ payee: payee('WINDSOR\u0000IMPROVEMENT\tCORPORATION'), options: undefined });
    assert.equal(ctl.candidates[0]!.supplier!.id, 'irs_eo_bmf:010180687');
    // Non-Latin scripts are transliterated; with nothing similar in the network the answer is NO_MATCH.
    const cyr = await t.client.match({ payee: payee('Газпром нефть'), options: undefined });
    assert.equal(cyr.normalizedName, 'GAZPROM NEFT');
    assert.equal(cyr.decision, MatchDecision.MATCH_DECISION_NO_MATCH);
    // A name at the length limit is fine.
    const long = await t.client.match({ payee: payee(`WINDSOR IMPROVEMENT ${'X'.repeat(250)}`), options: undefined });
    assert.equal(long.candidates[0]!.supplier!.id, 'irs_eo_bmf:010180687');
    assert.ok(long.candidates[0]!.score < (await t.client.match({ payee: payee('WINDSOR IMPROVEMENT'), options: undefined })).candidates[0]!.score);
    // Freeform addresses are read loosely.
    const free = await t.client.match({
      payee: payee('Knights of Columbus', { address: { ...address('', '', '', ''), freeform: '9 Elm St, Rutland, VT 05701' } }),
      options: undefined,
    });
    assert.equal(free.candidates[0]!.supplier!.id, 'erp:KC-2');
  });

  it('matches many payees per call, failing items independently', async () => {
    const res = await t.client.matchBatch({
      payees: [payee('WINDSOR IMPROVEMENT CORP'), payee(''), payee('Oxford Construction Co'), payee('Acme', { address: address('', '', '', '1') })],
      options: undefined,
    });
    assert.equal(res.results.length, 4);
    assert.deepEqual(res.results.map((r) => r.index), [0, 1, 2, 3]);
    assert.equal(res.results[0]!.match!.candidates[0]!.supplier!.id, 'irs_eo_bmf:010180687');
    assert.equal(res.results[1]!.error!.code, Status.INVALID_ARGUMENT);
    assert.equal(fieldViolationsOf(res.results[1]!.error)[0]!.field, 'payees[1].name');
    assert.ok(res.results[2]!.match!.candidates[0]!.supplier!.name.startsWith('Oxford Construction'));
    assert.equal(fieldViolationsOf(res.results[3]!.error)[0]!.field, 'payees[3].address.postal_code');
    await violation(t.client.matchBatch({ payees: [], options: undefined }), 'payees');
    await violation(t.client.matchBatch({ payees: Array.from({ length: 1001 }, () => payee('x')), options: undefined }), 'payees');
  });

  it('gets, lists and pages suppliers', async () => {
    await violation(t.client.getSupplier({ id: '' }), 'id');
    await violation(t.client.getSupplier({ id: 'no-colon' }), 'id');
    await assert.rejects(t.client.getSupplier({ id: 'irs_eo_bmf:000000000' }), (e: ClientError) => e.code === Status.NOT_FOUND);
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await t.client.listSuppliers({ source: 'fedach', pageSize: 10, pageToken });
      seen.push(...page.suppliers.map((s) => s.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    assert.equal(seen.length, 35);
    assert.deepEqual(seen, [...seen].sort());
    assert.ok(seen.every((id) => id.startsWith('fedach:')));
    const all = await t.client.listSuppliers({ source: '', pageSize: 1000, pageToken: '' });
    assert.equal(all.suppliers.length, 52 + 44 + 35 + 2);
    await violation(t.client.listSuppliers({ source: '', pageSize: 10, pageToken: 'garbage' }), 'page_token');
    await violation(t.client.listSuppliers({ source: '', pageSize: -1, pageToken: '' }), 'page_size');
  });

  it('deletes a supplier from the store and the index', async () => {
    const before = await t.client.getIndexStats({});
    await t.client.deleteSupplier({ id: 'erp:KC-2' });
    await assert.rejects(t.client.getSupplier({ id: 'erp:KC-2' }), (e: ClientError) => e.code === Status.NOT_FOUND);
    const res = await t.client.match({ payee: payee('Knights of Columbus', { address: address('', 'Rutland', 'VT', '05701') }), options: undefined });
    assert.ok(res.candidates.every((c) => c.supplier!.id !== 'erp:KC-2'));
    await assert.rejects(t.client.deleteSupplier({ id: 'erp:KC-2' }), (e: ClientError) => e.code === Status.NOT_FOUND);
    const stats = await t.client.getIndexStats({});
    assert.equal(stats.supplierCount, before.supplierCount - 1);
    // Re-importing brings it back as a new supplier.
    const again = await importRecords(t.client, [{ source: 'erp', sourceId: 'KC-2', name: 'KNIGHTS OF COLUMBUS', address: address('9 Elm St', 'Rutland', 'VT', '05701') }]);
    assert.equal(again.inserted, 1);
  });

  it('reports index statistics', async () => {
    const stats = await t.client.getIndexStats({});
    assert.equal(stats.ready, true);
    assert.equal(stats.supplierCount, 52 + 44 + 35 + 2);
    assert.ok(stats.nameCount >= stats.supplierCount - 2); // the 2 PPP rows without a name have no name variant
    assert.ok(stats.termCount > 100);
    assert.ok(stats.memoryBytes > 0);
    assert.ok(stats.builtTime instanceof Date);
    assert.ok(stats.updatesApplied > 0);
  });
});

describe('decisions on a same-name supplier elsewhere', () => {
  let n: TestService;
  before(async () => {
    n = await startTestService();
    await importFixture(n.client, 'irs-eo-bmf-vt-sample.csv', SupplierFormat.SUPPLIER_FORMAT_IRS_EO_BMF);
  });
  after(() => n.close());

  it('never auto-matches a same-name supplier the payee\'s address puts elsewhere', async () => {
    await importRecords(n.client, [
      { source: 'erp', sourceId: 'SP-AK', name: 'Smith Plumbing LLC', address: address('410 W 5th Ave', 'Anchorage', 'AK', '99501') },
    ]);
    const atlanta = { address: address('', 'Atlanta', 'GA', '30303') };
    // Only the Anchorage supplier bears the name: it is shown, with the disagreement, but REVIEW at most
    // (even when the request lowers the match threshold below the score).
    for (const options of [undefined, { topK: 5, matchThreshold: 0.3, reviewThreshold: 0.1 }]) {
      const res = await n.client.match({ payee: payee('Smith Plumbing LLC', atlanta), options });
      const top = res.candidates[0];
      assert.equal(top?.supplier?.id, 'erp:SP-AK');
      assert.ok(top.disagreedFields.includes(MatchField.MATCH_FIELD_STATE));
      assert.ok(top.evidence.some((e) => e.ruleId === 'address.conflict'));
      assert.notEqual(res.decision, MatchDecision.MATCH_DECISION_MATCHED);
      assert.notEqual(top.decision, MatchDecision.MATCH_DECISION_MATCHED);
      if (!options) assert.ok(top.score < res.matchThreshold, `score ${top.score}`);
    }
    // The same payee in Anchorage, or with no address at all, is the Anchorage supplier.
    const home = await n.client.match({ payee: payee('Smith Plumbing LLC', { address: address('', 'Anchorage', 'AK', '99501') }), options: undefined });
    assert.equal(home.candidates[0]?.supplier?.id, 'erp:SP-AK');
    assert.equal(home.decision, MatchDecision.MATCH_DECISION_MATCHED);
    assert.ok(!home.candidates[0]!.evidence.some((e) => e.ruleId === 'address.conflict'));
    // A same-name supplier in Atlanta is the match, ranked above the Anchorage one.
    await importRecords(n.client, [
      { source: 'erp', sourceId: 'SP-GA', name: 'SMITH PLUMBING, L.L.C.', address: address('55 Peachtree St', 'Atlanta', 'GA', '30303') },
    ]);
    const both = await n.client.match({ payee: payee('Smith Plumbing LLC', atlanta), options: undefined });
    assert.equal(both.candidates[0]?.supplier?.id, 'erp:SP-GA');
    assert.equal(both.decision, MatchDecision.MATCH_DECISION_MATCHED);
    const ak = both.candidates.find((c) => c.supplier?.id === 'erp:SP-AK');
    assert.ok(!ak || (ak.decision !== MatchDecision.MATCH_DECISION_MATCHED && ak.score < both.candidates[0]!.score));
  });
});

describe('candidates from the payee\'s ZIP', () => {
  let t: TestService;
  // A small rerank pool, so that the misspelt word's look-alikes fill it as they would in a large network.
  before(async () => (t = await startTestService({ settings: { poolSize: 5 } })));
  after(() => t.close());

  it('finds a supplier whose rare word has two typos when the ZIP agrees, without auto-matching it', async () => {
    const lookAlikes = ['FOODS', 'MOTORS', 'TRAVEL', 'CLEANERS', 'DENTAL', 'ROOFING', 'BAKERY', 'PRINTING'];
    await importRecords(t.client, [
      { source: 'erp', sourceId: 'RH', name: 'ROSE HILL COMPANY', address: address('1 Rose Hill Rd', 'Meridian', 'MS', '39305') },
      // HLLIS is one edit from the payee's HLLIL, HILL two: the token walk sees only these.
      ...lookAlikes.map((w, i) => ({ source: 'erp', sourceId: `HL-${i}`, name: `HLLIS ${w}`, address: address('', 'Macon', 'GA', '31201') })),
    ]);
    const ids = async (zip: string) =>
      (await t.client.match({ payee: payee('ROSE HLLIL CO', { address: address('', 'Meridian', 'MS', zip) }), options: { topK: 5, matchThreshold: 0, reviewThreshold: 0 } }))
        .candidates.map((c) => c.supplier?.id);
    assert.ok((await ids('39305')).includes('erp:RH'), 'the supplier in the payee\'s ZIP is a candidate');
    const res = await t.client.match({ payee: payee('ROSE HLLIL CO', { address: address('', 'Meridian', 'MS', '39305') }), options: undefined });
    const rh = res.candidates.find((c) => c.supplier?.id === 'erp:RH');
    assert.ok(rh, 'shown with the default options too');
    assert.notEqual(rh.decision, MatchDecision.MATCH_DECISION_MATCHED);
  });
});

describe('index updates', () => {
  let t: TestService;
  before(async () => (t = await startTestService()));
  after(() => t.close());

  it('applies adds, changes and removals incrementally', async () => {
    await importRecords(t.client, [{ source: 'erp', sourceId: 'A1', name: 'Bluebird Catering LLC', address: address('5 Oak St', 'Macon', 'GA', '31201') }]);
    const find = async (name: string) => (await t.client.match({ payee: payee(name), options: undefined })).candidates[0]?.supplier?.id;
    assert.equal(await find('Bluebird Catering'), 'erp:A1');
    // A rename: the old name no longer finds it, the new one does.
    const r = await importRecords(t.client, [{ source: 'erp', sourceId: 'A1', name: 'Redwing Events LLC', address: address('5 Oak St', 'Macon', 'GA', '31201') }]);
    assert.equal(r.updated, 1);
    assert.equal(await find('Redwing Events'), 'erp:A1');
    assert.notEqual(await find('Bluebird Catering'), 'erp:A1');
    const stats = await t.client.getIndexStats({});
    assert.equal(stats.supplierCount, 1);
    assert.equal(stats.buildSeconds >= 0, true);
  });
});

/** A store whose supplier scan waits for a gate: the index stays "loading" until the test opens it. */
function gatedStore(inner: Store, gate: Promise<void>): Store {
  return {
    kind: inner.kind,
    location: inner.location,
    ping: () => inner.ping(),
    close: () => inner.close(),
    collection<T extends { _id: string }>(name: string): Collection<T> {
      const c = inner.collection<T>(name);
      if (name !== 'suppliers') return c;
      return Object.assign(Object.create(c) as Collection<T>, {
        scan: async function* (...args: Parameters<Collection<T>['scan']>) {
          await gate;
          yield* c.scan(...args);
        },
      });
    },
  };
}

describe('health and readiness', () => {
  it('is NOT_SERVING (and answers UNAVAILABLE) until the index is loaded', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const inner = new store.EmbeddedStore();
    const t = await startTestServiceUnready(gatedStore(inner, gate));
    try {
      assert.equal((await checkHealth(t.address, 'clarity.matching.v1.MatchingService')).status, 'NOT_SERVING');
      const stats = await t.client.getIndexStats({});
      assert.equal(stats.ready, false);
      await assert.rejects(t.client.match({ payee: payee('Acme'), options: undefined }), (e: ClientError) => e.code === Status.UNAVAILABLE);
      open();
      await waitFor(async () => (await checkHealth(t.address, 'clarity.matching.v1.MatchingService')).status === 'SERVING');
      assert.equal((await t.client.getIndexStats({})).ready, true);
    } finally {
      await t.close();
      await inner.close();
    }
  });
});

async function startTestServiceUnready(s: Store) {
  const { createServiceClient } = await import('@clarity/kit');
  const { testRuntimeConfig } = await import('@clarity/kit/testing');
  const { MatchingServiceDefinition } = await import('@clarity/proto/clarity/matching/v1/matching.js');
  const { DEFAULT_SETTINGS } = await import('../src/config.js');
  const { startMatchingService } = await import('../src/server.js');
  const running = await startMatchingService({ config: { runtime: testRuntimeConfig('matching'), matching: { ...DEFAULT_SETTINGS, syncIntervalMs: 0 } }, store: s });
  const client = createServiceClient(MatchingServiceDefinition, running.address, { defaultTimeoutMs: 10_000, retryAttempts: false });
  return {
    address: running.address,
    client,
    close: async () => {
      client.close();
      await running.shutdown();
    },
  };
}

/**
 * Two replicas converge through the store's change sequence. `openStores` gives each replica its own
 * store handle (one shared object for the embedded store; two driver connections for MongoDB wire).
 */
function replicaConvergence(openStores: () => Promise<[Store, Store, () => Promise<void>]>) {
  return async () => {
    const [storeA, storeB, closeStores] = await openStores();
    const settings = { syncIntervalMs: 50, syncSettleMs: 200 };
    const a = await startTestService({ store: storeA, settings });
    const b = await startTestService({ store: storeB, settings });
    try {
      const top = async (t: TestService, name: string) => (await t.client.match({ payee: payee(name), options: undefined })).candidates[0]?.supplier?.id;
      await importRecords(a.client, [{ source: 'erp', sourceId: 'R1', name: 'Harbor Freight Logistics', address: address('', 'Savannah', 'GA', '31401') }]);
      assert.equal(await top(a, 'Harbor Freight Logistics'), 'erp:R1');
      await waitFor(async () => (await top(b, 'Harbor Freight Logistics')) === 'erp:R1');
      // A change written by B reaches A.
      await importRecords(b.client, [{ source: 'erp', sourceId: 'R1', name: 'Harbour Logistics Group', address: address('', 'Savannah', 'GA', '31401') }]);
      await waitFor(async () => (await top(a, 'Harbour Logistics Group')) === 'erp:R1');
      // A deletion on A reaches B as a tombstone.
      await a.client.deleteSupplier({ id: 'erp:R1' });
      await waitFor(async () => (await b.client.getIndexStats({})).supplierCount === 0);
      const statsB = await b.client.getIndexStats({});
      assert.ok(statsB.updatesApplied >= 3);
      assert.ok(statsB.lastSyncTime instanceof Date);
    } finally {
      await a.close();
      await b.close();
      await closeStores();
    }
  };
}

describe('replicas sharing one store', () => {
  it(
    'converge through the change sequence without rebuilding (embedded store)',
    replicaConvergence(async () => {
      const shared = new store.EmbeddedStore();
      return [shared, shared, () => shared.close()];
    }),
  );

  // Several replicas of one deployment, each with its own connection to a MongoDB-wire server.
  const ferretMissing = !existsSync(ferretDbBinary());
  it(
    'converge through the change sequence without rebuilding (MongoDB wire: FerretDB, one connection per replica)',
    { skip: ferretMissing && !ferretDbRequired() ? 'FerretDB not installed (CLARITY_REQUIRE_FERRETDB=0)' : false },
    replicaConvergence(async () => {
      const ferret = await startFerretDb();
      const db = `clarity_matching_${process.pid}`;
      const [sa, sb] = await Promise.all([store.MongoStore.connect(ferret.uri, db), store.MongoStore.connect(ferret.uri, db)]);
      return [sa, sb, async () => {
        await sa.close();
        await sb.close();
        ferret.stop();
      }];
    }),
  );
});
