import { useEffect } from 'react';
import { ACCESS, PRODUCT } from '../api/documents';
import { useQuery } from '../api/use-query';
import { useToken } from '../use-token';
import { EntitiesTable } from './EntitiesTable';
import { ErrorNote } from './ErrorNote';
import { ExamplesList } from './ExamplesList';
import { HistoryList } from './HistoryList';
import { LifecycleBadge } from './LifecycleBadge';
import { Link } from './Link';
import { Loading } from './Loading';
import { OwnerCard } from './OwnerCard';
import { PromisesPanel } from './PromisesPanel';
import { TypesSection } from './TypesSection';

/** One data product's page: everything an analyst needs to find, understand, trust and read it. */
export function ProductPage({ name, anchor }: { name: string; anchor: string }) {
  const token = useToken();
  const product = useQuery(PRODUCT, { name });
  // Asked with the caller's token (or none): which fields that caller may read, and why not.
  const access = useQuery(ACCESS, { product: name }, { token });

  const loaded = product.status === 'done';
  useEffect(() => {
    // A search hit links to a field: scroll to it once the page is there.
    if (loaded && anchor) document.getElementById(anchor)?.scrollIntoView({ block: 'center' });
  }, [loaded, anchor]);

  if (product.status === 'loading') return <Loading what={`the data product ${name}`} />;
  if (product.status === 'error') return <ErrorNote what={`the data product ${name}`} error={product.error} />;
  const p = product.data.product;
  if (!p) {
    return (
      <div className="empty">
        <p>There is no data product named “{name}” on this mesh.</p>
        <Link href="/catalog/">See every data product</Link>
      </div>
    );
  }
  return (
    <article className="product-page">
      <nav className="crumbs">
        <Link href="/catalog/">Data products</Link> / {p.name}
      </nav>
      <header className="product-header">
        <h1>
          {p.name} <LifecycleBadge lifecycle={p.lifecycle} />
        </h1>
        <p className="domain">{p.domain} domain</p>
        <p className="description">{p.description}</p>
      </header>
      <nav className="sections" aria-label="On this page">
        <a href="#promises">Promises</a>
        <a href="#entities">Entities</a>
        <a href="#examples">Examples</a>
        <a href="#fields">Types and fields</a>
        <a href="#history">Change history</a>
      </nav>
      {!p.described ? <p className="notice">This product came without its descriptor (the gateway reads a supergraph file): owner, purpose and promises are unknown here.</p> : null}
      <div className="two-columns">
        <OwnerCard owner={p.owner} />
        <section className="card">
          <h2>Purpose</h2>
          <p>{p.purpose}</p>
          {p.consumers.length ? (
            <>
              <h3>Used by</h3>
              <ul className="tags">
                {p.consumers.map((consumer) => (
                  <li key={consumer}>{consumer}</li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      </div>
      <PromisesPanel product={p.name} promised={p.promises} />
      <EntitiesTable entities={p.entities} />
      <ExamplesList examples={p.examples} />
      <TypesSection types={p.types} access={access} hasToken={Boolean(token)} />
      <HistoryList product={p.name} />
    </article>
  );
}
