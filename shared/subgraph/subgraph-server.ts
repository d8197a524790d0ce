import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import type { Database } from '../db/database.js';
import { ErrorCode, HttpError } from '../errors.js';
import { createGraphQLHttpHandler, listen, sendJson } from '../http/graphql-http.js';
import type { GraphQLParams } from '../http/graphql-params.js';
import type { Logger } from '../logging.js';
import { once } from '../once.js';
import { ANONYMOUS, type Principal } from '../principal.js';
import { carriesSignature } from '../signing/headers.js';
import type { SignatureCheck } from '../signing/verifier-config.js';
import { createRequestVerifier, type RequestVerifier } from '../signing/verifier.js';
import { isContractRead } from './contract-request.js';
import { graphqlSpanPlugin } from '../telemetry/graphql-spans.js';
import { startServerSpan } from '../telemetry/server-span.js';
import { maskUnexpectedErrors, unexpectedErrorLog } from './format-error.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../telemetry/request-id.js';
import { freshnessRoute } from './freshness-route.js';
import type { MetricsConfig } from '../telemetry/metrics-config.js';
import { createServiceMetrics } from '../telemetry/service-metrics.js';

/** The paths a subgraph serves, as `http_route` label values (any other path is `other`). */
const SUBGRAPH_ROUTES = ['/graphql', '/health', '/ready', '/freshness'];

// Defined beside its loader (loadSignatureCheck); re-exported here, where subgraphs are built.
export type { SignatureCheck };

/** What a domain's context builder receives for one verified request. */
export interface SubgraphRequest {
  /** The caller, as the gateway's signature vouches for it. */
  principal: Principal;
  req: IncomingMessage;
  rawBody: Buffer;
}

/** Every resolver's context: the domain's own, plus the verified principal the kit always adds. */
export type SubgraphContext<Ctx extends object> = Ctx & { principal: Principal };

export interface SubgraphOptions<Ctx extends object> {
  /** The data product's name, as in the supergraph. */
  name: string;
  /** Path of the data product's contract, `schema.graphql`. */
  schemaPath: string;
  /** Typed with the kit-added `principal` in the context. */
  resolvers: GraphQLResolverMap<SubgraphContext<Ctx>>;
  /** The data product's database, checked by `/ready`. Optional for subgraphs without one (test fixtures): `/ready` then checks nothing. */
  db?: Database;
  /** Builds the per-request context (fresh loaders every time); called only after the signature is verified. */
  context: (request: SubgraphRequest) => Promise<Ctx> | Ctx;
  /**
   * Signature check of every `/graphql` request (`/health`, `/ready` and `/freshness` stay open; so does an
   * unsigned `{ _service { sdl } }`, see contract-request.ts). Ed25519 signatures must be for `name`.
   */
  signatures: SignatureCheck;
  logger: Logger;
  /** Port to listen on; 0 picks a free one (tests). */
  port: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Prometheus metrics (METRICS_*). Default on, at /metrics on the subgraph's own port. */
  metrics?: MetricsConfig;
}

export interface RunningSubgraph {
  name: string;
  /** URL of the GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql */
  url: string;
  port: number;
  /** Where Prometheus scrapes the subgraph's metrics; undefined when they are off. */
  metricsUrl?: string;
  /** Stops the HTTP server, then Apollo Server (once; later calls wait for the first). The database belongs to the caller. */
  stop(): Promise<void>;
}

/**
 * Builds and starts one domain's subgraph: its contract and resolvers on Apollo Server, served
 * by the shared HTTP front with `/health` (the process is up), `/ready` (its database answers) and
 * `/freshness` (when its data last changed).
 */
