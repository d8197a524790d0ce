/**
 * Upper bounds (ms, inclusive) of the latency histogram's buckets; one more bucket holds what is
 * above the last. Dense around the latencies data products promise (100–300 ms), so a promise
 * that is one of these bounds is judged exactly (see `estimatePercentile`); fixed, so buckets of
 * different minutes and subgraphs add up.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2.5, 5, 10, 25, 50, 75, 100, 125, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2500, 5000, 10_000, 30_000,
];

/**
 * The q-th percentile (0 < q < 1) of the durations counted in `counts` (one count per bucket of
 * LATENCY_BOUNDS_MS, then the overflow bucket), by linear interpolation inside the bucket where
 * the rank q·n falls, as Prometheus' histogram_quantile does; the overflow bucket ends at `maxMs`,
 * the largest duration seen, and no estimate exceeds it. Null without samples.
 *
 * Exactness where it matters: if at least q of the samples are ≤ a bound B, the estimate is ≤ B;
 * otherwise it is > B. So "p99 ≤ promised" is decided exactly whenever the promise is a bound.
 */
export function estimatePercentile(counts: ArrayLike<number>, q: number, maxMs: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return null;
  const rank = q * total;
  let before = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (count > 0 && before + count >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : Math.max(maxMs, lower);
      const estimate = lower + ((upper - lower) * (rank - before)) / count;
      return round(Math.min(estimate, Math.max(maxMs, 0)));
    }
    before += count;
  }
  return round(maxMs);
}

/**
 * Two decimals, rounded up: the estimate is no more precise than its bucket, and rounding up never
 * turns an estimate above a bound into one at it (the exactness above survives the rounding).
 */
function round(ms: number): number {
  return Math.ceil(ms * 100 - 1e-9) / 100;
}
