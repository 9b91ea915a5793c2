// Innermost server middleware: expected errors pass as they are; anything else is logged with its
// stack and answered as INTERNAL with the trace id to quote, never the stack or message.
import { trace } from '@opentelemetry/api';
import { isAbortError } from 'abort-controller-x';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc-common';
import type { Logger } from 'pino';

export function errorMiddleware(logger: Logger): ServerMiddleware {
  return async function* errors(call, context) {
    const started = performance.now();
    try {
      const result = yield* call.next(call.request, context);
      logger.debug({ method: call.method.path, code: 'OK', ms: +(performance.now() - started).toFixed(2) }, 'rpc');
      return result;
    } catch (err) {
      const ms = +(performance.now() - started).toFixed(2);
      if (err instanceof ServerError) {
        logger.debug({ method: call.method.path, code: Status[err.code], ms, details: err.details }, 'rpc');
        throw err;
      }
      if (isAbortError(err)) {
        logger.debug({ method: call.method.path, code: 'CANCELLED', ms }, 'rpc');
        throw err;
      }
      const traceId = trace.getActiveSpan()?.spanContext().traceId;
      logger.error({ err, method: call.method.path, ms }, 'unhandled error in handler');
      throw new ServerError(Status.INTERNAL, traceId ? `internal error (trace ${traceId})` : 'internal error');
    }
  };
}
