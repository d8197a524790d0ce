import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import cors, { type CorsOptions } from 'cors';
import { ErrorCode, HttpError } from '../errors.js';
import type { Logger } from '../logging.js';
import { paramsFromJson, paramsFromSearch, searchFromParams, type GraphQLParams } from './graphql-params.js';
import type { Route } from './listen.js';
import { COMPRESSED_ENCODINGS, readJsonBody, type ContentEncoding } from './read-body.js';

export { listen, type Listening, type ListenOptions, type Route } from './listen.js';

/** One GraphQL request that passed every HTTP-level check. */
export interface HttpGraphQLRequest {
  req: IncomingMessage;
  method: 'GET' | 'POST';
  /** The body's bytes as received after decompression (empty for GET): what a signature covers. */
  rawBody: Buffer;
  params: GraphQLParams;
  /** Aborted when the client goes away before its answer is written. */
  signal: AbortSignal;
}

/** What `prepare` hands on to Apollo Server: the request's context and, if it rewrote them, the params to run. */
export interface Prepared<Ctx extends BaseContext> {
  context: Ctx;
  params?: GraphQLParams;
  /** The Apollo Server that runs this request (the gateway's: its generation's). Default `options.apollo`. */
  apollo?: ApolloServer<Ctx>;
  /** Headers added to the GraphQL answer. */
  headers?: Readonly<Record<string, string>>;
  /** Called once when the request is over: answered, failed, or its client gone, with the status answered (500 when Apollo Server threw). */
  done?: (outcome: { status: number }) => void;
  /**
   * Runs Apollo Server's handling of the request inside it, e.g. in the request's trace context,
   * so that spans made while it executes (subgraph fetches, @apollo/gateway's) are its children.
   * Default: run as is.
   */
  within?: <T>(run: () => Promise<T>) => Promise<T>;
}

