import type { FieldAccess, ProductType, Viewer } from '../api/types';
import type { QueryState } from '../api/use-query';
import { AccessNote } from './AccessNote';
import { FieldRow } from './FieldRow';
import { Prose } from './Prose';

type AccessState = QueryState<{ viewer: Viewer; access: FieldAccess[] }>;

/** The product's own types and fields, each marked readable or not for whoever the token says the reader is. */
export function TypesSection({ types, access, hasToken }: { types: ProductType[]; access: AccessState; hasToken: boolean }) {
  const byCoordinate = new Map(access.status === 'done' ? access.data.access.map((a) => [a.coordinate, a]) : []);
  const withFields = types.filter((type) => type.fields.length);
  const others = types.filter((type) => !type.fields.length);
  return (
    <section className="card" aria-label="Types and fields" id="fields">
      <h2>Types and fields</h2>
      <AccessNote access={access} hasToken={hasToken} />
      {withFields.map((type) => (
        <div key={type.name} className="type-block" id={type.name}>
          <h3>
            <code>{type.name}</code> <span className="muted">{kindName(type.kind)}</span>
          </h3>
          {type.description ? (
            <p className="description">
              <Prose text={type.description} />
            </p>
          ) : null}
          <table className="fields">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
                <th scope="col">Classification</th>
                <th scope="col">Access needed</th>
                <th scope="col">You</th>
              </tr>
            </thead>
            <tbody>
              {type.fields.map((field) => (
                <FieldRow key={field.coordinate} field={field} access={access.status === 'loading' ? 'loading' : byCoordinate.get(field.coordinate)} />
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {others.length ? (
        <div className="type-block">
          <h3>Enums and scalars</h3>
          <dl className="simple-types">
            {others.map((type) => (
              <div key={type.name} id={type.name}>
                <dt>
                  <code>{type.name}</code> <span className="muted">{kindName(type.kind)}</span>
                </dt>
                <dd>
                  {type.description ? <Prose text={type.description} /> : <span className="muted">no description</span>}
                  {type.values.length ? (
                    <span className="values">
                      {' '}
                      {type.values.map((value) => (
                        <code key={value}>{value}</code>
                      ))}
                    </span>
                  ) : null}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </section>
  );
}

function kindName(kind: string): string {
  return kind.toLowerCase().replace('input_object', 'input').replace('_', ' ');
}
