// AddressService.ValidateBatch — local verdicts run sequentially (CPU-bound, ~20k/s); external lookups,
// when asked for, run concurrently (the adapter's concurrency cap and rate limit apply). Items fail
// independently: a bad address gets a per-item INVALID_ARGUMENT beside the good results.
import { checkBatchSize, FieldViolations, invalidArgument, toStatusProto, type HandlerContext } from '@clarity/kit';
import type { AddressValidationResult, ValidateBatchRequest, ValidateBatchResponse, ValidateBatchResult } from '@clarity/proto/clarity/address/v1/address.js';
import type { AddressInput } from '../domain/parser.js';
import type { AddressDeps } from '../server.js';
import { addressInput } from './request.js';

export function validateBatchHandler(deps: AddressDeps) {
  return async (request: ValidateBatchRequest, context: HandlerContext): Promise<ValidateBatchResponse> => {
    checkBatchSize(request.addresses, 'addresses', deps.config.runtime.batchMaxItems);
    const useExternal = Boolean(request.options?.useExternal);
    const results: ValidateBatchResult[] = [];
    const pending: Array<{ index: number; input: AddressInput; local: AddressValidationResult }> = [];
    for (let index = 0; index < request.addresses.length; index++) {
      if (context.signal.aborted) throw context.signal.reason ?? new Error('cancelled');
      const v = new FieldViolations();
      const input = addressInput(request.addresses[index], `addresses[${index}]`, v, deps.config.maxFieldChars);
      if (!input) {
        results.push({ index, error: toStatusProto(invalidArgument(v.list)) });
        continue;
      }
      try {
        const local = deps.validation.validateLocal(input);
        results.push({ index, result: local });
        if (useExternal) pending.push({ index, input, local });
      } catch (err) {
        results.push({ index, error: toStatusProto(err) });
      }
    }
    if (pending.length > 0) {
      const external = await Promise.all(pending.map((p) => deps.validation.withExternal(p.input, p.local, context.signal)));
      pending.forEach((p, k) => (results[p.index] = { index: p.index, result: external[k]! }));
    }
    deps.memory?.check();
    return { results };
  };
}
