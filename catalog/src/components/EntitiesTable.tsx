import type { Entity } from '../api/types';

/** The entities the product owns: what other domains can join to, and by which keys. */
export function EntitiesTable({ entities }: { entities: Entity[] }) {
  return (
    <section className="card" aria-label="Entities" id="entities">
      <h2>Entities</h2>
      {entities.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Entity</th>
              <th scope="col">Keys</th>
              <th scope="col">What it is</th>
            </tr>
          </thead>
          <tbody>
            {entities.map((entity) => (
              <tr key={entity.type}>
                <td>
                  <a href={`#${entity.type}`}>
                    <code>{entity.type}</code>
                  </a>
                </td>
                <td>{entity.keys.length ? entity.keys.map((key) => <code key={key}>{key}</code>) : <span className="muted">reached through another type</span>}</td>
                <td>{entity.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">This product declares no entities.</p>
      )}
    </section>
  );
}
