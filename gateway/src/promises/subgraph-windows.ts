import type { SubgraphFetchEvent, SubgraphFetchObserver } from '../telemetry/fetch-observer.js';
import { estimatePercentile, LATENCY_BOUNDS_MS } from './latency-histogram.js';

export type WindowName = 'hour' | 'day' | 'week';

/**
 * The ring of each window: a fixed number of buckets of a fixed width, aligned to the epoch (a
 * bucket starts on the minute, the quarter hour, the hour). A window is its buckets up to and
 * including the current, partial one, so it covers between `buckets - 1` and `buckets` widths.
 */
export const WINDOWS: Readonly<Record<WindowName, { bucketMs: number; buckets: number }>> = {
  hour: { bucketMs: 60_000, buckets: 60 },
  day: { bucketMs: 15 * 60_000, buckets: 96 },
  week: { bucketMs: 60 * 60_000, buckets: 168 },
};
export const WINDOW_NAMES: readonly WindowName[] = ['hour', 'day', 'week'];

/** What one subgraph's fetches came to over one window. */
export interface WindowSnapshot {
  window: WindowName;
  /** Start of the oldest bucket in the window, and now (ISO). */
  from: string;
  to: string;
  /** Fetches that came to a verdict: ok + errors + timeouts + rejected (a fetch every caller left is not one). */
  requests: number;
  ok: number;
  /** Transport failures, HTTP >= 500, answers that are not GraphQL. */
  errors: number;
  timeouts: number;
  /** Answered at once by the open circuit breaker, without fetching. */
  rejected: number;
  /** Fetches every caller left before the answer (not in `requests`). */
  cancelled: number;
  /** `ok` answers that carried at least one GraphQL error. */
  graphqlErrorAnswers: number;
  /** Durations in the latency histogram: ok answers and timeouts (see `record`). */
  latencySamples: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** One bucket of a window, for a chart. `errors` are failed fetches (errors + rejected); timeouts apart. */
export interface SeriesPoint {
  start: string;
  requests: number;
  errors: number;
  timeouts: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface SubgraphWindowsOptions {
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
  /**
   * Whether a subgraph is one the gateway serves now: events for any other are dropped, and
   * stored subgraphs no longer served are the first to go when the cap is reached. Default: every name.
   */
  isServed?: (subgraph: string) => boolean;
  /** Most subgraphs kept at once (each takes about 120 KB once all its buckets were used). Default 128. */
  maxSubgraphs?: number;
}

export interface SubgraphWindows {
  /** The part of the gateway's fetch observer (C1) that feeds the windows. */
  readonly fetchObserver: SubgraphFetchObserver;
  record(event: SubgraphFetchEvent): void;
  snapshot(subgraph: string, window: WindowName): WindowSnapshot;
  /** Every bucket of the window, oldest first, empty ones included: the chart's time axis has no gaps. */
  series(subgraph: string, window: WindowName): SeriesPoint[];
  /** The subgraphs with stored windows. */
  subgraphs(): string[];
  /** Events dropped because the subgraph is not served or the cap was reached. */
  readonly dropped: number;
}

const SLOTS = LATENCY_BOUNDS_MS.length + 1;

/** The counts of one bucket; `epoch` is the bucket's number since the epoch (time / width). */
class Bucket {
  epoch = -1;
  ok = 0;
  errors = 0;
  timeouts = 0;
  rejected = 0;
  cancelled = 0;
  graphqlErrorAnswers = 0;
  maxMs = 0;
  readonly latency = new Uint32Array(SLOTS);

  reset(epoch: number): void {
    this.epoch = epoch;
    this.ok = this.errors = this.timeouts = this.rejected = this.cancelled = this.graphqlErrorAnswers = this.maxMs = 0;
    this.latency.fill(0);
  }
}

/** One window of one subgraph: a ring of buckets, allocated as they are first used. */
class Ring {
  private readonly buckets: (Bucket | undefined)[];
  /** The newest bucket number written or read: time never runs backwards in a ring (a clock step back lands here). */
  private head = -1;

  constructor(private readonly shape: { bucketMs: number; buckets: number }) {
    this.buckets = new Array<Bucket | undefined>(shape.buckets);
  }

  bucketAt(now: number): Bucket {
    const epoch = this.advance(now);
    const index = epoch % this.shape.buckets;
    const bucket = (this.buckets[index] ??= new Bucket());
    if (bucket.epoch !== epoch) bucket.reset(epoch);
    return bucket;
  }

  /** The window's bucket numbers, oldest first, with the bucket holding each (undefined when empty). */
  read(now: number): { epoch: number; bucket: Bucket | undefined }[] {
    const head = this.advance(now);
    const out: { epoch: number; bucket: Bucket | undefined }[] = [];
    for (let epoch = head - this.shape.buckets + 1; epoch <= head; epoch++) {
      const bucket = epoch < 0 ? undefined : this.buckets[epoch % this.shape.buckets];
      out.push({ epoch, bucket: bucket?.epoch === epoch ? bucket : undefined });
    }
    return out;
  }

