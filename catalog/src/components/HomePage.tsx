import { ProductList } from './ProductList';
import { SearchBox } from './SearchBox';
import { SearchResults } from './SearchResults';

/** The catalog's front page: every data product, or what a search over products, types and fields found. */
export function HomePage({ search }: { search: string }) {
  return (
    <>
      <section className="intro">
        <h1>Data products</h1>
        <p>Every domain's data product on this mesh: who owns it, what it holds, what it promises and what you may read. Search by product, type or field.</p>
        <SearchBox initial={search} />
      </section>
      {search.trim() ? <SearchResults text={search.trim()} /> : <ProductList />}
    </>
  );
}
