import { ProviderError } from './model';

/** Full-jitter exponential backoff: a random wait up to base·2^attempt (capped), or what Retry-After asks. */
export function retryDelay(attempt: number, retryAfterMs?: number, random: () => number = Math.random, baseMs = 500, capMs = 8000): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, 60_000);
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/**
 * One breaker per provider (id + base URL): after `threshold` failures in a row it opens, and
 * calls fail at once for `coolDownMs`; then one trial call is let through (half-open), and its
 * outcome closes or re-opens the breaker. Keeps a broken endpoint from being hammered by every run.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;

  constructor(
    readonly threshold = 5,
    readonly coolDownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.coolDownMs ? 'half-open' : 'open';
  }

  /** Throws when the breaker is open. */
  check(provider: string): void {
    if (this.state === 'open') {
      const seconds = Math.ceil((this.coolDownMs - (this.now() - this.openedAt!)) / 1000);
      throw new ProviderError(`${provider} failed ${this.failures} times in a row; not calling it again for ${seconds} s (circuit breaker open)`, 'server');
    }
  }

  success(): void {
    this.failures = 0;
    this.openedAt = undefined;
  }

  failure(): void {
    this.failures++;
    if (this.failures >= this.threshold || this.state === 'half-open') this.openedAt = this.now();
  }
}

/** Breakers shared by every run of an engine, keyed by provider. */
export class Breakers {
  private readonly byKey = new Map<string, CircuitBreaker>();
  constructor(private readonly make: () => CircuitBreaker = () => new CircuitBreaker()) {}
  for(key: string): CircuitBreaker {
    let breaker = this.byKey.get(key);
    if (!breaker) this.byKey.set(key, (breaker = this.make()));
    return breaker;
  }
}

/** Rejects when `ms` passes or the signal aborts first; for awaits that cross a process or network boundary. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
    const onAbort = () => reject(new Error('stopped'));
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

/** Waits `ms`, or less when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
