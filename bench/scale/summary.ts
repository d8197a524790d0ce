/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: expected at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Per-field median of several measurements of the same shape (nested objects of numbers; a
 * field that is null in any run, e.g. memory where /proc is missing, stays null).
 */
export function medianOf<T>(runs: readonly T[]): T {
  if (runs.length === 0) throw new Error('medianOf: expected at least one run');
  const combine = (values: readonly unknown[]): unknown => {
    const [first] = values;
    if (typeof first === 'number') return values.some((v) => typeof v !== 'number') ? null : median(values as number[]);
    if (first !== null && typeof first === 'object') {
      return Object.fromEntries(Object.keys(first).map((key) => [key, combine(values.map((v) => (v as Record<string, unknown>)[key]))]));
    }
    return first;
  };
  return combine(runs) as T;
}
