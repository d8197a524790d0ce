import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import { WINDOW_NAMES, type WindowName, type WindowSnapshot } from './subgraph-windows.js';

export type PromiseProperty = 'availability' | 'latencyP99Ms' | 'latencyP50Ms' | 'errorRate' | 'freshnessSeconds';
export type PromiseWindow = WindowName | 'now';

/** One promise of a data product next to what the gateway measured (C4). */
export interface PromiseRow {
  property: PromiseProperty;
  /** What the descriptor promises; null when it promises nothing for this property. */
  promised: number | null;
  /** Null when there is nothing to measure yet. */
  measured: number | null;
  window: PromiseWindow;
  /** Null when nothing is promised or there is too little data to judge (fewer than the minimum samples). */
  met: boolean | null;
  /** How many observations the measurement rests on (fetches, latencies, or 1 for a current freshness report). */
  samples: number;
}

/** What the gateway knows of a product's freshness report (freshness-poller.ts). */
export interface FreshnessKnowledge {
  /** False when the last good report is too old (or there never was one): freshness is unknown. */
  known: boolean;
  lastChangedAt: string | null;
}

export interface PromiseInputs {
  /** The descriptor's promises; absent when the source carries no descriptors (a supergraph file). */
  slo?: DataProductDescriptor['slo'];
  snapshots: Readonly<Record<WindowName, WindowSnapshot>>;
  freshness?: FreshnessKnowledge;
  /** Milliseconds since the epoch: the freshness age is measured against it. */
  now: number;
  /** Default MIN_SAMPLES. */
  minSamples?: number;
}

/**
 * Fewer observations than this in a window and a promise is neither kept nor broken (met null).
 * 100 because a p99 of fewer than 100 latencies is just the slowest one; availability and latency
 * share it so one row never reads "kept" while its neighbour says "too little data".
 */
export const MIN_SAMPLES = 100;

const PROPERTIES = ['availability', 'latencyP99Ms', 'latencyP50Ms', 'errorRate'] as const;

/**
 * The promise rows of one data product, property by property, each over the hour, the day and the
 * week, then freshness now. Definitions (the README's "Measured promises" says the same):
 *
 * - availability (percent, promised `slo.availability`): fetches that were not errors, timeouts or
 *   circuit rejections, over all fetches that came to a verdict (cancelled ones are neither);
 *   kept when measured ≥ promised. A GraphQL answer carrying errors is the subgraph answering.
 * - latencyP99Ms (promised `slo.latencyP99Ms`): the 99th percentile of the durations of answers
 *   and timeouts (subgraph-windows.ts), estimated from a fixed histogram; kept when ≤ promised.
 * - latencyP50Ms, errorRate: measured, never promised (met null). errorRate is a percent of fetches
 *   that failed, timed out, were rejected, or answered with GraphQL errors.
 * - freshnessSeconds (window `now`): the age of the product's newest change, now − lastChangedAt
 *   from its `/freshness`. A promise N > 0 is kept while that age is ≤ N: data fed from elsewhere
 *   that has not changed for longer means the feed stopped. A promise of 0 is read-your-writes:
 *   the product serves from the database its writes go to, no cache or copy between; an age does
 *   not break that (data nobody changed is not stale), so it is kept while the product reports
 *   its freshness, and unknown when it cannot. With no change since the seed, measured is null.
 */
export function evaluatePromises(inputs: PromiseInputs): PromiseRow[] {
  const minSamples = inputs.minSamples ?? MIN_SAMPLES;
  const rows: PromiseRow[] = [];
  for (const property of PROPERTIES) {
    for (const window of WINDOW_NAMES) rows.push(windowRow(property, window, inputs.snapshots[window], inputs.slo, minSamples));
  }
  rows.push(freshnessRow(inputs));
  return rows;
}

function windowRow(property: (typeof PROPERTIES)[number], window: WindowName, s: WindowSnapshot, slo: PromiseInputs['slo'], minSamples: number): PromiseRow {
  switch (property) {
    case 'availability': {
      const promised = slo?.availability ?? null;
      const good = s.requests - s.errors - s.timeouts - s.rejected;
      const measured = s.requests > 0 ? floorTo(4, (100 * good) / s.requests) : null;
      return judge(property, window, promised, measured, s.requests, minSamples, (m, p) => m >= p);
    }
    case 'latencyP99Ms':
      return judge(property, window, slo?.latencyP99Ms ?? null, s.p99Ms, s.latencySamples, minSamples, (m, p) => m <= p);
    case 'latencyP50Ms':
      return judge(property, window, null, s.p50Ms, s.latencySamples, minSamples, () => true);
    case 'errorRate': {
      const failed = s.errors + s.timeouts + s.rejected + s.graphqlErrorAnswers;
      const measured = s.requests > 0 ? ceilTo(4, (100 * failed) / s.requests) : null;
      return judge(property, window, null, measured, s.requests, minSamples, () => true);
    }
    default: {
      const never: never = property;
      throw new Error(`Unexpected promise property ${String(never)}`);
    }
  }
}

function judge(
  property: PromiseProperty,
  window: PromiseWindow,
  promised: number | null,
  measured: number | null,
  samples: number,
  minSamples: number,
  kept: (measured: number, promised: number) => boolean,
): PromiseRow {
  const met = promised === null || measured === null || samples < minSamples ? null : kept(measured, promised);
  return { property, promised, measured, window, met, samples };
}

function freshnessRow({ slo, freshness, now }: PromiseInputs): PromiseRow {
  const promised = slo?.freshnessSeconds ?? null;
  if (!freshness?.known) return { property: 'freshnessSeconds', promised, measured: null, window: 'now', met: null, samples: 0 };
  const changed = freshness.lastChangedAt === null ? Number.NaN : Date.parse(freshness.lastChangedAt);
  // A database clock a little ahead of the gateway's is not data from the future: age 0.
  const measured = Number.isNaN(changed) ? null : ceilTo(1, Math.max(0, now - changed) / 1000);
  let met: boolean | null;
  if (promised === null) met = null;
  else if (promised === 0) met = true;
  else met = measured === null ? null : measured <= promised;
  return { property: 'freshnessSeconds', promised, measured, window: 'now', met, samples: 1 };
}

/** Rounds down (availability): 99.89999… must never read as a kept 99.9. */
function floorTo(decimals: number, value: number): number {
  const f = 10 ** decimals;
  return Math.floor(value * f + 1e-9) / f;
}

/** Rounds up (error rate, age; never negative): a measurement is never rounded into looking better. */
function ceilTo(decimals: number, value: number): number {
  const f = 10 ** decimals;
  // Math.max also turns the -0 that Math.ceil gives just under zero into 0.
  return Math.max(0, Math.ceil(value * f - 1e-9) / f);
}
