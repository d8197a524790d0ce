import { HISTORY } from '../api/documents';
import { useQuery } from '../api/use-query';
import { formatDate } from '../format';
import { ErrorNote } from './ErrorNote';
import { Loading } from './Loading';

/** The contract's versions as the registry stored them, newest first, each with what changed in words. */
export function HistoryList({ product }: { product: string }) {
  const state = useQuery(HISTORY, { product, limit: 20 });
  return (
    <section className="card" aria-label="Change history" id="history">
      <h2>Change history</h2>
      {state.status === 'loading' ? <Loading what="the change history" /> : null}
      {state.status === 'error' ? <ErrorNote what="the change history" error={state.error} /> : null}
      {state.status === 'done' && !state.data.history.length ? (
        <p className="empty" data-testid="history-empty">
          No published versions to show{state.notes.length ? `: ${state.notes.join(' ')}` : '.'}
        </p>
      ) : null}
      {state.status === 'done' && state.data.history.length ? (
        <ol className="history">
          {state.data.history.map((change) => (
            <li key={change.version}>
              <div className="history-head">
                <strong>v{change.version}</strong> <span className="badge">{change.action}</span> <span className="muted">{formatDate(change.publishedAt)} by {change.publisher}</span>{' '}
                {change.label ? <code>{change.label}</code> : null}
              </div>
              {change.summary.length ? (
                <ul>
                  {change.summary.map((line, index) => (
                    <li key={index}>{line}</li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No change to the contract.</p>
              )}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
