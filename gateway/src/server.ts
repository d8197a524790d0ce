import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createGraphQLHttpHandler, listen, sendJson } from '../../shared/http/graphql-http.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import { once } from '../../shared/once.js';
import type { GatewayConfig } from './config.js';
import { signingDecorator } from './execution/request-signing.js';
import { SIGNATURE_HEADERS } from '../../shared/signing.js';
import { SubgraphClient } from './execution/subgraph-client.js';
import { checkSubgraphs } from './health.js';
import { governGateway, type GovernedContext } from './execution/governed-gateway.js';
import { createAuditLog } from './governance/audit.js';
import { createAuthenticator } from './governance/authentication.js';
import { createAuthorizer } from './governance/authorizer.js';
import { resolveMaskingRules } from './governance/masking.js';
import { evaluatePolicies } from './governance/policies.js';
import { checkGovernance, type GovernanceSetup } from './governance/setup.js';
import { indexSupergraph, stripSupergraph, supergraphLoadError, type PreparedSupergraph } from './supergraph/security-features.js';
import { preloadedGateway } from './execution/preloaded-gateway.js';
import { ErrorCode, HttpError } from '../../shared/errors.js';
import { supergraphSource } from './supergraph/select-source.js';

export interface RunningGateway {
  /** The public GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  port: number;
  /** The subgraphs the supergraph routes to, with the URLs actually used. */
  subgraphs: readonly { name: string; url: string }[];
  /** Stops listening, then the gateway and its subgraph connections. */
  stop(): Promise<void>;
}

export interface GatewayDependencies {
  logger?: Logger;
}

/**
 * Builds the gateway: loads the supergraph, plans and executes with @apollo/gateway behind
 * Apollo Server, and serves it with `/health` and `/ready`. Never listens on import.
 */
export async function createGateway(config: GatewayConfig, deps: GatewayDependencies = {}): Promise<RunningGateway> {
  const logger = deps.logger ?? createLogger('gateway', config.logLevel);
  // @apollo/gateway otherwise reports anonymous usage data to Apollo at start-up.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const source = supergraphSource(config.supergraph);
  const stripped = stripSupergraph(await source.load());
  const clients = new Map<string, SubgraphClient>();
  const routes: { name: string; url: string }[] = [];
  const planner = new ApolloGateway({
    // The planner sees the supergraph without its SECURITY features (stock @apollo/gateway refuses
    // them); the authorization index built from them filters every operation before planning.
    supergraphSdl: stripped.plannerSdl,
    logger,
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`Subgraph "${name}" has no URL: set it in the supergraph or in the gateway configuration`);
      const client = new SubgraphClient({
        name,
        url: target,
        timeoutMs: config.subgraphTimeoutMs,
        connections: config.subgraphConnections,
        decorate: signingDecorator(config.signing.secrets),
        deduplicate: config.subgraphDeduplication,
        // The principal header stays in the sharing key; only the signature's freshness is left out.
        volatileHeaders: [SIGNATURE_HEADERS.timestamp, SIGNATURE_HEADERS.signature],
      });
      clients.set(name, client);
      routes.push({ name, url: target });
      return client;
    },
  });
  // Loaded before Apollo Server starts: the authorization index is built on the planner's own
  // API schema, so the supergraph is built once (see preloaded-gateway.ts).
  let prepared: PreparedSupergraph;
  let governance: GovernanceSetup;
  let loaded: Awaited<ReturnType<ApolloGateway['load']>>;
  try {
    loaded = await planner.load().catch((error: unknown) => {
      throw supergraphLoadError(error);
    });
    prepared = indexSupergraph(stripped, loaded.schema);
    governance = await checkGovernance(config, prepared);
  } catch (error) {
    await planner.stop().catch(() => undefined);
    await Promise.all([...clients.values()].map((c) => c.close()));
    throw error;
  }
  const authenticator = createAuthenticator(config.authentication);
  const policyNames = [...prepared.policyNames];
  const gateway = governGateway(preloadedGateway(planner, loaded, { apiSchema: loaded.schema, coreSupergraphSdl: stripped.plannerSdl }), {
    prepared,
    authorizer: createAuthorizer(prepared),
    options: config.authorization,
    classified: governance.classified,
    audit: createAuditLog(logger),
    logger,
    masking: resolveMaskingRules(governance.config.masking),
  });
  const apollo = new ApolloServer<GovernedContext>({
    gateway,
    logger,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // The process stops on a signal through shared/lifecycle.ts, HTTP server first; Apollo's own
    // handler would stop it a second time and re-raise the signal (exit 143, requests cut short).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  logger.info({ supergraph: source.description, subgraphs: routes }, 'supergraph loaded');

  const refusedAudit = logger.child({ audit: true });
  const handler = createGraphQLHttpHandler({
    apollo,
    logger,
    context: async (req): Promise<GovernedContext> => {
      let principal;
      try {
        principal = await authenticator.authenticate(req.headers.authorization);
        if (config.authorization.requireAuthentication && !principal.authenticated) {
          throw new HttpError(401, ErrorCode.AuthError, 'Authentication required: send "Authorization: Bearer <token>"', {
            'www-authenticate': 'Bearer',
          });
        }
      } catch (error) {
        // Refused credentials are security events too: they get an audit line, never an answer.
        if (error instanceof HttpError) refusedAudit.warn({ reason: error.message, remoteAddress: req.socket.remoteAddress }, 'request refused: authentication');
        throw error;
      }
      const policyResults = await evaluatePolicies(policyNames, governance.config.policies, { principal, headers: req.headers });
      return { principal, satisfied: prepared.index.satisfiedSet(principal, policyResults) };
    },
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      // Ready as soon as the supergraph is loaded: a subgraph that is down degrades answers
      // (partial data) but does not take the gateway out of rotation.
      '/ready': async (_req, res) => {
        const subgraphs = await checkSubgraphs(routes, Math.min(2000, config.subgraphTimeoutMs));
        const allUp = subgraphs.every((s) => s.status === 'up');
        sendJson(res, 200, { status: allUp ? 'ready' : 'degraded', supergraph: source.description, subgraphs });
      },
    },
  });
  const listening = await listen(handler, config.port, config.host);
  return {
    url: listening.url,
    port: listening.port,
    subgraphs: routes,
    stop: once(async () => {
      await listening.close();
      await apollo.stop();
      await Promise.all([...clients.values()].map((c) => c.close()));
    }),
  };
}
