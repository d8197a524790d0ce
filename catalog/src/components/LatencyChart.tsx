import type { MeasurementPoint, Window } from '../api/types';
import { CHART, chartGeometry } from '../chart-geometry';

/** p50 and p99 lines over the window, failed fetches as bars below them, the promised p99 dashed. */
export function LatencyChart({ points, promisedP99Ms, range }: { points: readonly MeasurementPoint[]; promisedP99Ms: number | null; range: Window }) {
  const g = chartGeometry(points, promisedP99Ms, range);
  if (!g.requests) return <p className="empty">No requests reached this subgraph in this window yet.</p>;
  const errorTop = CHART.top + CHART.latencyHeight + CHART.gap;
  const right = CHART.width - CHART.right;
  return (
    <>
      <svg viewBox={`0 0 ${CHART.width} ${CHART.height}`} role="img" aria-label={`p50 and p99 latency and failed fetches, ${g.requests} requests`} data-testid="measurement-chart">
        <title>Latency (p50, p99) and failed fetches</title>
        <line className="axis" x1={CHART.left} x2={right} y1={CHART.top + CHART.latencyHeight} y2={CHART.top + CHART.latencyHeight} />
        <line className="grid" x1={CHART.left} x2={right} y1={CHART.top} y2={CHART.top} />
        <text className="axis-label" x={CHART.left - 6} y={CHART.top + 4} textAnchor="end">
          {g.latencyMax} ms
        </text>
        <text className="axis-label" x={CHART.left - 6} y={CHART.top + CHART.latencyHeight} textAnchor="end">
          0
        </text>
        {g.promisedY !== null ? (
          <>
            <line className="promised" x1={CHART.left} x2={right} y1={g.promisedY} y2={g.promisedY} />
            <text className="promised-label" x={right} y={g.promisedY - 4} textAnchor="end">
              promised p99
            </text>
          </>
        ) : null}
        <path className="p99" d={g.p99} />
        <path className="p50" d={g.p50} />
        {g.dots.map((dot) => (
          <circle key={`${dot.line}-${dot.x}`} className={`dot ${dot.line}-dot`} cx={dot.x} cy={dot.y} r={3.5} />
        ))}
        <line className="axis" x1={CHART.left} x2={right} y1={errorTop + CHART.errorHeight} y2={errorTop + CHART.errorHeight} />
        <text className="axis-label" x={CHART.left - 6} y={errorTop + 8} textAnchor="end">
          {Math.round(g.errorMax * 100)} %
        </text>
        <text className="axis-label" x={CHART.left - 6} y={errorTop + CHART.errorHeight} textAnchor="end">
          failed
        </text>
        {g.errorBars.map((bar) => (
          <rect key={bar.start} className="error-bar" x={bar.x} y={bar.y} width={bar.width} height={bar.height}>
            <title>{`${Math.round(bar.share * 1000) / 10} % failed`}</title>
          </rect>
        ))}
        {g.ticks.map((tick) => (
          <text key={tick.x} className="axis-label" x={tick.x} y={CHART.height - 4} textAnchor={tick.anchor}>
            {tick.label}
          </text>
        ))}
      </svg>
      <p className="legend">
        <span className="key p50-key">p50</span> <span className="key p99-key">p99</span> <span className="key error-key">failed fetches (errors and timeouts)</span>
        {g.promisedY !== null ? <span className="key promised-key">promised p99</span> : null}
      </p>
    </>
  );
}
