import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import { ErrorCode, HttpError } from '../errors.js';
import type { Logger } from '../logging.js';

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface GraphQLHttpOptions<Ctx extends BaseContext> {
  apollo: ApolloServer<Ctx>;
  /** Builds the per-request context from the request and its raw body; throw an HttpError to refuse it. */
  context: (req: IncomingMessage, rawBody: Buffer) => Promise<Ctx> | Ctx;
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Extra GET routes (health, readiness), matched on the exact path. */
  routes?: Record<string, Route>;
  logger: Logger;
}

/**
 * The HTTP front of every Meshgate service: `node:http` straight into Apollo Server's
 * `executeHTTPGraphQLRequest`, with body limits and JSON errors, and no framework in between.
 */
export function createGraphQLHttpHandler<Ctx extends BaseContext>(options: GraphQLHttpOptions<Ctx>): Route {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const routes = options.routes ?? {};
  return async (req, res) => {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    try {
      const route = routes[path];
      if (route && (req.method === 'GET' || req.method === 'HEAD')) return await route(req, res);
      if (path !== '/graphql') throw new HttpError(404, ErrorCode.NotFound, `No route for ${req.method} ${path}: GraphQL is served at /graphql`);
      const rawBody = req.method === 'POST' ? await readBody(req, maxBodyBytes) : Buffer.alloc(0);
      // The caller is checked first (credential, signature): a refused request learns nothing more.
      const context = await options.context(req, rawBody);
      const body = req.method === 'POST' ? parseJsonBody(req, rawBody) : undefined;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const response = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: queryStart === -1 ? '' : url.slice(queryStart), body },
        context: async () => context,
      });
      await writeResponse(res, response);
    } catch (error) {
      if (error instanceof HttpError) {
        res.writeHead(error.status, { 'content-type': 'application/json', ...error.headers }).end(error.toBody());
        return;
      }
      options.logger.error({ err: error }, 'unhandled error while serving a request');
      if (!res.headersSent) {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(new HttpError(500, ErrorCode.InternalServerError, 'Internal server error').toBody());
      } else {
        res.destroy();
      }
    }
  };
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
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

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    return Promise.reject(new HttpError(413, ErrorCode.BadRequest, `Request body is ${declared} bytes; the limit is ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, ErrorCode.BadRequest, `Request body exceeds the limit of ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonBody(req: IncomingMessage, raw: Buffer): unknown {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json') && !type.startsWith('application/graphql-response+json')) {
    throw new HttpError(
      415,
      ErrorCode.BadRequest,
      `Unsupported content-type "${type || '(none)'}": expected application/json`,
    );
  }
  if (raw.length === 0) throw new HttpError(400, ErrorCode.BadRequest, 'Empty request body: expected a JSON object with a "query"');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, ErrorCode.BadRequest, `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export interface Listening {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting connections, closes idle keep-alive sockets, waits for in-flight requests. */
  close(): Promise<void>;
}

/** Listens on `port` (0 picks a free one) and reports the URL actually bound. */
export async function listen(handler: Route, port: number, host = '127.0.0.1'): Promise<Listening> {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    server,
    url: `http://${shownHost}:${bound}/graphql`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
