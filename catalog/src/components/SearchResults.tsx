import { SEARCH } from '../api/documents';
import { useQuery } from '../api/use-query';
import { productHref } from '../router';
import { Link } from './Link';
import { ErrorNote } from './ErrorNote';
import { Loading } from './Loading';

export function SearchResults({ text }: { text: string }) {
  const state = useQuery(SEARCH, { text, limit: 50 });
  if (state.status === 'loading') return <Loading what="search results" />;
  if (state.status === 'error') return <ErrorNote what="search results" error={state.error} />;
  const hits = state.data.search;
  if (!hits.length) return <p className="empty">Nothing matches “{text}”.</p>;
  return (
    <section aria-label="Search results">
      <p className="result-count">
        {hits.length} {hits.length === 1 ? 'match' : 'matches'} for “{text}”
      </p>
      <ul className="search-results">
        {hits.map((hit) => (
          <li key={`${hit.kind}:${hit.product}:${hit.coordinate}`}>
            <span className={`kind kind-${hit.kind}`}>{hit.kind}</span>
            <Link href={productHref(hit.product, hit.kind === 'product' ? undefined : hit.coordinate)}>{hit.coordinate}</Link>
            <span className="in-product">in {hit.product}</span>
            {hit.description ? <p className="description">{hit.description}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
