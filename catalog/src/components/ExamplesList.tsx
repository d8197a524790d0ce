import type { Example } from '../api/types';
import { ideHref } from '../ide-link';

/** Queries that run against /graphql as they are, each one click away from the IDE. */
export function ExamplesList({ examples }: { examples: Example[] }) {
  return (
    <section className="card" aria-label="Examples" id="examples">
      <h2>Example queries</h2>
      {examples.length ? (
        <ul className="examples">
          {examples.map((example) => (
            <li key={example.title}>
              <div className="example-head">
                <h3>{example.title}</h3>
                <a className="button" href={ideHref(example)}>
                  Open in IDE
                </a>
              </div>
              {example.requirement ? <p className="example-requirement">Without a token: {example.requirement}.</p> : null}
              <pre>
                <code>{example.query}</code>
              </pre>
              {example.variables ? (
                <pre className="variables">
                  <code>{example.variables}</code>
                </pre>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No examples for this product.</p>
      )}
    </section>
  );
}
