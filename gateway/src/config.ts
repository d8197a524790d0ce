import { z } from 'zod';
import { collectConfig, ConfigError, envVar, parseEnv } from '../../shared/config/env.js';
import type { SubgraphErrorsMode } from './errors/format-error.js';
import { loadDemandControlConfig, type DemandControlConfig } from './demand-control/demand-control-config.js';
import { loadOperationLimitsConfig, type OperationLimitsConfig } from './limits/limits-config.js';
import { loadRateLimitConfig } from './rate-limit/rate-limit-config.js';
import { loadSubgraphResilienceConfig, type SubgraphResilienceOptions } from './execution/resilience-config.js';
import type { RateLimitConfig } from './rate-limit/options.js';
import { loadPersistedOperationsConfig, type PersistedOperationsConfig } from './persisted-operations/persisted-config.js';
import { loadSigningConfig, type SigningConfig } from '../../shared/signing/signer-config.js';
import { loadAuthenticationConfig } from './governance/authentication-config.js';
import type { AuthenticationOptions } from './governance/authentication.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { loadMetricsConfig, type MetricsConfig } from '../../shared/telemetry/metrics-config.js';
import { loadPromisesConfig, type PromisesConfig } from './promises/promises-config.js';
import { loadSupergraphConfig, type SupergraphConfig, type UsageReportingConfig } from './supergraph/supergraph-config.js';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';

/** The gateway's port unless GATEWAY_PORT says otherwise. */
export const GATEWAY_DEFAULT_PORT = 4000;

export type { RegistryEndpoint, SupergraphConfig, UsageReportingConfig } from './supergraph/supergraph-config.js';

export interface GatewayConfig {
  /** Port of the public endpoint; 0 picks a free one. Default 4000. */
  port: number;
  /** Interface to bind. Default 127.0.0.1. */
  host: string;
  /**
   * Processes serving the endpoint (GATEWAY_WORKERS). 1 (the default) runs the gateway in this
   * process; more make it a node:cluster primary whose workers each run the gateway on the shared port.
   */
  workers: number;
  supergraph: SupergraphConfig;
  /**
   * Routing URLs by subgraph name that replace the supergraph's (and win over the environment's):
   * for programs and tests. Default none.
   */
  subgraphUrls: Readonly<Record<string, string>>;
  /**
   * The environment's `*_URL` variables: for a subgraph named N, `<envPrefixOf(N)>URL` (e.g.
   * INVENTORY_URL) replaces its routing URL. Read when a generation is built, so a subgraph the
   * gateway learns of later can be redirected too (see generations/routing-url.ts).
   */
  subgraphUrlVariables: Readonly<Record<string, string>>;
  /** Usage reporting: on when MESHGATE_REGISTRY_URL is set. */
  usageReporting: UsageReportingConfig;
  /** The deadline of one subgraph fetch, retries included; past it the subgraph is reported unavailable. Default 10000 ms. */
  subgraphTimeoutMs: number;
  /** Keep-alive connections per subgraph. Default 64. */
  subgraphConnections: number;
  /** Response size bound, retries and their budget, the circuit breaker (SUBGRAPH_*). */
  subgraphResilience: SubgraphResilienceOptions;
  /**
   * Identical queries in flight to one subgraph at the same time share one request (never
   * mutations; only requests equal in body and caller). Default true.
   */
  subgraphDeduplication: boolean;
  /** Serve introspection (GATEWAY_INTROSPECTION). Default true, except false when NODE_ENV=production. */
  introspection: boolean;
  /** The HTTP front: request limits, cross-origin requests, shutdown. */
  http: HttpConfig;
  /** What clients learn of subgraphs' own errors (SUBGRAPH_ERRORS). Default `redact`. */
  subgraphErrors: SubgraphErrorsMode;
  logLevel: string;
  /** How the gateway signs subgraph requests: its Ed25519 keys (MESHGATE_SIGNING_KEY_FILE, default) or a shared secret (MESHGATE_SIGNING=hmac). */
  signing: SigningConfig;
  /** How callers' tokens are verified (JWT_* variables). */
  authentication: AuthenticationOptions;
  authorization: AuthorizationOptions;
  /** The persisted operations manifest, the safelist and APQ (PERSISTED_OPERATIONS_*, APQ_*). */
  persistedOperations: PersistedOperationsConfig;
  /** Requests per caller (RATE_LIMIT_*, REDIS_URL). Default off. */
  rateLimit: RateLimitConfig;
  /** The parser's and the operation's limits (OPERATION_MAX_*). */
  operationLimits: OperationLimitsConfig;
  /** Estimated cost from @cost/@listSize (COST_*). Default enforce, maximum 5000. */
  demandControl: DemandControlConfig;
  /** The TypeScript module with policies and masking rules. Default gateway/meshgate.config.ts. */
  configModulePath: string;
  /** The catalog web app at /catalog/ and the IDE at a browser's GET /graphql (http/web-app.ts). */
  webApp: WebAppConfig;
  /** Prometheus metrics (METRICS_ENABLED, METRICS_PATH, METRICS_PORT). Default on, at /metrics on the gateway's port. */
  metrics: MetricsConfig;
  /** Label request metrics with the raw operation name (METRICS_OPERATION_NAMES): unbounded names from clients. Default false. */
  metricsOperationNames: boolean;
  /** How the data products' promises are measured (PROMISES_*): freshness polled every 30 s by default. */
  promises: PromisesConfig;
}

