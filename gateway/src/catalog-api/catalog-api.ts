/**
 * The catalog API's HTTP handler, served by the gateway at /catalog/graphql: the same HTTP front
 * as /graphql (header and body limits, CORS, CSRF prevention, JSON refusals), its own small Apollo
 * Server (introspection on, no landing page, the gateway's error masking: no stack traces, no
 * "Did you mean" hints), and, before it, the gateway's own pipeline stages for what applies here:
 * parse (tokens, nesting), operation limits (with fewer aliases and root fields than the
 * gateway's: the catalog's answers are large and a few root fields make a page) and
 * authentication (the gateway's authenticator: a bad token is 401, audited, as on /graphql).
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { HttpError } from '../../../shared/errors.js';
import { createGraphQLHttpHandler, type Route } from '../../../shared/http/graphql-http.js';
import type { Logger } from '../../../shared/logging.js';
import { ANONYMOUS } from '../../../shared/principal.js';
import type { GatewayConfig } from '../config.js';
import { formatGatewayError } from '../errors/format-error.js';
import type { Generation } from '../generations/generation.js';
import type { Lease } from '../generations/generation-manager.js';
import type { Authenticator } from '../governance/authentication.js';
import { evaluatePolicies } from '../governance/policies.js';
import { corsOptions } from '../http/cors.js';
import type { OperationLimits } from '../limits/operation-limits.js';
import { useAuthentication } from '../pipeline/authenticate.js';
import { useOperationLimits } from '../pipeline/operation-limits.js';
import { useParse } from '../pipeline/parse.js';
import { runStages } from '../pipeline/run-stages.js';
import type { GatewayRequest } from '../pipeline/stage.js';
import { errorCountPlugin } from '../telemetry/executor-hooks.js';
import type { RequestStart, RequestTelemetry } from '../telemetry/plugins.js';
import { createDevelopmentTokens } from './development-tokens.js';
import { createHistorySource, type HistorySource } from './history.js';
import { createCatalogResolvers, typeDefs, type CatalogContext } from './resolvers.js';
import type { PromiseSource } from './types.js';

export const CATALOG_PATH = '/catalog/graphql';

/** The catalog's caps over the gateway's limits (a limit the operator turned off, 0, is capped too). */
const CATALOG_CAPS: Partial<OperationLimits> = { maxAliases: 10, maxRootFields: 15 };

export interface CatalogApiDependencies {
  /** Where each request takes its generation (the gateway's GenerationManager). */
  generations: { acquire(): Lease<Generation> };
  /** The gateway's own authenticator: one verified-token cache, one verdict for both endpoints. */
  authenticator: Authenticator;
  logger: Logger;
  /** Where refused credentials are recorded (the gateway's audit logger). */
  audit: Logger;
  /** The gateway's measured promises; absent until it measures them. */
  promises?: PromiseSource;
  /** Default: from the registry the gateway's supergraph comes from (config.supergraph), if any. */
  history?: HistorySource;
  /** Starts a request's telemetry (request id, trace, access-log line): the gateway's, with CATALOG_REQUEST_PLUGINS. */
  telemetry: (start: RequestStart) => RequestTelemetry;
}

export interface CatalogApi {
  readonly handler: Route;
  stop(): Promise<void>;
}

