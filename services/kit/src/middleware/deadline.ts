// Deadlines across hops. The wire carries grpc-timeout from the channel's per-method service config;
// the remaining budget of the whole request travels in `x-clarity-budget-ms` so a handler knows how
// long it really has, and every hop aborts its `context.signal` when the budget runs out.
import { isAbortError } from 'abort-controller-x';
import {
  ClientError,
  Metadata,
  ServerError,
  Status,
  type CallContext,
  type ClientMiddleware,
  type ServerMiddleware,
} from 'nice-grpc-common';

export const BUDGET_HEADER = 'x-clarity-budget-ms';

/** Added to every handler's context by the kit. */
export interface DeadlineContext {
  /** When the caller's budget runs out, if the caller had one. `context.signal` aborts then. */
  deadline?: Date;
}

/** Remaining milliseconds before `deadline` (Infinity when there is none). */
export function remainingMs(deadline: Date | undefined): number {
  return deadline ? deadline.getTime() - Date.now() : Infinity;
}

function linkedController(parent: AbortSignal): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  return { controller, unlink: () => parent.removeEventListener('abort', onAbort) };
}

export function deadlineServerMiddleware(): ServerMiddleware<DeadlineContext> {
  return async function* deadlineServer(call, context) {
    const raw = context.metadata.get(BUDGET_HEADER);
    const budget = raw === undefined ? NaN : Number(raw);
    if (!Number.isFinite(budget) || budget < 0) {
      return yield* call.next(call.request, { ...context, deadline: undefined });
    }
    const deadline = new Date(Date.now() + budget);
    const { controller, unlink } = linkedController(context.signal);
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      // No custom reason: handlers and libraries then see a standard AbortError.
      controller.abort();
    }, budget);
    try {
      return yield* call.next(call.request, { ...context, signal: controller.signal, deadline });
    } catch (err) {
      if (expired && (isAbortError(err) || !(err instanceof ServerError))) {
        throw new ServerError(Status.DEADLINE_EXCEEDED, `deadline of ${budget} ms exceeded`);
      }
      throw err;
    } finally {
      clearTimeout(timer);
      unlink();
    }
  };
}

/** Call options the kit's clients understand in addition to nice-grpc's signal and metadata. */
export interface DeadlineCallOptions {
  /** Absolute deadline (e.g. the handler's `context.deadline`). */
  deadline?: Date;
  /** Relative timeout in milliseconds. */
  timeoutMs?: number;
}

/**
 * Applies the tightest of: the caller's deadline, its timeoutMs, and the method's configured timeout.
 * Sends the remaining budget as metadata and fails with DEADLINE_EXCEEDED when it runs out.
 */
export function deadlineClientMiddleware(methodTimeoutMs: (path: string) => number | undefined): ClientMiddleware<DeadlineCallOptions> {
  return async function* deadlineClient(call, options) {
    const { deadline, timeoutMs, ...rest } = options;
    const now = Date.now();
    const candidates = [
      deadline?.getTime(),
      timeoutMs !== undefined ? now + timeoutMs : undefined,
      (() => {
        const t = methodTimeoutMs(call.method.path);
        return t !== undefined ? now + t : undefined;
      })(),
    ].filter((t): t is number => t !== undefined && Number.isFinite(t));
    if (candidates.length === 0) return yield* call.next(call.request, rest);
    const budget = Math.min(...candidates) - now;
    if (budget <= 0) {
      throw new ClientError(call.method.path, Status.DEADLINE_EXCEEDED, 'deadline passed before the call was made');
    }
    const metadata = Metadata(rest.metadata);
    metadata.set(BUDGET_HEADER, String(Math.floor(budget)));
    const { controller, unlink } = linkedController(rest.signal ?? new AbortController().signal);
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      controller.abort();
    }, budget);
    try {
      return yield* call.next(call.request, { ...rest, metadata, signal: controller.signal });
    } catch (err) {
      if (expired && (isAbortError(err) || !(err instanceof ClientError))) {
        throw new ClientError(call.method.path, Status.DEADLINE_EXCEEDED, `deadline of ${Math.floor(budget)} ms exceeded`);
      }
      throw err;
    } finally {
      clearTimeout(timer);
      unlink();
    }
  };
}

/** Options for a downstream call made inside a handler: same cancellation, same deadline. */
export function downstream(context: CallContext & DeadlineContext): { signal: AbortSignal; deadline?: Date } {
  return { signal: context.signal, deadline: context.deadline };
}
