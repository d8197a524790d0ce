import type { PromiseRow } from '../api/types';
import { formatMeasured, formatProperty, formatValue } from '../format';

const WINDOWS = ['hour', 'day', 'week', 'now'] as const;
const WINDOW_LABELS: Record<(typeof WINDOWS)[number], string> = { hour: 'Last hour', day: 'Last day', week: 'Last week', now: 'Now' };

/** One row per promised property, one column per window; a promise not kept is marked and counted. */
export function PromiseTable({ rows }: { rows: PromiseRow[] }) {
  const properties = [...new Set(rows.map((row) => row.property))];
  const windows = WINDOWS.filter((w) => rows.some((row) => row.window === w));
  const notKept = rows.filter((row) => row.met === false).length;
  return (
    <>
      {notKept ? (
        <p className="not-kept-summary" role="status" data-testid="not-kept-summary">
          {notKept} {notKept === 1 ? 'promise was' : 'promises were'} not kept.
        </p>
      ) : null}
      <table className="promises">
        <thead>
          <tr>
            <th scope="col">Property</th>
            <th scope="col">Promised</th>
            {windows.map((w) => (
              <th scope="col" key={w}>
                {WINDOW_LABELS[w]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {properties.map((property) => {
            const ofProperty = rows.filter((row) => row.property === property);
            const promised = ofProperty.find((row) => row.promised !== null)?.promised ?? null;
            return (
              <tr key={property}>
                <th scope="row">{formatProperty(property)}</th>
                <td>{promised === null ? <span className="muted">not promised</span> : formatValue(property, promised)}</td>
                {windows.map((w) => {
                  const row = ofProperty.find((r) => r.window === w);
                  return <MeasuredCell key={w} row={row} />;
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function MeasuredCell({ row }: { row: PromiseRow | undefined }) {
  if (!row) return <td className="muted">—</td>;
  const status = row.met === null ? 'unknown' : row.met ? 'kept' : 'not-kept';
  const samples = `${row.samples} ${row.samples === 1 ? 'sample' : 'samples'}`;
  return (
    <td className={`measured ${status}`} title={samples} data-testid={`promise-${row.property}-${row.window}`} data-met={String(row.met)}>
      <span className="value">{formatMeasured(row.property, row.measured)}</span>
      {status === 'kept' ? <span className="mark">✓ kept</span> : null}
      {status === 'not-kept' ? <span className="mark">✗ not kept</span> : null}
      {status === 'unknown' ? <span className="mark">{unknownReason(row)}</span> : null}
    </td>
  );
}

/** Why a row is neither kept nor broken. */
function unknownReason(row: PromiseRow): string {
  if (row.promised === null) return 'nothing promised';
  if (!row.samples) return 'no data yet';
  return `only ${row.samples} ${row.samples === 1 ? 'sample' : 'samples'}: too few to judge`;
}
