/**
 * Pure geometry of the latency/error chart (MeasurementChart.tsx draws it): numbers in, SVG
 * coordinates out. Only a type import, so the unit tests run it under Node.
 */
import type { MeasurementPoint, Window } from './api/types.js';

/** One bucket of measurements, as the API answers it. */
export type ChartPoint = MeasurementPoint;

export const CHART = { width: 1000, height: 230, left: 56, right: 40, top: 14, latencyHeight: 130, gap: 18, errorHeight: 36 } as const;

export interface ChartGeometry {
  /** SVG path data of the p50 and p99 lines; buckets without requests break the line. */
  p50: string;
  p99: string;
  /** Points with no neighbour to draw a line to (a lone busy minute): drawn as dots. */
  dots: { x: number; y: number; line: 'p50' | 'p99' }[];
  /** y of the promised p99 line, when it is within the drawn range. */
  promisedY: number | null;
  latencyMax: number;
  /** One bar per bucket with failures: x, width, y, height, and its share of failed requests. */
  errorBars: { x: number; width: number; y: number; height: number; share: number; start: string }[];
  errorMax: number;
  /** Tick labels along the time axis. */
  ticks: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
  requests: number;
}

export function chartGeometry(points: readonly ChartPoint[], promisedP99Ms: number | null, window: Window): ChartGeometry {
  const innerWidth = CHART.width - CHART.left - CHART.right;
  const step = points.length > 1 ? innerWidth / (points.length - 1) : innerWidth;
  const xOf = (index: number) => CHART.left + (points.length > 1 ? index * step : innerWidth / 2);
  const latencies = points.flatMap((p) => [p.p50Ms, p.p99Ms]).filter((v): v is number => v !== null);
  // The promise is drawn only when it is near the measurements: a 150 ms line over 2 ms points would flatten them.
  const measuredMax = Math.max(0, ...latencies);
  const showPromise = promisedP99Ms !== null && promisedP99Ms <= Math.max(measuredMax * 3, 1);
  const latencyMax = niceCeiling(Math.max(measuredMax, showPromise ? (promisedP99Ms ?? 0) : 0, 1) * 1.1);
  const latencyY = (ms: number) => CHART.top + CHART.latencyHeight - (ms / latencyMax) * CHART.latencyHeight;
  const dots: ChartGeometry['dots'] = [];
  const valueOf = (p: ChartPoint | undefined, pick: (p: ChartPoint) => number | null) => (p && p.requests > 0 ? pick(p) : null);
  const line = (name: 'p50' | 'p99', pick: (p: ChartPoint) => number | null) => {
    let d = '';
    points.forEach((p, i) => {
      const v = valueOf(p, pick);
      if (v === null) return;
      const joined = valueOf(points[i - 1], pick) !== null;
      d += `${joined ? 'L' : 'M'}${round(xOf(i))},${round(latencyY(v))}`;
      if (!joined && valueOf(points[i + 1], pick) === null) dots.push({ x: round(xOf(i)), y: round(latencyY(v)), line: name });
    });
    return d;
  };
  const shares = points.map((p) => (p.requests ? (p.errors + p.timeouts) / p.requests : 0));
  const errorMax = Math.max(0.05, ...shares);
  const errorTop = CHART.top + CHART.latencyHeight + CHART.gap;
  const barWidth = Math.max(2, Math.min(14, step * 0.6));
  const errorBars = points.flatMap((p, i) => {
    const share = shares[i];
    if (!share) return [];
    const height = Math.max(1.5, (share / errorMax) * CHART.errorHeight);
    return [{ x: round(xOf(i) - barWidth / 2), width: round(barWidth), y: round(errorTop + CHART.errorHeight - height), height: round(height), share, start: p.start }];
  });
  const tickIndexes = points.length ? [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])] : [];
  return {
    p50: line('p50', (p) => p.p50Ms),
    p99: line('p99', (p) => p.p99Ms),
    dots,
    promisedY: showPromise && promisedP99Ms !== null ? round(latencyY(promisedP99Ms)) : null,
    latencyMax,
    errorBars,
    errorMax,
    ticks: tickIndexes.map((i, n) => ({ x: round(xOf(i)), label: timeLabel(points[i].start, window), anchor: tickIndexes.length > 1 && n === 0 ? 'start' : n === tickIndexes.length - 1 && n > 0 ? 'end' : 'middle' })),
    requests: points.reduce((sum, p) => sum + p.requests, 0),
  };
}

/** A round number at or above `value` (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten): an axis maximum read at a glance. */
export function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

function timeLabel(iso: string, window: 'HOUR' | 'DAY' | 'WEEK'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return window === 'WEEK' ? date.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' }) : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
