/**
 * How numbers read on the page, in the promise monitor's units (gateway/src/promises/
 * evaluate-promises.ts): availability and error rate in percent, latencies in ms, freshness in
 * seconds (promised: the most a change may take to show, 0 = read-your-writes; measured: the age of
 * the product's newest change).
 */

export function formatProperty(property: string): string {
  switch (property) {
    case 'availability':
      return 'Availability';
    case 'latencyP99Ms':
      return 'Latency p99';
    case 'latencyP50Ms':
      return 'Latency p50';
    case 'errorRate':
      return 'Error rate';
    case 'freshnessSeconds':
      return 'Freshness';
    default:
      return property;
  }
}

export function formatValue(property: string, value: number | null): string {
  if (value === null) return '—';
  switch (property) {
    case 'availability':
      return `${trim(value, value >= 99 ? 3 : 2)} %`;
    case 'errorRate':
      return `${trim(value, 2)} %`;
    case 'latencyP99Ms':
    case 'latencyP50Ms':
      return `${trim(value, value < 10 ? 1 : 0)} ms`;
    case 'freshnessSeconds':
      return value === 0 ? 'read-your-writes' : formatDuration(value);
    default:
      return trim(value, 2);
  }
}

/** A measured value: as `formatValue`, except freshness, which is measured as an age. */
export function formatMeasured(property: string, value: number | null): string {
  if (property !== 'freshnessSeconds' || value === null) return formatValue(property, value);
  return value < 1 ? 'changed just now' : `changed ${formatDuration(value)} ago`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${trim(seconds, 0)} s`;
  if (seconds < 7200) return `${trim(seconds / 60, 0)} min`;
  return `${trim(seconds / 3600, 1)} h`;
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function trim(value: number, digits: number): string {
  return Number(value.toFixed(digits)).toString();
}
