// Circuit breakers (opossum) around every external call, one per dependency, with state and counts
// exported as metrics.
import CircuitBreaker from 'opossum';
import { counter, gauge } from './metrics.js';

const stateGauge = gauge('clarity_circuit_breaker_state', 'Breaker state: 0 closed, 1 half-open, 2 open.', ['breaker']);
const eventsCounter = counter('clarity_circuit_breaker_events_total', 'Breaker events by kind.', ['breaker', 'event']);

export interface BreakerOptions {
  /** Per-call timeout in ms (opossum rejects slower calls); false disables. Default 5000. */
  timeoutMs?: number | false;
  /** Failure percentage over the rolling window that opens the breaker. Default 50. */
  errorThresholdPercentage?: number;
  /** Minimum calls in the window before the breaker may open. Default 10. */
  volumeThreshold?: number;
  /** How long the breaker stays open before a trial call. Default 30000. */
  resetTimeoutMs?: number;
  /** Rolling statistics window. Default 10000. */
  rollingWindowMs?: number;
  /** Return true for errors that are the caller's fault and must not count as dependency failures. */
  isCallerError?: (err: unknown) => boolean;
}

const live = new Set<CircuitBreaker>();

export type Breaker<A extends unknown[], R> = CircuitBreaker<A, R>;

export function createBreaker<A extends unknown[], R>(
  name: string,
  action: (...args: A) => Promise<R>,
  options: BreakerOptions = {},
): CircuitBreaker<A, R> {
  const breaker = new CircuitBreaker<A, R>(action, {
    name,
    timeout: options.timeoutMs ?? 5_000,
    errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
    volumeThreshold: options.volumeThreshold ?? 10,
    resetTimeout: options.resetTimeoutMs ?? 30_000,
    rollingCountTimeout: options.rollingWindowMs ?? 10_000,
    ...(options.isCallerError ? { errorFilter: options.isCallerError } : {}),
  });
  const setState = (s: number) => stateGauge.set({ breaker: name }, s);
  setState(0);
  breaker.on('open', () => setState(2));
  breaker.on('halfOpen', () => setState(1));
  breaker.on('close', () => setState(0));
  for (const event of ['success', 'failure', 'timeout', 'reject', 'open', 'halfOpen', 'close', 'fallback'] as const) {
    (breaker.on as (e: string, listener: () => void) => void).call(breaker, event, () => eventsCounter.inc({ breaker: name, event }));
  }
  live.add(breaker);
  return breaker;
}

/** True when the error is opossum refusing a call because the breaker is open. */
export function isBreakerOpenError(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === 'EOPENBREAKER';
}

/** True when opossum timed the call out. */
export function isBreakerTimeoutError(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === 'ETIMEDOUT';
}

/** Stops every breaker's timers (at shutdown). */
export function shutdownBreakers(): void {
  for (const b of live) b.shutdown();
  live.clear();
}
