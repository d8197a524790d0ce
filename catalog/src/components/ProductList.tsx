import { PRODUCTS } from '../api/documents';
import { useQuery } from '../api/use-query';
import { productHref } from '../router';
import { LifecycleBadge } from './LifecycleBadge';
import { Link } from './Link';
import { ErrorNote } from './ErrorNote';
import { Loading } from './Loading';

export function ProductList() {
  const state = useQuery(PRODUCTS, {});
  if (state.status === 'loading') return <Loading what="data products" />;
  if (state.status === 'error') return <ErrorNote what="the data products" error={state.error} />;
  const products = state.data.products;
  if (!products.length) return <p className="empty">The gateway serves no data product yet.</p>;
  return (
    <ul className="product-grid" aria-label="Data products">
      {products.map((product) => (
        <li key={product.name} className="product-card">
          <div className="card-head">
            <Link href={productHref(product.name)} className="product-name">
              {product.name}
            </Link>
            <LifecycleBadge lifecycle={product.lifecycle} />
          </div>
          <p className="domain">{product.domain} · {product.owner.team}</p>
          <p className="description">{product.description}</p>
        </li>
      ))}
    </ul>
  );
}
