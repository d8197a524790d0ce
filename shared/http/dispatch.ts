import type { Route } from './listen.js';

/**
 * One listener, several handlers: a request whose path (without its query string) is one of
 * `handlers`' keys goes to that handler, anything else to `fallback`. Each handler is a whole
 * HTTP front of its own (limits, CORS, JSON errors), so this only picks, it never answers.
 */
export function dispatchByPath(handlers: Readonly<Record<string, Route>>, fallback: Route): Route {
  const byPath = new Map(Object.entries(handlers));
  return (req, res) => {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const handler = byPath.get(queryStart === -1 ? url : url.slice(0, queryStart));
    return (handler ?? fallback)(req, res);
  };
}
