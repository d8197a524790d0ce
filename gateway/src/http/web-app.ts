import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv, { type RequestHandler } from 'sirv';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import type { Route } from '../../../shared/http/listen.js';
import type { WebAppConfig } from '../config.js';

/**
 * The gateway's web front ends, served from the bundle `npm run build:web` writes (catalog/dist):
 * `/` redirects to the catalog, `/catalog/…` is the catalog app (client routes answered with its
 * index.html), and a browser opening `/graphql` gets the bundled GraphiQL instead of a landing
 * page that loads from a CDN. Nothing here is fetched from another origin, and the pages' CSP
 * says so to the browser.
 */
export interface WebApp {
  /** `GET /`. */
  root: Route;
  /** `GET /catalog` and everything under it. */
  catalog: Route;
  /** A browser's `GET /graphql` (the HTTP front's `browserPage`). */
  ide: Route;
}

/** Where the catalog is served; vite.config.ts builds it with the same `base`. */
export const CATALOG_PREFIX = '/catalog';

/** Longest path the web app looks up: its own are short, and anything longer is a probe. */
export const MAX_PATH_LENGTH = 1024;

/**
 * Only same-origin scripts, styles, data and frames; `data:` for the fonts GraphiQL embeds in its
 * CSS and the inline favicon. No 'unsafe-inline' or 'unsafe-eval': the bundles need neither.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HTML_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // A new build changes the assets an HTML page names: always revalidated (cheap, with the ETag).
  'Cache-Control': 'no-cache',
};

/** Vite names every asset by its content hash: a changed file is a new URL, so an old one never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function createWebApp(config: WebAppConfig): WebApp {
  if (!config.enabled) {
    const off: Route = () => {
      throw new HttpError(404, ErrorCode.NotFound, `The catalog and the IDE are turned off on this gateway (GATEWAY_CATALOG=false): GraphQL is served at POST /graphql`);
    };
    return { root: off, catalog: off, ide: off };
  }
  const bundle = new Bundle(config.dir);
  return {
    root: (_req, res) => redirect(res, `${CATALOG_PREFIX}/`),
    catalog: async (req, res) => {
      const path = checkedPath(req);
      if (path === CATALOG_PREFIX) return redirect(res, `${CATALOG_PREFIX}/${query(req)}`);
      const rest = path.slice(CATALOG_PREFIX.length);
      // An asset that is not in the bundle is a 404, not the app: a stale page asking for old hashes must fail visibly.
      if (rest.startsWith('/assets/')) return bundle.serve(req, res, rest, () => notFound(path));
      return bundle.serve(req, res, rest, () => bundle.serve(req, res, '/index.html', () => notFound(path)));
    },
    ide: (req, res) => bundle.serve(req, res, '/graphiql.html', () => notFound('/graphql')),
  };
}

/**
 * The built files, looked up by sirv from the list it reads when created (so nothing outside the
 * bundle can be named). Created when first needed and again when index.html changes (a rebuild
 * while the gateway runs), so a gateway started before `npm run build:web` serves it once built.
 */
class Bundle {
  private handler: RequestHandler | undefined;
  private builtAt = 0;

  constructor(private readonly dir: string) {}

  serve(req: IncomingMessage, res: ServerResponse, path: string, onNoMatch: () => void): Promise<void> {
    const handler = this.current(path);
    return new Promise<void>((resolve, reject) => {
      res.once('finish', () => resolve());
      res.once('close', () => resolve());
      // sirv reads the path from req.url, synchronously: the path inside the bundle, without
      // /catalog, for the length of the call; the request's own URL is put back for the access log.
      const url = req.url;
      req.url = path;
      try {
        handler(req, res, () => {
          try {
            const next = onNoMatch() as unknown;
            // onNoMatch either throws (a refusal) or serves another file, which settles through res.
            if (next instanceof Promise) next.catch(reject);
          } catch (error) {
            reject(error);
          }
        });
      } catch (error) {
        reject(error);
      } finally {
        req.url = url;
      }
    });
  }

  private current(path: string): RequestHandler {
    // Assets are asked for right after the page that names them: only pages look for a rebuild.
    if (this.handler && path.startsWith('/assets/')) return this.handler;
    const builtAt = modifiedAt(join(this.dir, 'index.html'));
    if (builtAt === undefined) {
      this.handler = undefined;
      throw new HttpError(503, ErrorCode.CatalogNotBuilt, 'The catalog is not built on this gateway: run `npm run build:web` (npm start and npm test do it), then reload');
    }
    if (!this.handler || builtAt !== this.builtAt) {
      this.handler = sirv(this.dir, { dev: false, etag: true, gzip: true, brotli: true, dotfiles: false, setHeaders });
      this.builtAt = builtAt;
    }
    return this.handler;
  }
}

function setHeaders(res: ServerResponse, pathname: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (pathname.startsWith('/assets/')) {
    res.setHeader('Cache-Control', IMMUTABLE);
    return;
  }
  for (const [name, value] of Object.entries(HTML_HEADERS)) res.setHeader(name, value);
  // The IDE is also what /graphql answers a browser, and JSON to GraphQL clients: caches must keep them apart.
  if (pathname === '/graphiql.html') res.setHeader('Vary', 'Accept, Accept-Encoding');
}

/**
 * The request's path, refused when it is not one a browser following the app's links sends:
 * too long (414), not decodable, or naming a parent folder, a backslash or a NUL (400). sirv would
 * not serve outside the bundle anyway; refusing says so plainly instead of falling back to the app.
 */
function checkedPath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const raw = queryStart === -1 ? url : url.slice(0, queryStart);
  if (raw.length > MAX_PATH_LENGTH) {
    throw new HttpError(414, ErrorCode.UriTooLong, `The path is ${raw.length} characters long; the catalog serves paths up to ${MAX_PATH_LENGTH}`, {}, { limit: MAX_PATH_LENGTH });
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, ErrorCode.BadRequest, 'The path is not valid percent-encoded UTF-8');
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new HttpError(400, ErrorCode.BadRequest, 'The path names a parent or current folder, a backslash or a NUL: the catalog serves only its own files');
  }
  return raw;
}

function query(req: IncomingMessage): string {
  const url = req.url ?? '';
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? '' : url.slice(queryStart);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' }).end(`See ${location}\n`);
}

function notFound(path: string): never {
  throw new HttpError(404, ErrorCode.NotFound, `No catalog file at ${path.slice(0, 200)}`);
}

function modifiedAt(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