export interface HttpLimits {
  /** Largest request body, after decompression. Default 1 MiB. */
  maxBodyBytes: number;
  /** Most request headers a request may carry; more is HTTP 431. Default 100 (Apollo Router's). */
  maxHeaders: number;
  /** Content encodings a body may arrive in (decompressed under `maxBodyBytes`). Default gzip, x-gzip, deflate, br. */
  encodings: readonly ContentEncoding[];
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { maxBodyBytes: 1024 * 1024, maxHeaders: 100, encodings: COMPRESSED_ENCODINGS };

export interface GraphQLHttpOptions<Ctx extends BaseContext> {
  /**
   * The Apollo Server, or a function returning the one serving now (a gateway swaps them with its
   * supergraph); `prepare` may pin another per request.
   */
  apollo: ApolloServer<Ctx> | (() => ApolloServer<Ctx>);
  /**
   * Runs once the request passed the HTTP checks and before Apollo Server sees it: it may refuse
   * the request (throw an HttpError), rewrite the params, and builds the context.
   */
  prepare: (request: HttpGraphQLRequest) => Promise<Prepared<Ctx>> | Prepared<Ctx>;
  limits?: Partial<HttpLimits>;
  /** Cross-origin requests: the `cors` package's options, or false to send no CORS headers (same-origin only). Default false. */
  cors?: CorsOptions | false;
  /** Extra GET routes (health, readiness), matched on the exact path. */
  routes?: Record<string, Route>;
  /** The path GraphQL is served at (exact match). Default `/graphql`. */
  path?: string;
  /**
   * GET and HEAD routes for a path and everything under it (`'/catalog'`: `/catalog`, `/catalog/…`),
   * tried after the exact `routes`. Default none.
   */
  prefixRoutes?: Record<string, Route>;
  /**
   * A browser opening the GraphQL endpoint (a GET whose Accept prefers HTML, with or without
   * `?query=`): answered by this route (the gateway's bundled IDE) instead of Apollo Server's
   * landing page. Default: Apollo Server's landing page, for a GET without an operation.
   */
  browserPage?: Route;
  /**
   * Told of every request the HTTP front itself refuses (too many headers, too large, wrong
   * content type, CSRF, no such route) before `prepare` could see it, so it still gets its
   * access-log line and request id; returns headers to add to the refusal. `startedAt` is
   * `performance.now()` when the request arrived.
   */
  onRefused?: (req: IncomingMessage, error: HttpError, startedAt: number) => Readonly<Record<string, string>> | void;
  logger: Logger;
}

/**
 * The HTTP front of every Meshgate service, on `node:http`: header count, CORS, CSRF prevention,
 * methods, body size, encoding and content type (read-body.ts), the GraphQL request's shape
 * (graphql-params.ts), then `prepare` and Apollo Server's `executeHTTPGraphQLRequest`. Every
 * refusal is JSON with a status and a code; nothing unexpected leaves as more than
 * "Internal server error".
 */
export function createGraphQLHttpHandler<Ctx extends BaseContext>(options: GraphQLHttpOptions<Ctx>): Route {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const routes = options.routes ?? {};
  const graphqlPath = options.path ?? '/graphql';
  const applyCors = options.cors ? cors(options.cors) : undefined;
  return async (req, res) => {
    const startedAt = performance.now();
    let reachedPrepare = false;
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      // rawHeaders lists names and values in turn.
      const headerCount = req.rawHeaders.length / 2;
      if (headerCount > limits.maxHeaders) {
        throw new HttpError(431, ErrorCode.RequestHeaderFieldsTooLarge, `Request has ${headerCount} headers; the limit is ${limits.maxHeaders}`, {}, { limit: limits.maxHeaders });
      }
      const url = req.url ?? '/';
      const queryStart = url.indexOf('?');
      const path = queryStart === -1 ? url : url.slice(0, queryStart);
      if (applyCors && (await corsAnswered(applyCors, req, res))) return;
      const route = routes[path];
      if (route && (req.method === 'GET' || req.method === 'HEAD')) return await route(req, res);
      const prefixRoute = prefixRouteOf(options.prefixRoutes, path);
      if (prefixRoute && (req.method === 'GET' || req.method === 'HEAD')) return await prefixRoute(req, res);
      if (path !== graphqlPath) throw new HttpError(404, ErrorCode.NotFound, `No route for ${req.method} ${path.slice(0, 200)}: GraphQL is served at ${graphqlPath}`);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { allow: 'GET, POST, OPTIONS' }).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'POST') {
        throw new HttpError(405, ErrorCode.MethodNotAllowed, `Method ${String(req.method).slice(0, 20)} is not allowed on ${graphqlPath}: expected GET or POST`, { allow: 'GET, POST' });
      }
      if (req.method === 'GET' && options.browserPage && prefersHtml(req)) return await options.browserPage(req, res);
      const search = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
      if (req.method === 'GET' && wantsLandingPage(req, search)) {
        const apollo = typeof options.apollo === 'function' ? options.apollo() : options.apollo;
        await writeResponse(res, await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: apolloRequest(req, 'GET', '', undefined), context: noContext }));
        return;
      }
      let request: HttpGraphQLRequest;
      if (req.method === 'GET') {
        checkGetCsrf(req);
        request = { req, method: 'GET', rawBody: Buffer.alloc(0), params: paramsFromSearch(search), signal: controller.signal };
      } else {
        const rawBody = await readJsonBody(req, { maxBytes: limits.maxBodyBytes, encodings: limits.encodings });
        request = { req, method: 'POST', rawBody, params: paramsFromJson(rawBody), signal: controller.signal };
      }
      reachedPrepare = true;
      const preparation = await options.prepare(request);
      let status = 500;
      try {
        const params = preparation.params ?? request.params;
        const apollo = preparation.apollo ?? (typeof options.apollo === 'function' ? options.apollo() : options.apollo);
        const execute = () =>
          apollo.executeHTTPGraphQLRequest({
            httpGraphQLRequest: request.method === 'GET' ? apolloRequest(req, 'GET', searchFromParams(params), undefined) : apolloRequest(req, 'POST', '', params),
            context: async () => preparation.context,
          });
        const response = await (preparation.within ? preparation.within(execute) : execute());
        for (const [name, value] of Object.entries(preparation.headers ?? {})) response.headers.set(name, value);
        status = response.status ?? 200;
        await writeResponse(res, response);
      } finally {
        preparation.done?.({ status });
      }
    } catch (error) {
      if (error instanceof HttpError) {
        // A refusal of `prepare` was already told to its own telemetry; the front's own ones are told here.
        if (!reachedPrepare && options.onRefused) Object.assign(error.headers, refusalHeaders(options.onRefused, req, error, startedAt, options.logger));
        if (!req.complete) lingerThenClose(req);
        if (!res.headersSent) res.writeHead(error.status, { 'content-type': 'application/json; charset=utf-8', ...error.headers }).end(error.toBody());
        return;
      }
      options.logger.error({ err: error }, 'unhandled error while serving a request');
      if (!res.headersSent) {
        res
          .writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
          .end(new HttpError(500, ErrorCode.InternalServerError, 'Internal server error').toBody());
      } else {
        res.destroy();
      }
    }
  };
}

