/**
 * A circuit breaker per ComfyUI server: after `failureThreshold` requests in
 * a row got no answer, requests fail at once for `coolDownMs`; then one probe
 * is let through (half-open) and its outcome closes or re-opens the circuit.
 * An HTTP answer of any status counts as success: the server is there.
 */

export interface BreakerOptions {
  failureThreshold: number;
  coolDownMs: number;
  now?: () => number;
}

export type BreakerState = "closed" | "open" | "half_open";

export type BreakerPermit = { allowed: true; probe: boolean } | { allowed: false; retryInMs: number; failures: number; lastError: string | null };

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;
  private lastError: string | null = null;
  private readonly now: () => number;

  constructor(private options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === null) return "closed";
    return this.now() - this.openedAt >= this.options.coolDownMs ? "half_open" : "open";
  }

  /** Asks to send a request; a half-open breaker lets exactly one probe through. */
  permit(): BreakerPermit {
    const state = this.state;
    if (state === "closed") return { allowed: true, probe: false };
    if (state === "half_open" && !this.probing) {
      this.probing = true;
      return { allowed: true, probe: true };
    }
    const retryInMs = state === "open" ? this.options.coolDownMs - (this.now() - this.openedAt!) : this.options.coolDownMs;
    return { allowed: false, retryInMs: Math.max(0, retryInMs), failures: this.failures, lastError: this.lastError };
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
    this.lastError = null;
  }

  recordFailure(error: string): void {
    this.failures++;
    this.lastError = error;
    if (this.probing || this.failures >= this.options.failureThreshold) this.openedAt = this.now();
    this.probing = false;
  }
}

const breakers = new Map<string, CircuitBreaker>();

/** The breaker shared by every client of one server (keyed by its base URL). */
export function getBreaker(baseUrl: string, options: BreakerOptions): CircuitBreaker {
  const url = new URL(baseUrl);
  const key = `${url.origin}${url.pathname.replace(/\/$/, "")}`;
  let breaker = breakers.get(key);
  if (!breaker) {
    breaker = new CircuitBreaker(options);
    breakers.set(key, breaker);
  }
  return breaker;
}
