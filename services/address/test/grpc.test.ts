// Every RPC over real gRPC against a server on port 0: Parse, Validate, ValidateBatch, and the bad-input
// contract (INVALID_ARGUMENT with field violations; per-item errors in batches beside good results).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServiceClient, fieldViolationsOf, store, type ServiceClient } from '@clarity/kit';
import { testRuntimeConfig } from '@clarity/kit/testing';
import { AddressServiceDefinition, PossibleNextAction, ValidationSource } from '@clarity/proto/clarity/address/v1/address.js';
import { PostalAddress } from '@clarity/proto/clarity/common/v1/payee.js';
import { ClientError, Status } from 'nice-grpc-common';
import { startAddressService, type RunningAddressService } from '../src/server.js';

const addr = (a: Partial<PostalAddress>) => PostalAddress.fromPartial(a);

async function rejects(p: Promise<unknown>, code: Status, field?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ClientError, String(err));
    assert.equal(err.code, code, err.details);
    if (field) {
      const details = (err as ClientError & { extra?: Array<{ fieldViolations?: Array<{ field: string }> }> }).extra ?? [];
      const fields = details.flatMap((d) => d.fieldViolations ?? []).map((v) => v.field);
      assert.ok(fields.some((f) => field.test(f)), `fields ${JSON.stringify(fields)}`);
    }
    return true;
  });
}

describe('AddressService over gRPC', () => {
  let running: RunningAddressService;
  let client: ServiceClient<typeof AddressServiceDefinition>;

  before(async () => {
    running = await startAddressService({
      config: { runtime: testRuntimeConfig('address', { CLARITY_BATCH_MAX_ITEMS: '50' }), cacheTtlMs: 0, maxFieldChars: 500 },
      store: new store.EmbeddedStore(),
    });
    client = createServiceClient(AddressServiceDefinition, running.address);
  });
  after(async () => {
    client.close();
    await running.shutdown();
  });

  it('Parse returns labeled components and typed fields', async () => {
    const { parsed } = await client.parse({ address: addr({ freeform: '10600 FOLSOM BLVD RANCHO CORDOVA 95670 CA' }) });
    assert.equal(parsed!.addressNumber, '10600');
    assert.equal(parsed!.city, 'RANCHO CORDOVA');
    assert.equal(parsed!.zip, '95670');
    assert.ok(parsed!.components.length >= 6);
    assert.ok(parsed!.confidence > 0.5);
  });

  it('Validate returns a local verdict, standardized lines and a geocode', async () => {
    const { result } = await client.validate({ address: addr({ line1: '4066 Shelburne Road Suite 2', city: 'Shelburne', state: 'VT', postalCode: '05482-6908' }) });
    assert.equal(result!.source, ValidationSource.VALIDATION_SOURCE_LOCAL);
    assert.equal(result!.standardized!.singleLine, '4066 SHELBURNE RD STE 2 SHELBURNE VT 05482-6908');
    assert.equal(result!.verdict!.possibleNextAction, PossibleNextAction.POSSIBLE_NEXT_ACTION_ACCEPT);
    assert.ok(result!.geocode!.latitude > 44 && result!.geocode!.latitude < 45);
  });

  it('Validate with use_external but no external validator answers locally with a note', async () => {
    const { result } = await client.validate({ address: addr({ freeform: 'PO BOX 123 ATLANTA GA 30301' }), options: { useExternal: true } });
    assert.equal(result!.source, ValidationSource.VALIDATION_SOURCE_LOCAL);
    assert.ok(result!.notes.some((n) => n.includes('no external validator is configured')));
  });

  it('ValidateBatch answers every item in order; bad items fail alone', async () => {
    const { results } = await client.validateBatch({
      addresses: [
        addr({ freeform: 'PO BOX 123 ATLANTA GA 30301' }),
        addr({}),
        addr({ line1: '1 MAIN ST', city: 'MORROW', state: 'GA', postalCode: '30260.0' }),
        addr({ freeform: 'x'.repeat(5000) }),
        addr({ freeform: 'junk that is not an address' }),
        addr({ freeform: '1 rue de Rivoli Paris', countryCode: 'FR' }),
      ],
    });
    assert.deepEqual(results.map((r) => r.index), [0, 1, 2, 3, 4, 5]);
    assert.ok(results[0]!.result);
    assert.equal(results[1]!.error!.code, Status.INVALID_ARGUMENT);
    assert.deepEqual(fieldViolationsOf(results[1]!.error).map((v) => v.field), ['addresses[1]']);
    assert.equal(results[2]!.result!.standardized!.address!.postalCode, '30260');
    assert.deepEqual(fieldViolationsOf(results[3]!.error).map((v) => v.field), ['addresses[3].freeform']);
    assert.equal(results[4]!.result!.verdict!.possibleNextAction, PossibleNextAction.POSSIBLE_NEXT_ACTION_FIX);
    assert.deepEqual(fieldViolationsOf(results[5]!.error).map((v) => v.field), ['addresses[5].country_code']);
  });

  it('bad input: missing, empty, huge, non-US → INVALID_ARGUMENT naming the field', async () => {
    await rejects(client.validate({}), Status.INVALID_ARGUMENT, /^address$/);
    await rejects(client.parse({ address: addr({ freeform: '   ' }) }), Status.INVALID_ARGUMENT, /^address$/);
    await rejects(client.validate({ address: addr({ line1: 'y'.repeat(2000) }) }), Status.INVALID_ARGUMENT, /^address\.line1$/);
    await rejects(client.validate({ address: addr({ freeform: '10 Downing St London', countryCode: 'GB' }) }), Status.INVALID_ARGUMENT, /^address\.country_code$/);
    await rejects(client.validateBatch({ addresses: [] }), Status.INVALID_ARGUMENT, /^addresses$/);
    await rejects(client.validateBatch({ addresses: Array.from({ length: 51 }, () => addr({ freeform: 'PO BOX 1' })) }), Status.INVALID_ARGUMENT, /^addresses$/);
  });

  it('non-Latin text and odd ZIPs get a low-confidence verdict, not an error', async () => {
    const a = await client.validate({ address: addr({ freeform: '東京都千代田区丸の内1-1' }) });
    assert.equal(a.result!.verdict!.possibleNextAction, PossibleNextAction.POSSIBLE_NEXT_ACTION_FIX);
    assert.ok(a.result!.confidence < 0.3);
    const b = await client.validate({ address: addr({ line1: 'RR 2 BOX 152', city: 'GRAFTON', state: 'VT', postalCode: '5146' }) });
    assert.equal(b.result!.standardized!.address!.postalCode, '05146');
  });
});