function refusalHeaders(
  onRefused: NonNullable<GraphQLHttpOptions<BaseContext>['onRefused']>,
  req: IncomingMessage,
  error: HttpError,
  startedAt: number,
  logger: Logger,
): Readonly<Record<string, string>> {
  try {
    return onRefused(req, error, startedAt) ?? {};
  } catch (failure) {
    // Telemetry must never turn a clear 4xx into a 500.
    logger.warn({ err: failure }, 'telemetry of a refused request failed');
    return {};
  }
}

/** How long, and how many more bytes, a refused request's body is read (and dropped) after its answer; then how long before the cut. */
const LINGER = { ms: 2000, bytes: 8 * 1024 * 1024, afterBytesMs: 500 };

/**
 * A request refused before its body was read (too large, wrong encoding, too many headers) is
 * still sending it. Closing at once would make the kernel answer the rest with a reset, which
 * can destroy the refusal before the client reads it; so the rest is read and dropped for a
 * bounded time and size (a "lingering close", as nginx and Apache do), then the connection is cut.
 * Past the size bound reading stops (the sender is then held by TCP flow control, at no cost here)
 * and the cut waits a moment more: on loopback 8 MiB arrive in milliseconds, before a busy client
 * has read the refusal.
 */
function lingerThenClose(req: IncomingMessage): void {
  let dropped = 0;
  let cut = setTimeout(() => req.socket.destroy(), LINGER.ms);
  cut.unref();
  const onData = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped <= LINGER.bytes) return;
    req.off('data', onData);
    req.pause();
    clearTimeout(cut);
    cut = setTimeout(() => req.socket.destroy(), LINGER.afterBytesMs);
    cut.unref();
  };
  req.on('data', onData);
  req.once('end', () => clearTimeout(cut));
  req.once('close', () => clearTimeout(cut));
  req.resume();
}

const noContext = async (): Promise<never> => {
  throw new Error('the landing page needs no GraphQL context');
};

/**
 * A browser navigating to the endpoint: its Accept names text/html and no JSON type (browsers send
 * `text/html,application/xhtml+xml,…,*\/*;q=0.8`; GraphQL clients name JSON or send `*\/*`).
 */
function prefersHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') && !/application\/(graphql-response\+)?json/.test(accept);
}

/** The route for `path` under one of `prefixes`, at a segment boundary (`/catalog` is not `/catalogue`). */
function prefixRouteOf(prefixes: Record<string, Route> | undefined, path: string): Route | undefined {
  if (!prefixes) return undefined;
  for (const [prefix, route] of Object.entries(prefixes)) if (path === prefix || path.startsWith(`${prefix}/`)) return route;
  return undefined;
}

/** A browser opening the endpoint: Apollo Server answers with its landing page, not an operation. */
function wantsLandingPage(req: IncomingMessage, search: URLSearchParams): boolean {
  return !search.has('query') && !search.has('extensions') && (req.headers.accept ?? '').includes('text/html');
}

/**
 * Apollo Server's CSRF prevention for GET, applied before anything else runs: a GET is something
 * a page on another site can make a browser send, so it must carry a header no simple request
 * can (`apollo-require-preflight` or `x-apollo-operation-name`), and no content type other than
 * JSON (GHSA-9q82-xgwf-vj6h). POST bodies are already required to be application/json.
 */
function checkGetCsrf(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type !== undefined && type.split(';')[0].trim().toLowerCase() !== 'application/json') {
    throw new HttpError(415, ErrorCode.UnsupportedMediaType, `Unsupported content-type "${type.slice(0, 100)}" on a GET request: send none, or application/json`);
  }
  const preflighted = ['apollo-require-preflight', 'x-apollo-operation-name'].some((name) => (req.headers[name] ?? '') !== '');
  if (!preflighted) {
    throw new HttpError(
      400,
      ErrorCode.CsrfPrevention,
      'This GET request may be a cross-site request forgery: send it with an "apollo-require-preflight: true" or "x-apollo-operation-name" header, or as a POST with content-type application/json',
    );
  }
}

function corsAnswered(middleware: ReturnType<typeof cors>, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  // The middleware ends preflight requests itself; anything else continues with the CORS headers set.
  return new Promise((resolve, reject) => {
    middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve(false)));
    if (res.writableEnded) resolve(true);
  });
}

function apolloRequest(req: IncomingMessage, method: 'GET' | 'POST', search: string, body: GraphQLParams | undefined) {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return { method, headers, search, body };
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  if (res.destroyed) return;
  const headers: Record<string, string> = {};
  for (const [key, value] of response.headers) headers[key] = value;
  res.writeHead(response.status ?? 200, headers);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
