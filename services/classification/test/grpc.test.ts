// Every RPC over real gRPC against a server on port 0 with the embedded store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Status, fieldViolationsOf, store as kitStore } from '@clarity/kit';
import { ClientError } from 'nice-grpc';
import { ClassificationTier, KeywordMatch, LlmPolicy, OverrideMatch } from '@clarity/proto/clarity/classification/v1/classification.js';
import { PayeeSubtype as S, PayeeType as T } from '@clarity/proto/clarity/common/v1/types.js';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import { defaultExclusionRules } from '../src/domain/exclusion-defaults.js';
import { startTestService } from './helpers.js';

const payee = (name: string): Payee => ({ referenceId: '', name, taxId: '', attributes: {}, address: undefined, amount: undefined });

async function rejects(p: Promise<unknown>, code: Status, field?: string): Promise<ClientError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClientError, `expected a gRPC error, got ${String(err)}`);
    assert.equal(err.code, code, err.details);
    if (field) assert.match(err.details, new RegExp(field.replace(/[.[\]]/g, '\\$&')));
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('ClassificationService over gRPC', () => {
  let t: Awaited<ReturnType<typeof startTestService>>;
  before(async () => {
    t = await startTestService({ CLASSIFICATION_RELOAD_INTERVAL_MS: '100' });
  });
  after(() => t.close());

  it('Classify answers with type, subtype, confidence, evidence, exclusion and industry', async () => {
    const { classification: c } = await t.client.classify({ payee: payee('SMITH PLUMBING LLC') });
    assert.equal(c!.payeeType, T.PAYEE_TYPE_BUSINESS);
    assert.equal(c!.decidedBy, ClassificationTier.CLASSIFICATION_TIER_LEGAL_FORM);
    assert.equal(c!.normalizedName, 'SMITH PLUMBING LLC');
    assert.equal(c!.industry?.naics?.code, '238220');
    assert.equal(c!.industry?.sic?.code, '1711');
    assert.equal(c!.exclusion?.excluded, false);
    assert.match(c!.exclusion!.listsVersion, /^\d{4}\.\d+\.\d+\+\d+$/);
    assert.match(c!.modelVersion, /^rules-\d+\/model-[0-9a-f]+$/);
    const irs = (await t.client.classify({ payee: payee('Internal Revenue Service'), options: { llmPolicy: LlmPolicy.LLM_POLICY_NEVER, skipIndustry: true } })).classification!;
    assert.equal(irs.payeeType, T.PAYEE_TYPE_GOVERNMENT);
    assert.ok(irs.exclusion!.excluded);
    assert.equal(irs.industry, undefined, 'skip_industry is honoured');
    // A well-known vendor written alone: the known-businesses tier, its code, over the wire.
    const depot = (await t.client.classify({ payee: payee('The Home Depot #6543') })).classification!;
    assert.deepEqual([depot.payeeType, depot.subtype, depot.decidedBy], [T.PAYEE_TYPE_BUSINESS, S.PAYEE_SUBTYPE_BUSINESS, ClassificationTier.CLASSIFICATION_TIER_KNOWN_BUSINESS]);
    assert.equal(depot.evidence[0]?.tier, 'known_business');
    assert.deepEqual([depot.industry?.naics?.code, depot.industry?.naics?.source], ['444110', 'known_business']);
  });

  it('Classify rejects empty, invisible and huge names with field violations', async () => {
    let err = await rejects(t.client.classify({ payee: payee('') }), Status.INVALID_ARGUMENT, 'payee.name');
    await rejects(t.client.classify({}), Status.INVALID_ARGUMENT, 'payee');
    err = await rejects(t.client.classify({ payee: payee('\u0000\u200b\u0007 ') }), Status.INVALID_ARGUMENT, 'payee.name');
    assert.match(err.details, /no visible characters/);
    err = await rejects(t.client.classify({ payee: payee('A'.repeat(600)) }), Status.INVALID_ARGUMENT, 'payee.name');
    assert.match(err.details, /limit is 500/);
    await rejects(t.client.classify({ payee: payee('B'.repeat(200_000)) }), Status.INVALID_ARGUMENT, 'payee.name');
  });

  it('Classify cleans control characters and answers UNKNOWN with a reason for non-Latin and junk names', async () => {
    const ctrl = (await t.client.classify({ payee: payee('ACME\u0000 TOOLS\u0007 INC') })).classification!;
    assert.equal(ctrl.normalizedName, 'ACME TOOLS INC');
    assert.equal(ctrl.payeeType, T.PAYEE_TYPE_BUSINESS);
    const ru = (await t.client.classify({ payee: payee('Иванов Иван') })).classification!;
    assert.equal(ru.payeeType, T.PAYEE_TYPE_UNKNOWN);
    assert.match(ru.unknownReason, /Cyrillic/);
    const mixed = (await t.client.classify({ payee: payee('Sakura Trading 株式会社 LLC') })).classification!;
    assert.equal(mixed.payeeType, T.PAYEE_TYPE_BUSINESS);
    const emoji = (await t.client.classify({ payee: payee('🙂🙂🙂') })).classification!;
    assert.equal(emoji.payeeType, T.PAYEE_TYPE_UNKNOWN);
    assert.ok(emoji.unknownReason);
    const owner = (await t.client.classify({ payee: payee('Current Owner') })).classification!;
    assert.equal(owner.payeeType, T.PAYEE_TYPE_UNKNOWN);
    assert.match(owner.unknownReason, /placeholder/);
  });

  it('ClassifyBatch answers in order and fails bad items on their own', async () => {
    const names = ['VERA, ELIZABETH', '', 'City of Atlanta', 'x'.repeat(501), 'Bank of America N.A.', 'James W. Trimble CPA'];
    const res = await t.client.classifyBatch({ payees: names.map((n) => payee(n)) });
    assert.equal(res.results.length, names.length);
    res.results.forEach((r, i) => assert.equal(r.index, i));
    assert.equal(res.results[0]!.classification!.payeeType, T.PAYEE_TYPE_INDIVIDUAL);
    assert.equal(res.results[1]!.error!.code, Status.INVALID_ARGUMENT);
    assert.deepEqual(fieldViolationsOf(res.results[1]!.error).map((v) => v.field), ['payees[1].name']);
    assert.equal(res.results[2]!.classification!.payeeType, T.PAYEE_TYPE_GOVERNMENT);
    assert.equal(fieldViolationsOf(res.results[3]!.error)[0]!.field, 'payees[3].name');
    assert.equal(res.results[4]!.classification!.subtype, S.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION);
    assert.equal(res.results[5]!.classification!.subtype, S.PAYEE_SUBTYPE_SOLE_PROPRIETOR);
  });

  it('ClassifyBatch rejects an empty or oversized batch', async () => {
    await rejects(t.client.classifyBatch({ payees: [] }), Status.INVALID_ARGUMENT, 'payees');
    await rejects(t.client.classifyBatch({ payees: Array.from({ length: 1001 }, () => payee('ACME INC')) }), Status.INVALID_ARGUMENT, 'payees');
  });

  it('ListExclusionRules pages through the seeded default lists and filters by list and category', async () => {
    const first = await t.client.listExclusionRules({ pageSize: 250 });
    assert.equal(first.totalSize, defaultExclusionRules().length);
    assert.equal(first.rules.length, 250);
    assert.ok(first.nextPageToken);
    const ids = new Set(first.rules.map((r) => r.id));
    let token = first.nextPageToken;
    while (token) {
      const page = await t.client.listExclusionRules({ pageSize: 1000, pageToken: token });
      for (const r of page.rules) {
        assert.ok(!ids.has(r.id), 'pages do not overlap');
        ids.add(r.id);
      }
      token = page.nextPageToken;
    }
    assert.equal(ids.size, first.totalSize);
    const courts = await t.client.listExclusionRules({ list: 'government', category: 'court', pageSize: 1000 });
    assert.ok(courts.totalSize > 20);
    assert.ok(courts.rules.every((r) => r.list === 'government' && r.category === 'court'));
    await rejects(t.client.listExclusionRules({ pageToken: 'not-a-token' }), Status.INVALID_ARGUMENT, 'page_token');
    await rejects(t.client.listExclusionRules({ pageSize: -1 }), Status.INVALID_ARGUMENT, 'page_size');
  });

  it('UpsertExclusionRule adds a rule that takes effect at once and bumps the version; DeleteExclusionRule removes it', async () => {
    const before = await t.client.classify({ payee: payee('Globex Holdings Inc') });
    assert.equal(before.classification!.exclusion!.excluded, false);
    const up = await t.client.upsertExclusionRule({
      rule: { id: '', list: 'financial', category: 'payment_processor', keyword: 'Globex', match: KeywordMatch.KEYWORD_MATCH_WORDS, impliesType: T.PAYEE_TYPE_BUSINESS, impliesSubtype: S.PAYEE_SUBTYPE_FINANCIAL_INSTITUTION, reason: 'card processor', disabled: false, updateTime: undefined },
    });
    assert.equal(up.rule!.id, 'financial.payment_processor.globex');
    assert.ok(up.rule!.updateTime instanceof Date);
    assert.notEqual(up.listsVersion, before.classification!.exclusion!.listsVersion);
    const after1 = (await t.client.classify({ payee: payee('Globex Holdings Inc') })).classification!;
    assert.ok(after1.exclusion!.excluded);
    assert.equal(after1.exclusion!.hits[0]!.ruleId, 'financial.payment_processor.globex');
    assert.equal(after1.exclusion!.listsVersion, up.listsVersion);
    const del = await t.client.deleteExclusionRule({ id: 'financial.payment_processor.globex' });
    assert.notEqual(del.listsVersion, up.listsVersion);
    assert.equal((await t.client.classify({ payee: payee('Globex Holdings Inc') })).classification!.exclusion!.excluded, false);
    await rejects(t.client.deleteExclusionRule({ id: 'financial.payment_processor.globex' }), Status.NOT_FOUND);
    await rejects(t.client.deleteExclusionRule({ id: '' }), Status.INVALID_ARGUMENT, 'id');
  });

  it('UpsertExclusionRule validates the rule', async () => {
    const base = { id: '', list: 'government', category: 'tax', keyword: 'X', match: KeywordMatch.KEYWORD_MATCH_WORDS, impliesType: T.PAYEE_TYPE_UNSPECIFIED, impliesSubtype: S.PAYEE_SUBTYPE_UNSPECIFIED, reason: '', disabled: false, updateTime: undefined };
    await rejects(t.client.upsertExclusionRule({}), Status.INVALID_ARGUMENT, 'rule');
    await rejects(t.client.upsertExclusionRule({ rule: { ...base, keyword: '' } }), Status.INVALID_ARGUMENT, 'rule.keyword');
    await rejects(t.client.upsertExclusionRule({ rule: { ...base, keyword: '([', match: KeywordMatch.KEYWORD_MATCH_REGEX } }), Status.INVALID_ARGUMENT, 'rule.keyword');
    await rejects(t.client.upsertExclusionRule({ rule: { ...base, list: '' } }), Status.INVALID_ARGUMENT, 'rule.list');
    await rejects(t.client.upsertExclusionRule({ rule: { ...base, impliesType: T.PAYEE_TYPE_GOVERNMENT, impliesSubtype: S.PAYEE_SUBTYPE_NONPROFIT } }), Status.INVALID_ARGUMENT, 'rule.implies_subtype');
    await rejects(t.client.upsertExclusionRule({ rule: { ...base, id: 'Bad Id!' } }), Status.INVALID_ARGUMENT, 'rule.id');
  });

  it('a disabled default rule stops matching', async () => {
    const rules = (await t.client.listExclusionRules({ list: 'government', category: 'tax', pageSize: 1000 })).rules;
    const irs = rules.find((r) => r.id === 'government.tax.x.irs')!;
    await t.client.upsertExclusionRule({ rule: { ...irs, disabled: true } });
    assert.equal((await t.client.classify({ payee: payee('IRS') })).classification!.exclusion!.hits.some((h) => h.ruleId === irs.id), false);
    await t.client.upsertExclusionRule({ rule: { ...irs, disabled: false } });
    assert.ok((await t.client.classify({ payee: payee('IRS') })).classification!.exclusion!.hits.some((h) => h.ruleId === irs.id));
  });

  it('Upsert/List/DeleteOverride: an override decides before every tier', async () => {
    const up = await t.client.upsertOverride({
      override: { id: '', pattern: 'Vera, Elizabeth', match: OverrideMatch.OVERRIDE_MATCH_EXACT_NAME, payeeType: T.PAYEE_TYPE_BUSINESS, subtype: S.PAYEE_SUBTYPE_BUSINESS, excluded: true, note: 'vendor master says company', updateTime: undefined },
    });
    assert.equal(up.override!.id, 'name.vera_elizabeth');
    await t.client.upsertOverride({
      override: { id: 'zz-inactive', pattern: '^ZZ ', match: OverrideMatch.OVERRIDE_MATCH_REGEX, payeeType: T.PAYEE_TYPE_UNKNOWN, subtype: S.PAYEE_SUBTYPE_UNSPECIFIED, excluded: false, note: 'inactive vendor', updateTime: undefined },
    });
    const c = (await t.client.classify({ payee: payee('VERA ELIZABETH') })).classification!;
    assert.equal(c.payeeType, T.PAYEE_TYPE_BUSINESS);
    assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_OVERRIDE);
    assert.ok(c.exclusion!.excluded);
    assert.equal((await t.client.classify({ payee: payee('ZZ Old Supplier Inc') })).classification!.payeeType, T.PAYEE_TYPE_UNKNOWN);
    const list = await t.client.listOverrides({ pageSize: 1 });
    assert.equal(list.totalSize, 2);
    assert.equal(list.overrides.length, 1);
    const page2 = await t.client.listOverrides({ pageSize: 1, pageToken: list.nextPageToken });
    assert.equal(page2.overrides.length, 1);
    assert.equal(page2.nextPageToken, '');
    await t.client.deleteOverride({ id: 'name.vera_elizabeth' });
    await t.client.deleteOverride({ id: 'zz-inactive' });
    assert.equal((await t.client.classify({ payee: payee('VERA, ELIZABETH') })).classification!.payeeType, T.PAYEE_TYPE_INDIVIDUAL);
    await rejects(t.client.deleteOverride({ id: 'zz-inactive' }), Status.NOT_FOUND);
  });

  it('UpsertOverride validates the override', async () => {
    const base = { id: '', pattern: 'ACME', match: OverrideMatch.OVERRIDE_MATCH_EXACT_NAME, payeeType: T.PAYEE_TYPE_BUSINESS, subtype: S.PAYEE_SUBTYPE_UNSPECIFIED, excluded: false, note: '', updateTime: undefined };
    await rejects(t.client.upsertOverride({ override: { ...base, pattern: '  ' } }), Status.INVALID_ARGUMENT, 'override.pattern');
    await rejects(t.client.upsertOverride({ override: { ...base, payeeType: T.PAYEE_TYPE_UNSPECIFIED } }), Status.INVALID_ARGUMENT, 'override.payee_type');
    await rejects(t.client.upsertOverride({ override: { ...base, subtype: S.PAYEE_SUBTYPE_COUNTY } }), Status.INVALID_ARGUMENT, 'override.subtype');
    await rejects(t.client.upsertOverride({ override: { ...base, pattern: '(', match: OverrideMatch.OVERRIDE_MATCH_REGEX } }), Status.INVALID_ARGUMENT, 'override.pattern');
  });
});

