import type { FieldAccess, ProductField } from '../api/types';
import { ClassificationBadge } from './ClassificationBadge';
import { Prose } from './Prose';

/** One field: its contract (type, description, deprecation, classification, requirement) and whether the reader may read it. */
export function FieldRow({ field, access }: { field: ProductField; access: FieldAccess | 'loading' | undefined }) {
  return (
    <tr id={field.coordinate} className={field.deprecated ? 'deprecated' : undefined}>
      <td>
        <code className="field-name">{field.name}</code>
        {field.deprecated ? (
          <span className="badge deprecated-badge" title={field.deprecationReason ?? 'Deprecated'}>
            deprecated
          </span>
        ) : null}
      </td>
      <td>
        <code>{field.type}</code>
      </td>
      <td>
        {field.description ? <Prose text={field.description} /> : <span className="muted">no description</span>}
        {field.deprecated && field.deprecationReason ? <p className="deprecation">Deprecated: {field.deprecationReason}</p> : null}
      </td>
      <td>{field.classification ? <ClassificationBadge classification={field.classification} /> : <span className="muted">public</span>}</td>
      <td>{field.requirement ?? <span className="muted">none</span>}</td>
      <td data-testid={`access-${field.coordinate}`} data-readable={access === 'loading' || access === undefined ? '' : String(access.readable)}>
        <AccessCell access={access} />
      </td>
    </tr>
  );
}

function AccessCell({ access }: { access: FieldAccess | 'loading' | undefined }) {
  if (access === 'loading') return <span className="muted">…</span>;
  if (access === undefined) return <span className="muted">unknown</span>;
  if (access.readable) return <span className="readable">✓ readable</span>;
  return (
    <span className="not-readable">
      ✗ not readable
      {access.missing.length ? (
        <ul className="why">
          {access.missing.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
    </span>
  );
}
