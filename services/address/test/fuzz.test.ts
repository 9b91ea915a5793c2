// Fuzz: 10,000 random and mutated strings (and structured variants) through the parser and the local
// validator — no exception, and a verdict with sane confidences for every one. A slice also goes through
// ValidateBatch over gRPC, where every item must come back with a result or a per-item error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServiceClient, store, type ServiceClient } from '@clarity/kit';
import { testRuntimeConfig } from '@clarity/kit/testing';
import { AddressServiceDefinition, PossibleNextAction } from '@clarity/proto/clarity/address/v1/address.js';
import { PostalAddress } from '@clarity/proto/clarity/common/v1/payee.js';
import { AddressParser, type AddressInput } from '../src/domain/parser.js';
import { LocalValidator } from '../src/domain/validate.js';
import { startAddressService, type RunningAddressService } from '../src/server.js';

let seed = 20261122;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const SEEDS = [
  '10600 FOLSOM BLVD RANCHO CORDOVA 95670 CA', '38350 40TH ST EAST 100 PALMDALE CA', '% JOHN DOE PO BOX 123 ATLANTA GA 30301',
  'RR 2 BOX 152 GRAFTON VT 05146', '4066 Shelburne Road, Suite 2, Shelburne, VT 05482-6908', 'PSC 1234 BOX 5678 APO AE 09001',
  'C/O ACME CORP\n1 MAIN ST\nBOSTON MA 02108', '123 1/2 N MAIN ST # 4, SPRINGFIELD, IL 62701', 'CORNER OF FIRST AND MAIN STREETS',
  'GENERAL DELIVERY, JUNEAU AK 99801', '1 Infinite Loop, Cupertino, California 95014 USA',
];
const ALPHABETS = [
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz', '0123456789', ' ,.#-/&%()\n\t;:\'"', 'ÀÉÎÕÜñçßøå', '東京都千代田区丸の内',
  'Ωπλ', '\u0000\u0007\u001b\u007f\u200b\u202e\ufeff', '😀🏠📮', 'абвгд', 'ابت',
];

function randomString(): string {
  const len = int(rand() < 0.05 ? 2000 : 120);
  let s = '';
  for (let k = 0; k < len; k++) s += pick(pick(ALPHABETS).split(''));
  if (rand() < 0.05) s += '\ud800'; // a lone surrogate
  return s;
}

function mutate(s: string): string {
  let out = s;
  for (let k = 0, n = 1 + int(6); k < n; k++) {
    const at = int(out.length + 1);
    switch (int(8)) {
      case 0: out = out.slice(0, at) + out.slice(at + 1 + int(4)); break;
      case 1: out = out.slice(0, at) + pick(pick(ALPHABETS).split('')) + out.slice(at); break;
      case 2: { const w = out.split(' '); const i = int(w.length); const j = int(w.length); [w[i], w[j]] = [w[j]!, w[i]!]; out = w.join(' '); break; }
      case 3: out = out.split(' ').map((w) => (rand() < 0.3 ? w + w : w)).join(' '); break;
      case 4: out = rand() < 0.5 ? out.toLowerCase() : out.toUpperCase(); break;
      case 5: out = out.slice(0, int(out.length + 1)); break;
      case 6: out = out.replace(/\d/g, () => String(int(10))); break;
      default: out = `${out} ${pick(['30260.0', '5146', '00000', '99999-', 'ZIP', '#', '&', 'APT', 'PO BOX', ',,,,'])}`;
    }
  }
  return out;
}

function fuzzInputs(count: number): Array<string | AddressInput> {
  const inputs: Array<string | AddressInput> = [];
  for (let k = 0; k < count; k++) {
    const r = rand();
    if (r < 0.35) inputs.push(randomString());
    else if (r < 0.8) inputs.push(mutate(pick(SEEDS)));
    else {
      inputs.push({
        line1: rand() < 0.8 ? mutate(pick(SEEDS)).slice(0, 60) : '',
        line2: rand() < 0.2 ? randomString().slice(0, 30) : '',
        city: rand() < 0.7 ? mutate('RANCHO CORDOVA') : '',
        state: rand() < 0.7 ? pick(['CA', 'California', 'XX', 'calif', '', 'N Y', '東京']) : '',
        postalCode: rand() < 0.7 ? pick(['95670', '30260.0', '5146', '956701234', 'ABCDE', '1', '95670-', '', randomString().slice(0, 8)]) : '',
        recipient: rand() < 0.2 ? mutate('% JOHN DOE') : '',
      });
    }
  }
  return inputs;
}

describe('fuzz', () => {
  it('10,000 random and mutated inputs: no exception, a verdict for each', () => {
    const validator = new LocalValidator(new AddressParser());
    const inputs = fuzzInputs(10_000);
    let verdicts = 0;
    for (const input of inputs) {
      let result;
      try {
        result = validator.validate(input);
      } catch (err) {
        assert.fail(`exception on ${JSON.stringify(input).slice(0, 200)}: ${(err as Error).stack}`);
      }
      assert.ok(result.verdict, JSON.stringify(input).slice(0, 100));
      assert.notEqual(result.verdict.possibleNextAction, PossibleNextAction.POSSIBLE_NEXT_ACTION_UNSPECIFIED);
      assert.ok(result.confidence >= 0 && result.confidence <= 1 && Number.isFinite(result.confidence));
      assert.ok(result.parsed!.confidence >= 0 && result.parsed!.confidence <= 1);
      for (const c of result.parsed!.components) assert.ok(c.confidence >= 0 && c.confidence <= 1 && Number.isFinite(c.confidence));
      verdicts += 1;
    }
    assert.equal(verdicts, 10_000);
  });

  describe('over gRPC', () => {
    let running: RunningAddressService;
    let client: ServiceClient<typeof AddressServiceDefinition>;
    before(async () => {
      running = await startAddressService({ config: { runtime: testRuntimeConfig('address'), cacheTtlMs: 0, maxFieldChars: 500 }, store: new store.EmbeddedStore() });
      client = createServiceClient(AddressServiceDefinition, running.address);
    });
    after(async () => {
      client.close();
      await running.shutdown();
    });

    it('1,000 fuzz inputs in batches: every item gets a result or a per-item error', async () => {
      const inputs = fuzzInputs(1_000).map((i) => PostalAddress.fromPartial(typeof i === 'string' ? { freeform: i } : i));
      for (let k = 0; k < inputs.length; k += 500) {
        const batch = inputs.slice(k, k + 500);
        const { results } = await client.validateBatch({ addresses: batch });
        assert.equal(results.length, batch.length);
        for (const r of results) assert.ok(r.result?.verdict || r.error, `item ${r.index}`);
      }
    });
  });
});
