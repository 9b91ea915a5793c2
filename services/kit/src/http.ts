// One way to call an external HTTP API: a per-dependency circuit breaker, per-attempt timeout,
// full-jitter retries that honor Retry-After on 429/503, a token-bucket rate limit and a concurrency
// cap. The LLM adapter and the address validator both go through this.
import { setTimeout as sleep } from 'node:timers/promises';
import { createBreaker, isBreakerOpenError, type Breaker, type BreakerOptions } from './breaker.js';
import { ConcurrencyLimit, TokenBucket } from './limits.js';
import { counter } from './metrics.js';

const attemptsCounter = counter('clarity_http_dependency_attempts_total', 'HTTP attempts to external dependencies by outcome.', [
  'dependency',
  'outcome',
]);

export class HttpDependencyError extends Error {
  constructor(
    readonly dependency: string,
    message: string,
    readonly status?: number,
    /** True when the dependency (not the request) is at fault: 429, 5xx, timeout, network, malformed answer. */
    readonly retryable = false,
    readonly retryAfterMs?: number,
  ) {
    super(`${dependency}: ${message}`);
    this.name = 'HttpDependencyError';
  }
}

export class MalformedResponseError extends HttpDependencyError {
  constructor(dependency: string, message: string) {
    super(dependency, `malformed response: ${message}`, undefined, true);
    this.name = 'MalformedResponseError';
  }
}

export class DependencyUnavailableError extends HttpDependencyError {
  constructor(dependency: string, reason: string) {
    super(dependency, reason, undefined, false);
    this.name = 'DependencyUnavailableError';
  }
}

export interface HttpDependencyOptions {
  /** Name used in metrics, logs and errors ("llm", "address-validation"). */
  name: string;
  baseUrl: string;
  headers?: Record<string, string>;
  /** Timeout of one attempt. Default 10000. */
  timeoutMs?: number;
  /** Attempts including the first. Default 3. */
  maxAttempts?: number;
  /** Full-jitter backoff: delay = random(0, min(maxDelayMs, baseDelayMs · 2^attempt)). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Token-bucket limit; unlimited when unset. */
  ratePerMinute?: number;
  /** At most this many requests in flight; unlimited when unset. */
  maxConcurrency?: number;
  breaker?: Omit<BreakerOptions, 'timeoutMs' | 'isCallerError'>;
  /** Injectable fetch (tests). */
  fetch?: typeof fetch;
  /** Injectable randomness for jitter (tests). */
  random?: () => number;
}

export interface HttpRequest<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Turns the parsed JSON body into a value; throw MalformedResponseError for unexpected shapes. */
  parse: (body: unknown) => T;
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class HttpDependency {
  readonly name: string;
  private readonly breaker: Breaker<[() => Promise<unknown>], unknown>;
  private readonly bucket?: TokenBucket;
  private readonly limit?: ConcurrencyLimit;
  private readonly fetchImpl: typeof fetch;
  private readonly random: () => number;

  constructor(private readonly options: HttpDependencyOptions) {
    this.name = options.name;
    this.fetchImpl = options.fetch ?? fetch;
    this.random = options.random ?? Math.random;
    if (options.ratePerMinute) this.bucket = new TokenBucket(options.ratePerMinute);
    if (options.maxConcurrency) this.limit = new ConcurrencyLimit(options.maxConcurrency);
    this.breaker = createBreaker(options.name, (attempt: () => Promise<unknown>) => attempt(), {
      ...options.breaker,
      // The attempt enforces its own timeout (and aborts the socket); opossum's would leave it running.
      timeoutMs: false,
      // 4xx other than 429 are our request's fault, not the dependency's.
      isCallerError: (err) => err instanceof HttpDependencyError && !err.retryable,
    });
  }

  /** The breaker, for health reporting and tests. */
  get circuit(): Breaker<[() => Promise<unknown>], unknown> {
    return this.breaker;
  }

  async request<T>(req: HttpRequest<T>): Promise<T> {
    const run = () => this.withRetries(req);
    return this.limit ? this.limit.run(run, req.signal) : run();
  }

  private async withRetries<T>(req: HttpRequest<T>): Promise<T> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    const base = this.options.baseDelayMs ?? 200;
    const cap = this.options.maxDelayMs ?? 10_000;
    for (let attempt = 0; ; attempt++) {
      if (this.bucket) await this.bucket.take(req.signal);
      try {
        const value = (await this.breaker.fire(() => this.attempt(req))) as T;
        attemptsCounter.inc({ dependency: this.name, outcome: 'ok' });
        return value;
      } catch (err) {
        if (isBreakerOpenError(err)) {
          attemptsCounter.inc({ dependency: this.name, outcome: 'breaker_open' });
          throw new DependencyUnavailableError(this.name, 'circuit breaker is open');
        }
        const retryable = err instanceof HttpDependencyError && err.retryable;
        attemptsCounter.inc({ dependency: this.name, outcome: retryable ? 'retryable_error' : 'error' });
        if (!retryable || attempt + 1 >= maxAttempts || req.signal?.aborted) throw err;
        const jitter = this.random() * Math.min(cap, base * 2 ** attempt);
        const delay = Math.min(cap, Math.max(jitter, err.retryAfterMs ?? 0));
        await sleep(delay, undefined, { signal: req.signal });
      }
    }
  }

  private async attempt<T>(req: HttpRequest<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const signals = [AbortSignal.timeout(timeoutMs), ...(req.signal ? [req.signal] : [])];
    // "./" keeps a first path segment with a colon ("v1:validateAddress") from parsing as a URL scheme.
    const url = new URL(`./${req.path.replace(/^\/+/, '')}`, this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method: req.method ?? (req.json === undefined ? 'GET' : 'POST'),
        headers: {
          accept: 'application/json',
          ...(req.json === undefined ? {} : { 'content-type': 'application/json' }),
          ...this.options.headers,
          ...req.headers,
        },
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal: AbortSignal.any(signals),
      });
      text = await res.text();
    } catch (err) {
      if (req.signal?.aborted) throw err;
      const timedOut = (err as Error).name === 'TimeoutError' || signals[0]!.aborted;
      throw new HttpDependencyError(this.name, timedOut ? `no answer within ${timeoutMs} ms` : `network error: ${(err as Error).message}`, undefined, true);
    }
    if (res.status === 429 || res.status >= 500) {
      throw new HttpDependencyError(
        this.name,
        `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
        res.status,
        true,
        parseRetryAfter(res.headers.get('retry-after')),
      );
    }
    if (res.status >= 400) {
      throw new HttpDependencyError(this.name, `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, res.status, false);
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new MalformedResponseError(this.name, `not JSON: ${text.slice(0, 100)}`);
    }
    return req.parse(body);
  }
}
