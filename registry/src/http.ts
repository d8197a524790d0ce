import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../../shared/db/database.js';
import { ErrorCode, HttpError } from '../../shared/errors.js';
import { sendJson, type Route } from '../../shared/http/graphql-http.js';
import type { Logger } from '../../shared/logging.js';
import type { Principal } from '../../shared/principal.js';
import type { Authenticator } from '../../gateway/src/governance/authentication.js';
import { canRead } from './api/access.js';
import type { RegistryStore } from './store.js';

/**
 * The caller of a registry request: every request needs a valid bearer token. A missing or invalid
 * one is 401 UNAUTHENTICATED, before anything else runs (the authenticator's message says what was wrong).
 */
export async function authenticateRequest(authenticator: Authenticator, req: IncomingMessage): Promise<Principal> {
  let principal: Principal;
  try {
    principal = await authenticator.authenticate(req.headers.authorization);
  } catch (error) {
    if (error instanceof HttpError) throw new HttpError(401, ErrorCode.Unauthenticated, error.message, error.headers);
    throw error;
  }
  if (!principal.authenticated) {
    throw new HttpError(401, ErrorCode.Unauthenticated, 'The registry needs a token: send "Authorization: Bearer <token>" (for development: npx meshgate token --scope registry:read)', {
      'www-authenticate': 'Bearer',
    });
  }
  return principal;
}

export interface RouteOptions {
  db: Database;
  registry: RegistryStore;
  authenticator: Authenticator;
  logger: Logger;
}

/** `/health`, `/ready` (the database answers) and `GET /supergraph`, beside the GraphQL API. */
export function registryRoutes(options: RouteOptions): Record<string, Route> {
  return {
    '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'registry' }),
    '/ready': async (_req, res) => {
      try {
        await options.db.query('SELECT 1');
        sendJson(res, 200, { status: 'ready', service: 'registry', database: options.db.backend });
      } catch (error) {
        // The detail (a host name, a data folder) is for the operator's log, not for whoever asks.
        options.logger.warn({ err: error }, 'readiness check: the database does not answer');
        sendJson(res, 503, { status: 'unavailable', service: 'registry', reason: 'the database does not answer' });
      }
    },
    '/supergraph': (req, res) => serveSupergraph(options, req, res),
  };
}

/**
 * The latest accepted supergraph for gateways, which poll it: `ETag: "<composition id>.<inputs hash>"`, and a
 * matching `If-None-Match` is answered 304 without reading anything more than the latest entry.
 */
async function serveSupergraph(options: RouteOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const principal = await authenticateRequest(options.authenticator, req);
  if (!canRead(principal)) {
    throw new HttpError(403, ErrorCode.Forbidden, 'Reading the supergraph needs the scope registry:read (or registry:admin, or any registry:publish:<name>)');
  }
  const latest = await options.registry.latestAcceptedSupergraph();
  // Accepted without SDL: the last subgraph was removed, so there is nothing to serve.
  if (!latest?.sdl) throw new HttpError(404, ErrorCode.NotFound, 'The registry has no accepted supergraph yet: publish a subgraph first');
  // The inputs are in the tag too: a descriptor-only publish composes the same SDL, yet gateways must
  // see it (classification feeds the generation's governance check and audit).
  const etag = `"${latest.id}.${createHash('sha256').update(JSON.stringify(latest.inputs)).digest('hex').slice(0, 16)}"`;
  const headers = { etag, 'cache-control': 'no-cache' };
  if (matches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const versions = await options.registry.versions(latest.inputs);
  res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(
    JSON.stringify({
      id: latest.id,
      sdl: latest.sdl,
      createdAt: latest.createdAt,
      subgraphs: versions.map((v) => ({ name: v.name, version: v.version, url: v.url, descriptor: v.descriptor })),
    }),
  );
}

/** RFC 9110 section 13.1.2: a list of entity tags (weak ones compare by their opaque part) or `*`. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
