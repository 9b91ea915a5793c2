// The optional LLM fallback against a local HTTP server that speaks the OpenAI chat-completions API:
// answers, 429 with Retry-After, 5xx, slow and malformed answers, and the circuit breaker opening —
// in every failure case the service still answers with its local classification, marked as such.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClassificationTier, LlmPolicy } from '@clarity/proto/clarity/classification/v1/classification.js';
import { PayeeSubtype as S, PayeeType as T } from '@clarity/proto/clarity/common/v1/types.js';
import type { Payee } from '@clarity/proto/clarity/common/v1/payee.js';
import { parseLlmBody } from '../src/adapters/llm.js';
import { startTestService } from './helpers.js';

type Behaviour = 'ok' | 'gov' | '429' | '500' | 'slow' | 'malformed' | 'refusal';

interface Seen {
  at: number;
  body: { model: string; messages: Array<{ role: string; content: string }>; response_format: { type: string; json_schema: { schema: unknown } } };
  auth: string | undefined;
}

class FakeLlm {
  server!: Server;
  queue: Behaviour[] = [];
  fallback: Behaviour = 'ok';
  seen: Seen[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    this.seen.push({ at: Date.now(), body: JSON.parse(raw) as Seen['body'], auth: req.headers.authorization });
    const b = this.queue.shift() ?? this.fallback;
    const answer = (content: string) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
    };
    switch (b) {
      case 'ok':
        return answer(JSON.stringify({ payee_type: 'BUSINESS', subtype: 'business', confidence: 0.97, reason: 'a hair salon is a business' }));
      case 'gov':
        return answer(JSON.stringify({ payee_type: 'GOVERNMENT', subtype: 'county', confidence: 0.99, reason: 'looks like a county' }));
      case '429':
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":{"message":"rate limited"}}');
        return;
      case '500':
        res.writeHead(503).end('upstream overloaded');
        return;
      case 'slow':
        setTimeout(() => answer(JSON.stringify({ payee_type: 'BUSINESS', subtype: 'business', confidence: 0.9, reason: 'late' })), 1_500).unref();
        return;
      case 'malformed':
        return answer('Sure! I think this is probably a business.');
      case 'refusal':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: null, refusal: 'no' } }] }));
        return;
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

const payee = (name: string): Payee => ({ referenceId: '', name, taxId: '', attributes: {}, address: undefined, amount: undefined });
const UNCERTAIN = 'Thrive Hair Salon & Spa';

function llmEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLASSIFICATION_LLM_BASE_URL: url,
    CLASSIFICATION_LLM_MODEL: 'test-model',
    CLASSIFICATION_LLM_API_KEY: 'sk-test',
    CLASSIFICATION_LLM_THRESHOLD: '1',
    CLASSIFICATION_LLM_TIMEOUT_MS: '300',
    CLASSIFICATION_LLM_MAX_ATTEMPTS: '3',
    CLASSIFICATION_LLM_BASE_DELAY_MS: '10',
    CLASSIFICATION_LLM_MAX_DELAY_MS: '2000',
    CLASSIFICATION_LLM_BREAKER_VOLUME: '100',
    ...extra,
  };
}