  private advance(now: number): number {
    this.head = Math.max(this.head, Math.floor(now / this.shape.bucketMs));
    return this.head;
  }
}

interface Stored {
  rings: Record<WindowName, Ring>;
  lastEventAt: number;
}

/**
 * Sliding windows (hour, day, week) of every served subgraph's fetches, as the gateway saw them:
 * counts by outcome and a latency histogram with fixed bounds, in fixed rings of buckets, so memory
 * is bounded whatever the traffic. Built once per gateway: the windows outlive generations.
 */
export function createSubgraphWindows(options: SubgraphWindowsOptions = {}): SubgraphWindows {
  const now = options.now ?? Date.now;
  const isServed = options.isServed ?? (() => true);
  const maxSubgraphs = options.maxSubgraphs ?? 128;
  const stored = new Map<string, Stored>();
  let dropped = 0;

  const admit = (subgraph: string): Stored | undefined => {
    if (!isServed(subgraph)) return undefined;
    const existing = stored.get(subgraph);
    if (existing) return existing;
    if (stored.size >= maxSubgraphs && !evictOneNotServed()) return undefined;
    const created: Stored = {
      rings: { hour: new Ring(WINDOWS.hour), day: new Ring(WINDOWS.day), week: new Ring(WINDOWS.week) },
      lastEventAt: now(),
    };
    stored.set(subgraph, created);
    return created;
  };

  /** Makes room by forgetting the least recently heard of subgraph the gateway no longer serves. */
  const evictOneNotServed = (): boolean => {
    let victim: [string, Stored] | undefined;
    for (const entry of stored) if (!isServed(entry[0]) && (!victim || entry[1].lastEventAt < victim[1].lastEventAt)) victim = entry;
    if (victim) stored.delete(victim[0]);
    return victim !== undefined;
  };

  const record = (event: SubgraphFetchEvent): void => {
    const target = admit(event.subgraph);
    if (!target) {
      dropped++;
      return;
    }
    const at = now();
    target.lastEventAt = at;
    for (const name of WINDOW_NAMES) add(target.rings[name].bucketAt(at), event);
  };

  const merged = (subgraph: string, window: WindowName) => {
    const at = now();
    const rings = stored.get(subgraph)?.rings;
    // A subgraph never heard of reads as an empty window of the right length; nothing is stored for it.
    const points = rings ? rings[window].read(at) : emptyRead(at, WINDOWS[window]);
    return { at, points };
  };

  return {
    fetchObserver: { onFetch: record },
    record,
    snapshot(subgraph, window) {
      const { at, points } = merged(subgraph, window);
      const total = new Bucket();
      for (const { bucket } of points) if (bucket) accumulate(total, bucket);
      const latencySamples = sum(total.latency);
      const requests = total.ok + total.errors + total.timeouts + total.rejected;
      return {
        window,
        from: new Date(points[0].epoch * WINDOWS[window].bucketMs).toISOString(),
        to: new Date(at).toISOString(),
        requests,
        ok: total.ok,
        errors: total.errors,
        timeouts: total.timeouts,
        rejected: total.rejected,
        cancelled: total.cancelled,
        graphqlErrorAnswers: total.graphqlErrorAnswers,
        latencySamples,
        p50Ms: estimatePercentile(total.latency, 0.5, total.maxMs),
        p99Ms: estimatePercentile(total.latency, 0.99, total.maxMs),
        maxMs: latencySamples > 0 ? total.maxMs : null,
      };
    },
    series(subgraph, window) {
      const { points } = merged(subgraph, window);
      return points.map(({ epoch, bucket }) => ({
        start: new Date(epoch * WINDOWS[window].bucketMs).toISOString(),
        requests: bucket ? bucket.ok + bucket.errors + bucket.timeouts + bucket.rejected : 0,
        errors: bucket ? bucket.errors + bucket.rejected : 0,
        timeouts: bucket?.timeouts ?? 0,
        p50Ms: bucket ? estimatePercentile(bucket.latency, 0.5, bucket.maxMs) : null,
        p99Ms: bucket ? estimatePercentile(bucket.latency, 0.99, bucket.maxMs) : null,
      }));
    },
    subgraphs: () => [...stored.keys()],
    get dropped() {
      return dropped;
    },
  };
}

/**
 * Counts one fetch. Its duration goes into the latency histogram when it is an answer (`ok`) or a
 * timeout: a timeout is the slowest kind of answer, and leaving it out would make a subgraph that
 * hangs look fast. Errors and rejections are not latencies (a refused connection takes a
 * millisecond); they count against availability instead.
 */
function add(bucket: Bucket, event: SubgraphFetchEvent): void {
  switch (event.outcome) {
    case 'ok':
      bucket.ok++;
      if (event.graphqlErrors > 0) bucket.graphqlErrorAnswers++;
      addLatency(bucket, event.durationMs);
      return;
    case 'timeout':
      bucket.timeouts++;
      addLatency(bucket, event.durationMs);
      return;
    case 'error':
      bucket.errors++;
      return;
    case 'rejected':
      bucket.rejected++;
      return;
    case 'cancelled':
      bucket.cancelled++;
      return;
    default: {
      const never: never = event.outcome;
      throw new Error(`Unexpected fetch outcome ${String(never)}: expected ok, error, timeout, cancelled or rejected`);
    }
  }
}

function addLatency(bucket: Bucket, durationMs: number): void {
  const ms = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
  let slot = 0;
  while (slot < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[slot]) slot++;
  bucket.latency[slot]++;
  if (ms > bucket.maxMs) bucket.maxMs = ms;
}

function accumulate(total: Bucket, bucket: Bucket): void {
  total.ok += bucket.ok;
  total.errors += bucket.errors;
  total.timeouts += bucket.timeouts;
  total.rejected += bucket.rejected;
  total.cancelled += bucket.cancelled;
  total.graphqlErrorAnswers += bucket.graphqlErrorAnswers;
  total.maxMs = Math.max(total.maxMs, bucket.maxMs);
  for (let i = 0; i < SLOTS; i++) total.latency[i] += bucket.latency[i];
}

function emptyRead(at: number, shape: { bucketMs: number; buckets: number }): { epoch: number; bucket: undefined }[] {
  const head = Math.floor(at / shape.bucketMs);
  return Array.from({ length: shape.buckets }, (_, i) => ({ epoch: head - shape.buckets + 1 + i, bucket: undefined }));
}

function sum(values: Uint32Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
