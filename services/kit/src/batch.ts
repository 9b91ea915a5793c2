// Batch RPCs: many items per call, each failing on its own (google.rpc.Status per item), so one bad
// payee never costs the good ones beside it.
import type { Status as StatusProto } from '@clarity/proto/google/rpc/status.js';
import { FieldViolations, toStatusProto } from './errors.js';

/**
 * Validates the batch's size: at least one item, at most `maxItems`. `field` names the repeated field
 * ("payees").
 */
export function checkBatchSize(items: readonly unknown[], field: string, maxItems: number): void {
  const v = new FieldViolations();
  if (items.length === 0) v.add(field, 'must contain at least one item');
  else if (items.length > maxItems) v.add(field, `has ${items.length} items; the limit per call is ${maxItems} — split the batch`);
  v.throwIfAny();
}

export type BatchResult<K extends string, O> = { index: number; error?: StatusProto } & { [P in K]?: O };

/**
 * Runs `fn` for every item (sequentially — the work is CPU-bound, so concurrency would only add
 * overhead) and returns one result per item in input order, with either `key: value` or `error`.
 * Stops early with the signal's reason when the call is cancelled.
 */
export async function runBatch<I, K extends string, O>(
  items: readonly I[],
  key: K,
  fn: (item: I, index: number) => O | Promise<O>,
  signal?: AbortSignal,
): Promise<Array<BatchResult<K, O>>> {
  const results: Array<BatchResult<K, O>> = [];
  for (let index = 0; index < items.length; index++) {
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    try {
      const value = await fn(items[index]!, index);
      results.push({ index, [key]: value } as unknown as BatchResult<K, O>);
    } catch (err) {
      results.push({ index, error: toStatusProto(err) } as unknown as BatchResult<K, O>);
    }
  }
  return results;
}