export async function startSubgraph<Ctx extends object>(options: SubgraphOptions<Ctx>): Promise<RunningSubgraph> {
  const typeDefs = parse(readFileSync(options.schemaPath, 'utf8'));
  // Built once: a remote JWKS is cached for the subgraph's whole life.
  const verifier = createRequestVerifier(options.signatures, options.name);
  const apollo = new ApolloServer<SubgraphContext<Ctx>>({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: options.resolvers }]),
    // Inline tracing only serves Apollo's hosted usage reporting, which Meshgate does not use.
    // The last one names the request's span after its operation (tracing on only; see shared/telemetry/).
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      graphqlSpanPlugin(),
      unexpectedErrorLog((context: SubgraphContext<Ctx>) => (context as { [REQUEST_LOGGER]?: Logger })[REQUEST_LOGGER] ?? options.logger),
    ],
    // Masked here, logged by unexpectedErrorLog with the request's id.
    formatError: maskUnexpectedErrors(),
    includeStacktraceInErrorResponses: false,
    logger: options.logger,
    // The process stops on a signal through shared/lifecycle.ts, HTTP server first; Apollo's own
    // handler would stop it a second time and re-raise the signal (exit 143, requests cut short).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const metrics = createServiceMetrics(options.name, options.metrics, { logger: options.logger });
  const handler = createGraphQLHttpHandler({
    apollo,
    // The signature is checked before anything else: a request that is not the gateway's learns nothing more.
    prepare: async ({ req, rawBody, params }) => {
      const arrived = performance.now();
      const { principal, signed } = await authenticate(verifier, req, rawBody, params);
      // The gateway's id for the request (a new one if it sent none), on every line logged for it here.
      const logger = options.logger.child({ requestId: requestIdOf(req.headers[REQUEST_ID_HEADER]) });
      const withLogger = <C extends object>(context: C): C => Object.assign(context, { [REQUEST_LOGGER]: logger });
      // Started once the signature verified: only then may the request's traceparent say whose trace it is part of.
      const span = startServerSpan({ req, adoptTraceContext: signed && options.signatures.verify, startTime: arrived, subgraph: options.name });
      if (!span) return { context: withLogger({ ...(await options.context({ principal, req, rawBody })), principal }) };
      try {
        const context = withLogger({ ...(await span.within(() => options.context({ principal, req, rawBody }))), principal });
        return { context, within: span.within, done: ({ status }) => span.end(status) };
      } catch (error) {
        span.end(500);
        throw error;
      }
    },
    // Only the gateway calls a subgraph, and it never compresses: anything else is refused with 415.
    limits: { encodings: [] },
    logger: options.logger,
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: options.name }),
      '/ready': async (_req, res) => {
        if (!options.db) {
          sendJson(res, 200, { status: 'ready', service: options.name });
          return;
        }
        try {
          await options.db.query('SELECT 1');
          sendJson(res, 200, { status: 'ready', service: options.name, database: options.db.backend });
        } catch (error) {
          // The detail (a host name, a data folder) is for the operator's log, not for whoever asks.
          options.logger.warn({ err: error }, 'readiness check: the database does not answer');
          sendJson(res, 503, { status: 'unavailable', service: options.name, reason: 'the database does not answer' });
        }
      },
      // When the data last changed (freshness-route.ts); a subgraph without a database has no such record: 404.
      ...(options.db ? { '/freshness': freshnessRoute(options.db, options.logger) } : {}),
      ...metrics.routes,
    },
  });
  // The metrics' own listener first (METRICS_PORT, if set): a port already taken stops the start before the subgraph serves.
  await metrics.listen(options.host);
  const listening = await listen(metrics.instrument(handler, SUBGRAPH_ROUTES), options.port, { host: options.host }).catch(async (error: unknown) => {
    await metrics.close();
    throw error;
  });
  const metricsUrl = metrics.url(listening.url.replace(/\/graphql$/, ''));
  options.logger.debug({ url: listening.url }, 'subgraph listening');
  return {
    name: options.name,
    url: listening.url,
    port: listening.port,
    ...(metricsUrl ? { metricsUrl } : {}),
    stop: once(async () => {
      await listening.close();
      await metrics.close();
      await apollo.stop();
    }),
  };
}

/**
 * Where a request's logger sits in its context: a symbol, so no domain's context member can clash
 * with it, and an own property, so it survives Apollo Server's copy of the context.
 */
const REQUEST_LOGGER = Symbol('meshgate.requestLogger');

/**
 * The caller of one request, or a 401 before anything else runs (no resolver, no SQL): a
 * subgraph answers only the gateway, so `_entities` and `_service` cannot be used to go around it.
 * The one exception is an unsigned request that only reads the contract (`{ _service { sdl } }`),
 * answered as ANONYMOUS so the registry can compare the running contract with the published one.
 */
async function authenticate(verifier: RequestVerifier, req: IncomingMessage, rawBody: Buffer, params: GraphQLParams): Promise<{ principal: Principal; signed: boolean }> {
  if (!carriesSignature(req.headers) && isContractRead(params)) return { principal: ANONYMOUS, signed: false };
  const verdict = await verifier({ headers: req.headers, method: req.method ?? 'GET', target: req.url ?? '/', rawBody });
  if (!verdict.ok) throw new HttpError(401, ErrorCode.Forbidden, `Request refused: ${verdict.reason}`);
  // As far as this verifier checked: with verification off (tests only) it checks nothing, so the caller also asks `signatures.verify`.
  return { principal: verdict.principal, signed: true };
}
