import { PROMISES } from '../api/documents';
import type { Slo } from '../api/types';
import { useQuery } from '../api/use-query';
import { useToken } from '../use-token';
import { ErrorNote } from './ErrorNote';
import { Loading } from './Loading';
import { MeasurementChart } from './MeasurementChart';
import { PromisedOnly } from './PromisedOnly';
import { PromiseTable } from './PromiseTable';

/**
 * What the product promises next to what the gateway measured of its subgraph. Measurements are
 * for authenticated callers only: without a token the promises are shown and the reader told why
 * the measurements are not.
 */
export function PromisesPanel({ product, promised }: { product: string; promised: Slo }) {
  const token = useToken();
  const state = useQuery(PROMISES, { product }, { token });
  return (
    <section className="card" aria-label="Promises" id="promises">
      <h2>Promises and what was measured</h2>
      {state.status === 'loading' ? <Loading what="measured promises" /> : null}
      {state.status === 'error' && state.error.code === 'UNAUTHENTICATED' ? (
        <>
          <PromisedOnly promised={promised} />
          <p className="notice" data-testid="promises-need-token">
            Measured availability, latency and freshness are shown to authenticated callers: paste a token or pick a development token (top right).
          </p>
        </>
      ) : null}
      {state.status === 'error' && state.error.code !== 'UNAUTHENTICATED' ? (
        <>
          <PromisedOnly promised={promised} />
          <ErrorNote what="the measurements" error={state.error} />
        </>
      ) : null}
      {state.status === 'done' && !state.data.promises.length ? (
        <>
          <PromisedOnly promised={promised} />
          <p className="notice">{state.notes.length ? state.notes.join(' ') : 'This gateway has measured nothing of this product yet.'}</p>
        </>
      ) : null}
      {state.status === 'done' && state.data.promises.length ? (
        <>
          <PromiseTable rows={state.data.promises} />
          <MeasurementChart product={product} promisedP99Ms={promised.latencyP99Ms} />
        </>
      ) : null}
    </section>
  );
}
