// Test doubles built on the real generated contracts: small implementations of ClassificationService
// and MatchingService that exercise the kit (deadlines across hops, slow calls, failures).
import { setTimeout as sleep } from 'node:timers/promises';
import { ClassificationServiceDefinition, type ClassificationServiceImplementation, type ClassifyResponse } from '@clarity/proto/clarity/classification/v1/classification.js';
import { PayeeType } from '@clarity/proto/clarity/common/v1/types.js';
import { MatchingServiceDefinition, type MatchingServiceImplementation } from '@clarity/proto/clarity/matching/v1/matching.js';
import {
  createServiceClient,
  downstream,
  invalidArgument,
  startService,
  unimplemented,
  type DeadlineContext,
  type HandlerContext,
  type RunningService,
  type StartServiceOptions,
} from '../src/index.js';
import { testRuntimeConfig } from '../src/testing.js';

const notUsed = (rpc: string) => async () => {
  throw unimplemented(rpc, 'not part of this test double');
};

export interface Observed {
  budgets: Array<string | undefined>;
  abortedAfterMs: number[];
  traceparents: Array<string | undefined>;
}

/**
 * A classification double whose Classify behaves by the payee name:
 *   "slow:<ms>"      answers after <ms> milliseconds (ignores cancellation: tests draining)
 *   "wait"           waits until its signal aborts, recording when
 *   "boom"           throws a plain Error (must become INTERNAL)
 *   "" (empty)       INVALID_ARGUMENT with a field violation
 *   "hop:<anything>" calls the matching service's Match (a second hop) with the same deadline
 *   otherwise        answers BUSINESS with the name echoed
 */
export function classificationDouble(observed: Observed, matchingAddress?: string): ClassificationServiceImplementation<DeadlineContext> {
  const matching = matchingAddress ? createServiceClient(MatchingServiceDefinition, matchingAddress) : undefined;
  return {
    async classify(request, context: HandlerContext): Promise<ClassifyResponse> {
      const name = request.payee?.name ?? '';
      observed.budgets.push(context.metadata.get('x-clarity-budget-ms'));
      observed.traceparents.push(context.metadata.get('traceparent'));
      if (name === '') throw invalidArgument([{ field: 'payee.name', description: 'is required' }]);
      if (name === 'boom') throw new Error('secret internal detail /etc/passwd');
      if (name.startsWith('slow:')) {
        await sleep(Number(name.slice(5)));
      } else if (name === 'wait') {
        const started = Date.now();
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
        observed.abortedAfterMs.push(Date.now() - started);
        throw context.signal.reason ?? new Error('aborted');
      } else if (name.startsWith('hop:')) {
        const res = await matching!.match({ payee: { name: 'wait', referenceId: '', attributes: {}, taxId: '' } }, downstream(context));
        return { classification: { payeeType: PayeeType.PAYEE_TYPE_BUSINESS, normalizedName: res.normalizedName } as never };
      }
      return { classification: { payeeType: PayeeType.PAYEE_TYPE_BUSINESS, normalizedName: name.toUpperCase(), confidence: 0.9 } as never };
    },
    classifyBatch: notUsed('ClassifyBatch'),
    listExclusionRules: notUsed('ListExclusionRules'),
    upsertExclusionRule: notUsed('UpsertExclusionRule'),
    deleteExclusionRule: notUsed('DeleteExclusionRule'),
    listOverrides: notUsed('ListOverrides'),
    upsertOverride: notUsed('UpsertOverride'),
    deleteOverride: notUsed('DeleteOverride'),
  };
}

/** A matching double whose Match waits for its signal to abort (records budget and abort time). */
export function matchingDouble(observed: Observed): MatchingServiceImplementation<DeadlineContext> {
  return {
    async match(_request, context: HandlerContext) {
      observed.budgets.push(context.metadata.get('x-clarity-budget-ms'));
      observed.traceparents.push(context.metadata.get('traceparent'));
      const started = Date.now();
      await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
      observed.abortedAfterMs.push(Date.now() - started);
      throw context.signal.reason ?? new Error('aborted');
    },
    matchBatch: notUsed('MatchBatch'),
    getSupplier: notUsed('GetSupplier'),
    listSuppliers: notUsed('ListSuppliers'),
    deleteSupplier: notUsed('DeleteSupplier'),
    importSuppliers: notUsed('ImportSuppliers'),
    getIndexStats: notUsed('GetIndexStats'),
  };
}

export const newObserved = (): Observed => ({ budgets: [], abortedAfterMs: [], traceparents: [] });

export async function startClassificationDouble(
  observed: Observed,
  options: { env?: Record<string, string>; matchingAddress?: string } & Partial<StartServiceOptions> = {},
): Promise<RunningService> {
  const { env, matchingAddress, ...rest } = options;
  return startService({
    config: testRuntimeConfig('classification-double', env),
    services: [{ definition: ClassificationServiceDefinition, implementation: classificationDouble(observed, matchingAddress) }],
    ...rest,
  });
}

export async function startMatchingDouble(observed: Observed, options: Partial<StartServiceOptions> = {}): Promise<RunningService> {
  return startService({
    config: testRuntimeConfig('matching-double'),
    services: [{ definition: MatchingServiceDefinition, implementation: matchingDouble(observed) }],
    ...options,
  });
}

export const payee = (name: string) => ({ payee: { name, referenceId: '', attributes: {}, taxId: '' } });
