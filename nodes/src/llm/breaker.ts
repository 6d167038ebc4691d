/** When a breaker opens and how long it stays open. */
export interface BreakerOptions {
  /** Consecutive failures that open it; 3 by default. */
  readonly failures?: number;
  /** How long it stays open before one probe may go through; 30 s by default. */
  readonly cooldownMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** The state of a breaker: `closed` lets calls through, `open` skips them, `half-open` lets one probe through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker for one provider: after `failures` failures in a row the provider is skipped
 * for `cooldownMs`; then a single probe goes through, and its outcome closes or re-opens it.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #probing = false;

  constructor(options: BreakerOptions = {}) {
    this.#threshold = options.failures ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** Failures in a row so far. */
  get failures(): number {
    return this.#failures;
  }

  get state(): BreakerState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#probing || this.#now() - this.#openedAt >= this.#cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go now; when it is the half-open probe, others are held back until it ends. */
  tryAcquire(): boolean {
    if (this.#openedAt === undefined) return true;
    if (this.#probing || this.#now() - this.#openedAt < this.#cooldownMs) return false;
    this.#probing = true;
    return true;
  }

  /** The provider answered: closes the breaker. */
  success(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probing = false;
  }

  /** The provider failed; a failed probe re-opens the breaker for another cool-down. */
  failure(): void {
    this.#failures++;
    if (this.#probing || this.#failures >= this.#threshold) this.#openedAt = this.#now();
    this.#probing = false;
  }

  /** A call ended without telling anything about the provider (cancelled): frees the probe slot. */
  release(): void {
    this.#probing = false;
  }

  /** Milliseconds until a probe may go, when open. */
  retryInMs(): number {
    return this.#openedAt === undefined ? 0 : Math.max(0, this.#openedAt + this.#cooldownMs - this.#now());
  }
}
