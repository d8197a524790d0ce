import { useState } from 'react';
import { MEASUREMENTS } from '../api/documents';
import type { Window } from '../api/types';
import { useQuery } from '../api/use-query';
import { useToken } from '../use-token';
import { ErrorNote } from './ErrorNote';
import { LatencyChart } from './LatencyChart';
import { Loading } from './Loading';

const WINDOWS: { value: Window; label: string }[] = [
  { value: 'HOUR', label: 'Hour' },
  { value: 'DAY', label: 'Day' },
  { value: 'WEEK', label: 'Week' },
];

/** The subgraph's p50/p99 latency and share of failed fetches over a window, as the gateway saw them. Hand-drawn SVG. */
export function MeasurementChart({ product, promisedP99Ms }: { product: string; promisedP99Ms: number | null }) {
  const token = useToken();
  const [range, setRange] = useState<Window>('HOUR');
  const state = useQuery(MEASUREMENTS, { product, window: range }, { token });
  return (
    <figure className="chart">
      <figcaption>
        <span>Latency and errors of its subgraph</span>
        <span className="window-picker" role="group" aria-label="Window">
          {WINDOWS.map((w) => (
            <button key={w.value} type="button" aria-pressed={range === w.value} onClick={() => setRange(w.value)}>
              {w.label}
            </button>
          ))}
        </span>
      </figcaption>
      {state.status === 'loading' ? <Loading what="measurements" /> : null}
      {state.status === 'error' ? <ErrorNote what="the measurements" error={state.error} /> : null}
      {state.status === 'done' ? <LatencyChart points={state.data.measurements} promisedP99Ms={promisedP99Ms} range={range} /> : null}
    </figure>
  );
}
