/**
 * A per-subgraph circuit breaker: after `failures` consecutive failed fetches it opens and
 * answers every call at once; `resetMs` later it half-opens and lets ONE probe through, whose
 * success closes it and whose failure opens it again.
 *
 * Written here rather than on opossum (installed) because opossum's model does not fit in two
 * places: an error its `errorFilter` excuses counts as a success, so a probe cancelled by its
 * caller would close the circuit without the subgraph having answered; and it half-opens on its
 * own `setTimeout`, which no injected clock can drive. This one has no timers at all: the state
 * is worked out from the clock when a call arrives, so there is nothing to stop per subgraph.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

/** How a fetch ended, as the breaker counts it. */
export type CircuitVerdict =
  /** The subgraph answered (GraphQL errors included): closes the circuit. */
  | 'success'
  /** Transport error, deadline, 5xx, an answer that is not GraphQL. */
  | 'failure'
  /** Says nothing about the subgraph's health (the caller went away): leaves the count as it was. */
  | 'neutral';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failures?: number;
  /** How long the circuit stays open before one probe may go through. Default 5000 ms. */
  resetMs?: number;
  /** Milliseconds on a monotonic scale. Default `performance.now`. */
  clock?: () => number;
  /** Hears every change of state (for logging). */
  onChange?: (change: { from: CircuitState; to: CircuitState; failures: number }) => void;
}

/** What `admit` decided: go ahead (as the probe, or not), or the reason the call is refused. */
export type Admission = { admitted: true; probe: boolean } | { admitted: false; reason: string };

const ADMITTED: Admission = { admitted: true, probe: false };
const PROBE: Admission = { admitted: true, probe: true };

export class CircuitBreaker {
  private readonly threshold: number;
  private readonly resetMs: number;
  private readonly clock: () => number;
  private readonly onChange: CircuitBreakerOptions['onChange'];
  private current: CircuitState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probing = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failures ?? 5;
    this.resetMs = options.resetMs ?? 5000;
    this.clock = options.clock ?? (() => performance.now());
    this.onChange = options.onChange;
    if (!Number.isInteger(this.threshold) || this.threshold < 1) throw new Error(`CircuitBreaker: expected failures to be a whole number of 1 or more, got ${this.threshold}`);
    if (!(this.resetMs > 0)) throw new Error(`CircuitBreaker: expected resetMs to be more than 0, got ${this.resetMs}`);
  }

  /** The state a call arriving now would meet: an open circuit whose wait is over reads as half-open. */
  get state(): CircuitState {
    if (this.current === 'open' && this.clock() - this.openedAt >= this.resetMs) return 'half-open';
    return this.current;
  }

  /** Decides whether a call may go to the subgraph; an admitted call must be followed by exactly one `record`. */
  admit(): Admission {
    switch (this.current) {
      case 'closed':
        return ADMITTED;
      case 'open': {
        const wait = this.resetMs - (this.clock() - this.openedAt);
        if (wait > 0) return { admitted: false, reason: `circuit open after ${this.consecutive} failures; next probe in ${Math.ceil(wait)} ms` };
        this.move('half-open');
        this.probing = true;
        return PROBE;
      }
      case 'half-open':
        if (this.probing) return { admitted: false, reason: `circuit open after ${this.consecutive} failures; a probe is in flight` };
        this.probing = true;
        return PROBE;
      default: {
        const impossible: never = this.current;
        throw new Error(`CircuitBreaker: unknown state ${String(impossible)}`);
      }
    }
  }

  /** Counts how an admitted call ended. `probe` is what `admit` said, so only the probe decides a half-open circuit. */
  record(verdict: CircuitVerdict, probe: boolean): void {
    if (probe) this.probing = false;
    switch (verdict) {
      case 'neutral':
        return;
      case 'success':
        this.consecutive = 0;
        // A call admitted before the circuit opened may still succeed; only the probe closes it.
        if (this.current === 'closed' || probe) this.move('closed');
        return;
      case 'failure':
        this.consecutive++;
        if ((this.current === 'closed' && this.consecutive >= this.threshold) || probe) {
          this.openedAt = this.clock();
          this.move('open');
        }
        return;
      default: {
        const impossible: never = verdict;
        throw new Error(`CircuitBreaker: unknown verdict ${String(impossible)}`);
      }
    }
  }

  private move(to: CircuitState): void {
    const from = this.current;
    this.current = to;
    if (from !== to) this.onChange?.({ from, to, failures: this.consecutive });
  }
}
