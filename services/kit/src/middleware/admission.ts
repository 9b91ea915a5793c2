// Admission control: a hard cap on in-flight calls per server. Beyond it calls fail at once with
// RESOURCE_EXHAUSTED instead of queueing without bound; health and reflection are never refused.
import type { ServerMiddleware } from 'nice-grpc-common';
import { resourceExhausted } from '../errors.js';
import { counter, gauge } from '../metrics.js';

const inflightGauge = gauge('clarity_grpc_inflight_calls', 'Calls currently being handled.', ['service']);
const rejectedCounter = counter('clarity_grpc_admission_rejected_total', 'Calls refused by admission control.', ['service', 'grpc_method']);

const isOperational = (path: string) => path.startsWith('/grpc.health.') || path.startsWith('/grpc.reflection.');

export function admissionMiddleware(service: string, maxInflight: number): ServerMiddleware & { inflight(): number } {
  let inflight = 0;
  const middleware: ServerMiddleware = async function* admission(call, context) {
    if (isOperational(call.method.path)) return yield* call.next(call.request, context);
    if (inflight >= maxInflight) {
      rejectedCounter.inc({ service, grpc_method: call.method.path });
      throw resourceExhausted(`service:${service}`, `${service} is at its limit of ${maxInflight} in-flight calls; retry with backoff`);
    }
    inflight += 1;
    inflightGauge.set({ service }, inflight);
    try {
      return yield* call.next(call.request, context);
    } finally {
      inflight -= 1;
      inflightGauge.set({ service }, inflight);
    }
  };
  return Object.assign(middleware, { inflight: () => inflight });
}
