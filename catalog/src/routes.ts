/**
 * The catalog's addresses (pure: no DOM, so the unit tests run it under Node). The app is served
 * under /catalog/ (vite.config.ts `base`); the gateway answers every client route with index.html.
 */
export const BASE = '/catalog/';

export type Route =
  | { readonly page: 'home'; readonly search: string }
  | { readonly page: 'product'; readonly name: string; readonly anchor: string }
  | { readonly page: 'not-found'; readonly path: string };

export function parseRoute(location: { pathname: string; search: string; hash: string }): Route {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname.replace(/^\/catalog$/, '');
  if (rest === '' || rest === 'index.html') return { page: 'home', search: new URLSearchParams(location.search).get('q') ?? '' };
  const product = /^products\/([^/]+)\/?$/.exec(rest);
  if (product) return { page: 'product', name: safeDecode(product[1]), anchor: safeDecode(location.hash.slice(1)) };
  return { page: 'not-found', path: location.pathname };
}

export function productHref(name: string, coordinate?: string): string {
  return `${BASE}products/${encodeURIComponent(name)}${coordinate ? `#${encodeURIComponent(coordinate)}` : ''}`;
}

export function searchHref(text: string): string {
  return text ? `${BASE}?q=${encodeURIComponent(text)}` : BASE;
}

/** A hand-typed address may hold a lone `%`: shown as typed rather than breaking the page. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
