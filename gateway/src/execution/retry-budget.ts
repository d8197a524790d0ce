/**
 * Bounds the extra load retries put on one subgraph (Finagle's RetryBudget, Envoy's retry
 * budget): over a sliding window, retries may add at most `percent` % of the requests sent, plus
 * a small reserve of `minPerSecond` so a quiet subgraph still gets a retry now and then. When a
 * subgraph struggles, every caller retrying would double its load just when it can least take it.
 *
 * The window is a ring of one-second buckets with running totals, so counting a request or
 * asking for a retry is a few additions, whatever the traffic.
 */
export interface RetryBudgetOptions {
  /** Retries allowed, as a percentage of the requests in the window. Default 20. */
  percent?: number;
  /** Retries allowed per second of window whatever the traffic. Default 3. */
  minPerSecond?: number;
  /** Length of the sliding window. Default 10000 ms (whole seconds). */
  windowMs?: number;
  /** Milliseconds on a monotonic scale. Default `performance.now`. */
  clock?: () => number;
}

const BUCKET_MS = 1000;

export class RetryBudget {
  private readonly ratio: number;
  private readonly reserve: number;
  private readonly clock: () => number;
  private readonly requests: Float64Array;
  private readonly retries: Float64Array;
  private requestTotal = 0;
  private retryTotal = 0;
  /** The bucket number (time / BUCKET_MS) the ring was last advanced to. */
  private head: number;

  constructor(options: RetryBudgetOptions = {}) {
    const percent = options.percent ?? 20;
    const minPerSecond = options.minPerSecond ?? 3;
    const windowMs = options.windowMs ?? 10_000;
    if (!(percent >= 0)) throw new Error(`RetryBudget: expected percent to be 0 or more, got ${percent}`);
    if (!(minPerSecond >= 0)) throw new Error(`RetryBudget: expected minPerSecond to be 0 or more, got ${minPerSecond}`);
    if (!(windowMs >= BUCKET_MS)) throw new Error(`RetryBudget: expected windowMs to be at least ${BUCKET_MS}, got ${windowMs}`);
    const buckets = Math.round(windowMs / BUCKET_MS);
    this.ratio = percent / 100;
    this.reserve = minPerSecond * buckets;
    this.clock = options.clock ?? (() => performance.now());
    this.requests = new Float64Array(buckets);
    this.retries = new Float64Array(buckets);
    this.head = Math.floor(this.clock() / BUCKET_MS);
  }

  /** Counts a first attempt (a retry is not a request: it must not earn budget for more retries). */
  recordRequest(): void {
    const slot = this.advance();
    this.requests[slot]++;
    this.requestTotal++;
  }

  /** Spends one retry if the window still has budget for it; false means do not retry. */
  tryRetry(): boolean {
    const slot = this.advance();
    if (this.retryTotal + 1 > this.requestTotal * this.ratio + this.reserve) return false;
    this.retries[slot]++;
    this.retryTotal++;
    return true;
  }

  /** Retries the window would still allow now (for tests and metrics). */
  get remaining(): number {
    this.advance();
    return Math.max(0, Math.floor(this.requestTotal * this.ratio + this.reserve - this.retryTotal));
  }

  /** Empties the buckets that fell out of the window since the last call; returns the current slot. */
  private advance(): number {
    const now = Math.floor(this.clock() / BUCKET_MS);
    const size = this.requests.length;
    if (now > this.head) {
      // After a whole window of silence every bucket is stale: clear each once, not once per second missed.
      const stale = Math.min(now - this.head, size);
      for (let i = 1; i <= stale; i++) {
        const slot = (this.head + i) % size;
        this.requestTotal -= this.requests[slot];
        this.retryTotal -= this.retries[slot];
        this.requests[slot] = 0;
        this.retries[slot] = 0;
      }
      this.head = now;
    }
    return this.head % size;
  }
}
