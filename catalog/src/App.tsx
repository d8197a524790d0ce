import { useEffect } from 'react';
import { HomePage } from './components/HomePage';
import { Link } from './components/Link';
import { ProductPage } from './components/ProductPage';
import { TokenPanel } from './components/TokenPanel';
import { BASE, useRoute, type Route } from './router';

export function App() {
  const route = useRoute();
  useEffect(() => {
    document.title = route.page === 'product' ? `${route.name} · Meshgate catalog` : 'Meshgate catalog';
  }, [route]);
  return (
    <>
      <header className="topbar">
        <Link href={BASE} className="brand">
          <span className="brand-mark" aria-hidden="true">◆</span> Meshgate <span className="brand-sub">data catalog</span>
        </Link>
        <nav className="topnav">
          <Link href={BASE}>Products</Link>
          <a href="/graphql">GraphQL IDE</a>
        </nav>
        <TokenPanel />
      </header>
      <main>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'home':
      return <HomePage search={route.search} />;
    case 'product':
      return <ProductPage key={route.name} name={route.name} anchor={route.anchor} />;
    case 'not-found':
      return (
        <div className="empty">
          <p>No catalog page at {route.path}.</p>
          <Link href={BASE}>See every data product</Link>
        </div>
      );
    default: {
      const never: never = route;
      return never;
    }
  }
}
