// Token-bucket rate limiting and a concurrency cap for calls to external dependencies.
import { setTimeout as sleep } from 'node:timers/promises';

/** Reservation-based token bucket: callers wait their turn instead of being refused. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private readonly perMs: number;

  constructor(
    readonly ratePerMinute: number,
    readonly burst = Math.max(1, Math.ceil(ratePerMinute / 60)),
  ) {
    if (!(ratePerMinute > 0)) throw new Error('ratePerMinute must be positive');
    this.perMs = ratePerMinute / 60_000;
    this.tokens = burst;
  }

  /** Milliseconds the next caller would wait. */
  private reserve(): number {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : -this.tokens / this.perMs;
  }

  /** Waits for a token (rejects with the signal's reason if aborted first). */
  async take(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(wait, undefined, { signal });
  }
}

/** A semaphore: at most `limit` holders; others wait in FIFO order. */
export class ConcurrencyLimit {
  private active = 0;
  private waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error('limit must be at least 1');
  }

  get inUse(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          this.waiting = this.waiting.filter((w) => w !== grant);
          reject(signal!.reason ?? new Error('aborted'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(grant);
      });
    } else {
      this.active += 1;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // hand the slot over directly
      else this.active -= 1;
    }
  }
}