describe('replicas sharing a store', () => {
  it('see each other\'s edits by polling the lists version', async () => {
    const shared = new kitStore.EmbeddedStore();
    const a = await startTestService({ CLASSIFICATION_RELOAD_INTERVAL_MS: '100' }, { store: shared });
    const b = await startTestService({ CLASSIFICATION_RELOAD_INTERVAL_MS: '100' }, { store: shared });
    try {
      await a.client.upsertOverride({
        override: { id: '', pattern: 'Initech', match: OverrideMatch.OVERRIDE_MATCH_EXACT_NAME, payeeType: T.PAYEE_TYPE_GOVERNMENT, subtype: S.PAYEE_SUBTYPE_FEDERAL, excluded: true, note: '', updateTime: undefined },
      });
      let seen = false;
      for (let i = 0; i < 50 && !seen; i++) {
        seen = (await b.client.classify({ payee: payee('INITECH') })).classification!.decidedBy === ClassificationTier.CLASSIFICATION_TIER_OVERRIDE;
        if (!seen) await sleep(50);
      }
      assert.ok(seen, 'replica b picked up the override made on replica a');
      const rules = (await b.client.listExclusionRules({})).totalSize;
      assert.equal(rules, defaultExclusionRules().length, 'the second replica did not seed the defaults twice');
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('configuration', () => {
  it('rejects a bad variable by name', async () => {
    const { loadClassificationConfig } = await import('../src/config.js');
    assert.throws(() => loadClassificationConfig({ CLASSIFICATION_LLM_BASE_URL: 'ftp://x' }), /CLASSIFICATION_LLM_BASE_URL/);
    assert.throws(() => loadClassificationConfig({ CLASSIFICATION_MIN_RULE_PRECISION: '2' }), /CLASSIFICATION_MIN_RULE_PRECISION/);
    assert.equal(loadClassificationConfig({}).llm.baseUrl, undefined, 'the LLM is off by default');
  });

  it('CLASSIFICATION_MIN_CONFIDENCE turns uncertain answers into UNKNOWN with the best guess in the reason', async () => {
    const t = await startTestService({ CLASSIFICATION_MIN_CONFIDENCE: '0.9999' });
    try {
      const c = (await t.client.classify({ payee: payee('Thrive Hair Salon & Spa') })).classification!;
      assert.equal(c.payeeType, T.PAYEE_TYPE_UNKNOWN);
      assert.match(c.unknownReason, /too uncertain: best guess (INDIVIDUAL|BUSINESS|GOVERNMENT)/);
      const sure = (await t.client.classify({ payee: payee('SMITH PLUMBING LLC') })).classification!;
      assert.equal(sure.payeeType, T.PAYEE_TYPE_BUSINESS, 'a decisive rule stays');
    } finally {
      await t.close();
    }
  });
});