describe('LLM fallback', () => {
  const llm = new FakeLlm();
  let t: Awaited<ReturnType<typeof startTestService>>;
  before(async () => {
    t = await startTestService(llmEnv(await llm.start()));
  });
  after(async () => {
    await t.close();
    await llm.close();
  });

  it('asks an OpenAI-compatible API for a JSON-schema answer and uses it for uncertain payees', async () => {
    llm.seen = [];
    llm.queue = ['gov'];
    const c = (await t.client.classify({ payee: payee(UNCERTAIN) })).classification!;
    assert.equal(llm.seen.length, 1);
    const req = llm.seen[0]!;
    assert.equal(req.body.model, 'test-model');
    assert.equal(req.auth, 'Bearer sk-test');
    assert.equal(req.body.response_format.type, 'json_schema');
    assert.ok(req.body.messages.some((m) => m.role === 'user' && m.content.includes(UNCERTAIN)));
    assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_LLM);
    assert.equal(c.payeeType, T.PAYEE_TYPE_GOVERNMENT);
    assert.equal(c.subtype, S.PAYEE_SUBTYPE_COUNTY);
    assert.ok(c.confidence <= 0.9, 'the LLM self-reported confidence is capped');
    assert.equal(c.evidence[0]!.tier, 'llm');
    assert.ok(c.evidence.some((e) => e.tier === 'model'), 'the local evidence is kept');
    assert.equal(c.industry?.naics?.code, '921140', 'industry is worked out again for the new type (a county)');
  });

  it('is not called with LLM_POLICY_NEVER, nor for junk', async () => {
    llm.seen = [];
    const c = (await t.client.classify({ payee: payee(UNCERTAIN), options: { llmPolicy: LlmPolicy.LLM_POLICY_NEVER, skipIndustry: false } })).classification!;
    assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_MODEL);
    await t.client.classify({ payee: payee('NULL') });
    assert.equal(llm.seen.length, 0);
  });

  it('honours Retry-After on 429 and then answers', async () => {
    llm.seen = [];
    llm.queue = ['429', 'ok'];
    const c = (await t.client.classify({ payee: payee(UNCERTAIN) })).classification!;
    assert.equal(llm.seen.length, 2);
    assert.ok(llm.seen[1]!.at - llm.seen[0]!.at >= 950, `waited ${llm.seen[1]!.at - llm.seen[0]!.at} ms (${JSON.stringify(llm.seen.map((s) => s.at))})`);
    assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_LLM);
  });

  it('retries a 5xx and then answers', async () => {
    llm.seen = [];
    llm.queue = ['500', 'ok'];
    const c = (await t.client.classify({ payee: payee(UNCERTAIN) })).classification!;
    assert.equal(llm.seen.length, 2);
    assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_LLM);
  });

  it('falls back to the local answer when the LLM is too slow', async () => {
    const local = (await t.client.classify({ payee: payee(UNCERTAIN), options: { llmPolicy: LlmPolicy.LLM_POLICY_NEVER, skipIndustry: false } })).classification!;
    llm.queue = ['slow', 'slow', 'slow'];
    const started = Date.now();
    const c = (await t.client.classify({ payee: payee(UNCERTAIN) })).classification!;
    assert.ok(Date.now() - started < 3_000, 'per-attempt timeout applied');
    assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_MODEL);
    assert.equal(c.payeeType, local.payeeType);
    assert.equal(c.confidence, local.confidence);
    const ev = c.evidence.find((e) => e.ruleId === 'llm.unavailable');
    assert.ok(ev, 'the fallback is marked');
    assert.match(ev.detail, /no answer within 300 ms/);
  });

  it('falls back to the local answer on malformed answers and refusals', async () => {
    llm.queue = ['malformed', 'malformed', 'malformed'];
    const c = (await t.client.classify({ payee: payee(UNCERTAIN) })).classification!;
    assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_MODEL);
    assert.match(c.evidence.find((e) => e.ruleId === 'llm.unavailable')!.detail, /malformed response/);
    llm.queue = ['refusal', 'refusal', 'refusal'];
    const r = (await t.client.classify({ payee: payee(UNCERTAIN) })).classification!;
    assert.match(r.evidence.find((e) => e.ruleId === 'llm.unavailable')!.detail, /refused/);
  });

  it('asks about the uncertain payees of a batch concurrently, up to the per-batch cap', async () => {
    llm.seen = [];
    llm.queue = [];
    const res = await t.client.classifyBatch({ payees: [payee(UNCERTAIN), payee('NULL'), payee('Sunrise Nails & Spa')] });
    assert.equal(llm.seen.length, 2);
    assert.equal(res.results[0]!.classification!.decidedBy, ClassificationTier.CLASSIFICATION_TIER_LLM);
    assert.equal(res.results[1]!.classification!.decidedBy, ClassificationTier.CLASSIFICATION_TIER_JUNK);
  });

  it('parses only well-formed answers', () => {
    const ok = parseLlmBody('llm', { choices: [{ message: { content: '```json\n{"payee_type":"INDIVIDUAL","subtype":"sole_proprietor","confidence":0.8,"reason":"r"}\n```' } }] });
    assert.equal(ok.payeeType, T.PAYEE_TYPE_INDIVIDUAL);
    assert.equal(ok.subtype, S.PAYEE_SUBTYPE_SOLE_PROPRIETOR);
    const mismatched = parseLlmBody('llm', { choices: [{ message: { content: '{"payee_type":"INDIVIDUAL","subtype":"county","confidence":0.8,"reason":"r"}' } }] });
    assert.equal(mismatched.subtype, S.PAYEE_SUBTYPE_UNSPECIFIED, 'a subtype of another type is dropped');
    assert.throws(() => parseLlmBody('llm', { choices: [{ message: { content: '{"payee_type":"ROBOT","subtype":"none","confidence":0.8,"reason":""}' } }] }), /payee_type/);
    assert.throws(() => parseLlmBody('llm', { choices: [{ message: { content: '{"payee_type":"BUSINESS","subtype":"none","confidence":7,"reason":""}' } }] }), /confidence/);
    assert.throws(() => parseLlmBody('llm', {}), /no message content/);
  });
});

describe('LLM circuit breaker', () => {
  const llm = new FakeLlm();
  let t: Awaited<ReturnType<typeof startTestService>>;
  before(async () => {
    t = await startTestService(
      llmEnv(await llm.start(), { CLASSIFICATION_LLM_MAX_ATTEMPTS: '1', CLASSIFICATION_LLM_BREAKER_VOLUME: '3', CLASSIFICATION_LLM_BREAKER_ERROR_PERCENT: '50', CLASSIFICATION_LLM_BREAKER_RESET_MS: '60000' }),
    );
  });
  after(async () => {
    await t.close();
    await llm.close();
  });

  it('opens after repeated 5xx, stops calling the LLM, and the service keeps answering locally', async () => {
    const local = (await t.client.classify({ payee: payee(UNCERTAIN), options: { llmPolicy: LlmPolicy.LLM_POLICY_NEVER, skipIndustry: false } })).classification!;
    llm.fallback = '500';
    llm.seen = [];
    for (let i = 0; i < 4; i++) {
      const c = (await t.client.classify({ payee: payee(UNCERTAIN) })).classification!;
      assert.equal(c.payeeType, local.payeeType);
      assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_MODEL);
    }
    assert.ok(t.running.engine.llm!.http.circuit.opened, 'breaker is open');
    const calls = llm.seen.length;
    llm.fallback = 'ok';
    const c = (await t.client.classify({ payee: payee(UNCERTAIN) })).classification!;
    assert.equal(llm.seen.length, calls, 'no call while the breaker is open');
    assert.equal(c.decidedBy, ClassificationTier.CLASSIFICATION_TIER_MODEL);
    assert.match(c.evidence.find((e) => e.ruleId === 'llm.unavailable')!.detail, /circuit breaker is open/);
  });
});
