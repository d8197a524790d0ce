import { useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './routes';

export { BASE, productHref, searchHref, type Route } from './routes';

const NAVIGATED = 'meshgate:navigated';

/** Client-side navigation: a history entry, no page load. `replace` for typing in the search box. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATED));
  if (!options.replace && !href.includes('#')) window.scrollTo(0, 0);
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATED, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATED, listener);
  };
}

const currentHref = () => location.pathname + location.search + location.hash;

export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, currentHref);
  return parseRoute(new URL(href, location.origin));
}