export interface HttpConfig {
  /** Largest request body, after decompression (REQUEST_MAX_BODY_BYTES). Default 1048576 (1 MiB). */
  maxBodyBytes: number;
  /** Most headers a request may carry; more is 431 (REQUEST_MAX_HEADERS). Default 100, as Apollo Router. */
  maxHeaders: number;
  /**
   * Origins whose browser pages may call the gateway (CORS_ORIGINS: a comma list, or `*`). Default
   * none: no CORS headers, so only same-origin pages (and non-browser clients) can.
   */
  corsOrigins: readonly string[] | '*' | null;
  /** Let those origins send cookies and HTTP authentication (CORS_ALLOW_CREDENTIALS). Default false; refused with `*`. */
  corsAllowCredentials: boolean;
  /** On SIGTERM, how long in-flight requests may take to finish (SHUTDOWN_DRAIN_MS). Default 10000. */
  drainMs: number;
}

export interface WebAppConfig {
  /** Serve the catalog and the bundled GraphiQL (GATEWAY_CATALOG). Default true. */
  enabled: boolean;
  /** The built bundle (`npm run build:web`). Default catalog/dist; for programs and tests. */
  dir: string;
}

/** How the SECURITY directives are enforced; see spec/authorization.md. */
export interface AuthorizationOptions {
  /** Enforce @authenticated, @requiresScopes and @policy. Default true; false only to measure or migrate. */
  enabled: boolean;
  /** Refuse the whole operation (data null, every failing path listed) instead of filtering. Default false. */
  rejectUnauthorized: boolean;
  /** Where denied paths are reported: `errors` (default), `extensions`, or `disabled`. */
  errors: 'errors' | 'extensions' | 'disabled';
  /** Report and log what would be denied, deny nothing. Default false. */
  dryRun: boolean;
  /** Answer anonymous requests 401 AUTH_ERROR. Default false. */
  requireAuthentication: boolean;
}

/** The parts of the configuration each feature reads itself (see loadGatewayConfig). */
type LoadedElsewhere = 'supergraph' | 'usageReporting' | 'subgraphUrlVariables' | 'signing' | 'authentication' | 'persistedOperations' | 'rateLimit' | 'operationLimits' | 'demandControl' | 'subgraphResilience' | 'metrics' | 'promises';

/**
 * Reads the gateway's configuration from the environment. A wrong value names its variable, and
 * every wrong variable of every part (signing, tokens, limits, …) is reported in one go.
 */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const loaded = collectConfig({
    own: () => loadOwnVariables(env),
    sources: () => loadSupergraphConfig(env),
    signing: () => loadSigningConfig(env),
    authentication: () => loadAuthenticationConfig(env),
    persistedOperations: () => loadPersistedOperationsConfig(env),
    rateLimit: () => loadRateLimitConfig(env),
    operationLimits: () => loadOperationLimitsConfig(env),
    demandControl: () => loadDemandControlConfig(env),
    subgraphResilience: () => loadSubgraphResilienceConfig(env),
    metrics: () => loadMetricsConfig(env),
    promises: () => loadPromisesConfig(env),
  });
  const { own, sources, ...parts } = loaded;
  // Two listeners on one port: the second would fail at start-up with EADDRINUSE, naming neither variable.
  if (parts.metrics.port !== undefined && parts.metrics.port !== 0 && parts.metrics.port === own.port) {
    throw new ConfigError([`METRICS_PORT: expected a port other than GATEWAY_PORT (${own.port}); leave it unset to serve metrics on the gateway's own port (got "${parts.metrics.port}")`]);
  }
  return { ...own, ...sources, ...parts };
}