export async function createCatalogApi(config: GatewayConfig, deps: CatalogApiDependencies): Promise<CatalogApi> {
  const { logger } = deps;
  const limits = catalogLimits(config.operationLimits.limits);
  const parse = config.operationLimits.parse;
  const history =
    deps.history ??
    createHistorySource({
      ...(config.supergraph.kind === 'registry' ? { registry: config.supergraph.registry } : {}),
      sourceKind: config.supergraph.kind,
      logger: logger.child({ catalog: 'history' }),
    });
  const apollo = new ApolloServer<CatalogContext>({
    typeDefs,
    resolvers: createCatalogResolvers({ history, tokens: createDevelopmentTokens(config.authentication), promises: deps.promises, bounds: { parse, limits } }),
    // Tooling and the web app read the catalog's own schema; it says nothing the answers do not.
    introspection: true,
    plugins: [ApolloServerPluginLandingPageDisabled(), notesPlugin, errorCountPlugin],
    formatError: formatGatewayError(logger, 'redact'),
    includeStacktraceInErrorResponses: false,
    parseOptions: parse.maxTokens > 0 ? { maxTokens: parse.maxTokens } : {},
    persistedQueries: false,
    logger,
    // The gateway stops on a signal through shared/lifecycle.ts, HTTP server first.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const stages = [
    useParse({ ...parse, cacheSize: 200 }),
    useOperationLimits(limits),
    useAuthentication({ authenticator: deps.authenticator, requireAuthentication: config.authorization.requireAuthentication, audit: deps.audit }),
  ];

  const handler = createGraphQLHttpHandler<CatalogContext>({
    apollo,
    path: CATALOG_PATH,
    logger,
    limits: { maxBodyBytes: config.http.maxBodyBytes, maxHeaders: config.http.maxHeaders },
    cors: corsOptions(config.http),
    // Refused by the HTTP front (413, 415, CSRF…): still one access-log line and a request id.
    onRefused: (req, error, startedAt) => {
      const lease = deps.generations.acquire();
      const telemetry = deps.telemetry({ http: req, method: String(req.method), generationId: lease.generation.id, startedAt });
      lease.release();
      telemetry.end({ status: error.status, errors: 1 });
      return telemetry.responseHeaders;
    },
    prepare: async ({ req, method, params, signal }) => {
      const lease = deps.generations.acquire();
      const { generation } = lease;
      const telemetry = deps.telemetry({ http: req, method, generationId: generation.id, startedAt: performance.now() });
      const request: GatewayRequest = { http: req, method, clientAddress: req.socket.remoteAddress ?? 'unknown', generation, params: { ...params }, extensions: {}, signal, logger: telemetry.logger };
      const operation = () => ({ operationName: request.operation?.name?.value ?? request.params.operationName ?? undefined, operationType: request.operation?.operation, query: request.params.query ?? undefined });
      try {
        await telemetry.within(() => runStages(stages, request));
      } catch (error) {
        lease.release();
        // A refusal is one error and still names the request, as on /graphql.
        if (error instanceof HttpError) Object.assign(error.headers, telemetry.responseHeaders);
        telemetry.end({ status: error instanceof HttpError ? error.status : 500, errors: 1, ...operation() });
        throw error;
      }
      const principal = request.principal ?? ANONYMOUS;
      let policies: ReturnType<CatalogContext['policyResults']> | undefined;
      const context: CatalogContext = {
        principal,
        generation,
        policyResults: () => (policies ??= evaluatePolicies(generation.policyNames, generation.governance.config.policies, { principal, headers: req.headers }, telemetry.logger)),
        notes: [],
        telemetry,
      };
      return {
        context,
        headers: telemetry.responseHeaders,
        within: telemetry.within,
        done: ({ status }) => {
          lease.release();
          telemetry.end({ status, ...operation() });
        },
      };
    },
  });
  return { handler, stop: () => apollo.stop() };
}

/** The gateway's limits, with the catalog's caps on aliases and root fields. */
export function catalogLimits(gateway: OperationLimits): OperationLimits {
  const capped: { -readonly [K in keyof OperationLimits]: number } = { ...gateway };
  for (const [name, cap] of Object.entries(CATALOG_CAPS) as [keyof OperationLimits, number][]) {
    capped[name] = gateway[name] === 0 ? cap : Math.min(gateway[name], cap);
  }
  return capped;
}

/** Adds the request's notes (why a list is empty) to the response's `extensions.notes`. */
const notesPlugin: ApolloServerPlugin<CatalogContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (contextValue.notes.length === 0 || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        result.extensions = { ...result.extensions, notes: [...new Set(contextValue.notes)] };
      },
    };
  },
};