function loadOwnVariables(env: Record<string, string | undefined>): Omit<GatewayConfig, LoadedElsewhere> {
  const production = env.NODE_ENV?.trim() === 'production';
  const parsed = parseEnv(
    z
      .object({
        GATEWAY_PORT: envVar.port(GATEWAY_DEFAULT_PORT),
        GATEWAY_HOST: z.string().default('127.0.0.1'),
        GATEWAY_WORKERS: workerCount(),
        SUBGRAPH_TIMEOUT_MS: envVar.positiveInt(10_000),
        SUBGRAPH_CONNECTIONS: envVar.positiveInt(64),
        SUBGRAPH_DEDUPLICATION: envVar.boolean(true),
        SUBGRAPH_ERRORS: z.enum(['redact', 'expose'], { error: 'expected redact or expose' }).default('redact'),
        GATEWAY_INTROSPECTION: envVar.boolean(!production),
        REQUEST_MAX_BODY_BYTES: envVar.positiveInt(1024 * 1024),
        REQUEST_MAX_HEADERS: envVar.positiveInt(100),
        CORS_ORIGINS: corsOrigins(),
        CORS_ALLOW_CREDENTIALS: envVar.boolean(false),
        SHUTDOWN_DRAIN_MS: envVar.positiveInt(10_000),
        LOG_LEVEL: envVar.logLevel(),
        AUTHZ_ENABLED: envVar.boolean(true),
        AUTHZ_REJECT_UNAUTHORIZED: envVar.boolean(false),
        AUTHZ_ERRORS: z.enum(['errors', 'extensions', 'disabled'], { error: 'expected errors, extensions or disabled' }).default('errors'),
        AUTHZ_DRY_RUN: envVar.boolean(false),
        REQUIRE_AUTHENTICATION: envVar.boolean(false),
        MESHGATE_CONFIG: z.string().default(join(REPO_ROOT, 'gateway', 'meshgate.config.ts')),
        GATEWAY_CATALOG: envVar.boolean(true),
        METRICS_OPERATION_NAMES: envVar.boolean(false),
      })
      // Browsers refuse credentials for a wildcard origin: the combination would silently not work.
      .refine((v) => !(v.CORS_ALLOW_CREDENTIALS && v.CORS_ORIGINS === '*'), {
        path: ['CORS_ALLOW_CREDENTIALS'],
        message: 'cannot be true while CORS_ORIGINS is "*": list the origins that may send credentials',
      }),
    env,
  ) as Record<string, unknown>;
  return {
    port: parsed.GATEWAY_PORT as number,
    host: parsed.GATEWAY_HOST as string,
    workers: parsed.GATEWAY_WORKERS as number,
    subgraphUrls: {},
    subgraphTimeoutMs: parsed.SUBGRAPH_TIMEOUT_MS as number,
    subgraphConnections: parsed.SUBGRAPH_CONNECTIONS as number,
    subgraphDeduplication: parsed.SUBGRAPH_DEDUPLICATION as boolean,
    subgraphErrors: parsed.SUBGRAPH_ERRORS as SubgraphErrorsMode,
    introspection: parsed.GATEWAY_INTROSPECTION as boolean,
    http: {
      maxBodyBytes: parsed.REQUEST_MAX_BODY_BYTES as number,
      maxHeaders: parsed.REQUEST_MAX_HEADERS as number,
      corsOrigins: (parsed.CORS_ORIGINS as HttpConfig['corsOrigins'] | undefined) ?? null,
      corsAllowCredentials: parsed.CORS_ALLOW_CREDENTIALS as boolean,
      drainMs: parsed.SHUTDOWN_DRAIN_MS as number,
    },
    logLevel: parsed.LOG_LEVEL as string,
    authorization: {
      enabled: parsed.AUTHZ_ENABLED as boolean,
      rejectUnauthorized: parsed.AUTHZ_REJECT_UNAUTHORIZED as boolean,
      errors: parsed.AUTHZ_ERRORS as AuthorizationOptions['errors'],
      dryRun: parsed.AUTHZ_DRY_RUN as boolean,
      requireAuthentication: parsed.REQUIRE_AUTHENTICATION as boolean,
    },
    configModulePath: parsed.MESHGATE_CONFIG as string,
    webApp: { enabled: parsed.GATEWAY_CATALOG as boolean, dir: join(REPO_ROOT, 'catalog', 'dist') },
    metricsOperationNames: parsed.METRICS_OPERATION_NAMES as boolean,
  };
}

/** CORS_ORIGINS: `*`, or a comma list of origins (`https://app.example.com`), each a scheme, host and optional port. */
function corsOrigins() {
  return z
    .string()
    .transform((value, context) => {
      if (value === '*') return '*' as const;
      const origins = value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
      const wrong = origins.filter((origin) => {
        try {
          const url = new URL(origin);
          return !['http:', 'https:'].includes(url.protocol) || url.origin !== origin;
        } catch {
          return true;
        }
      });
      if (!origins.length || wrong.length) {
        context.addIssue({ code: 'custom', message: `expected "*" or a comma list of origins such as https://app.example.com (scheme, host, optional port; no path)${wrong.length ? `, not ${wrong.join(', ')}` : ''}` });
        return z.NEVER;
      }
      return origins;
    })
    .optional();
}

/**
 * GATEWAY_WORKERS: a positive whole number, or `auto` for one worker per core this process may run on
 * (os.availableParallelism(): it honours CPU affinity such as `taskset` or a cpuset).
 */
function workerCount() {
  return z
    .string()
    .regex(/^(auto|[1-9][0-9]*)$/, 'expected a positive whole number of worker processes, or auto (one per core)')
    .transform((value) => (value === 'auto' ? availableParallelism() : Number(value)))
    .default(1);
}
