import { z } from 'zod';
import { envVar, parseEnv } from '../../shared/config/env.js';
import { DOMAINS, GATEWAY_DEFAULT_PORT } from '../../shared/domains.js';
import { subgraphDir } from '../../shared/paths.js';
import { loadSigningConfig, type SigningConfig } from '../../shared/signing.js';
import { loadAuthenticationConfig } from './governance/authentication-config.js';
import type { AuthenticationOptions } from './governance/authentication.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';

/** A subgraph the gateway routes to. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/**
 * Where the supergraph comes from; the two are exclusive.
 * - `compose`: compose the subgraphs' `schema.graphql` contracts at start-up (the default).
 * - `file`: read a supergraph composed ahead of time.
 */
export type SupergraphConfig =
  | { kind: 'compose'; subgraphs: readonly (SubgraphEndpoint & { schemaPath: string })[] }
  | { kind: 'file'; path: string };

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
   * Subgraph URLs by name. In `compose` mode they are the ones composed; in `file` mode they
   * override the URLs recorded in the file (a name not listed keeps the file's URL).
   */
  subgraphUrls: Readonly<Record<string, string>>;
  /** A subgraph that has not answered within this time is reported unavailable. Default 10000 ms. */
  subgraphTimeoutMs: number;
  /** Keep-alive connections per subgraph. Default 64. */
  subgraphConnections: number;
  /**
   * Identical queries in flight to one subgraph at the same time share one request (never
   * mutations; only requests equal in body and caller). Default true.
   */
  subgraphDeduplication: boolean;
  /** Serve introspection. Default true. */
  introspection: boolean;
  logLevel: string;
  /** Secrets the gateway signs subgraph requests with (MESHGATE_SUBGRAPH_SECRET; the first signs). */
  signing: SigningConfig;
  /** How callers' tokens are verified (JWT_* variables). */
  authentication: AuthenticationOptions;
  authorization: AuthorizationOptions;
  /** The TypeScript module with policies and masking rules. Default gateway/meshgate.config.ts. */
  configModulePath: string;
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

/** Reads the gateway's configuration from the environment; a wrong value names its variable. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const urlVars = Object.fromEntries(
    DOMAINS.map((d) => [`${d.envPrefix}URL`, envVar.url(['http', 'https']).default(`http://127.0.0.1:${d.defaultPort}/graphql`)]),
  );
  const parsed = parseEnv(
    z.object({
      GATEWAY_PORT: envVar.port(GATEWAY_DEFAULT_PORT),
      GATEWAY_HOST: z.string().default('127.0.0.1'),
      GATEWAY_WORKERS: workerCount(),
      SUPERGRAPH_PATH: z.string().optional(),
      SUBGRAPH_TIMEOUT_MS: envVar.positiveInt(10_000),
      SUBGRAPH_CONNECTIONS: envVar.positiveInt(64),
      SUBGRAPH_DEDUPLICATION: envVar.boolean(true),
      GATEWAY_INTROSPECTION: envVar.boolean(true),
      LOG_LEVEL: envVar.logLevel(),
      AUTHZ_ENABLED: envVar.boolean(true),
      AUTHZ_REJECT_UNAUTHORIZED: envVar.boolean(false),
      AUTHZ_ERRORS: z.enum(['errors', 'extensions', 'disabled'], { error: 'expected errors, extensions or disabled' }).default('errors'),
      AUTHZ_DRY_RUN: envVar.boolean(false),
      REQUIRE_AUTHENTICATION: envVar.boolean(false),
      MESHGATE_CONFIG: z.string().default(join(REPO_ROOT, 'gateway', 'meshgate.config.ts')),
      ...urlVars,
    }),
    env,
  ) as Record<string, unknown>;
  const supergraphPath = parsed.SUPERGRAPH_PATH as string | undefined;
  // A supergraph file records its subgraphs' URLs; only the variables actually set override them.
  const subgraphUrls = Object.fromEntries(
    DOMAINS.filter((d) => !supergraphPath || env[`${d.envPrefix}URL`]).map((d) => [d.name, parsed[`${d.envPrefix}URL`] as string]),
  );
  return {
    port: parsed.GATEWAY_PORT as number,
    host: parsed.GATEWAY_HOST as string,
    workers: parsed.GATEWAY_WORKERS as number,
    supergraph: supergraphPath
      ? { kind: 'file', path: supergraphPath }
      : {
          kind: 'compose',
          subgraphs: DOMAINS.map((d) => ({ name: d.name, url: subgraphUrls[d.name] as string, schemaPath: join(subgraphDir(d.dir), 'schema.graphql') })),
        },
    subgraphUrls,
    subgraphTimeoutMs: parsed.SUBGRAPH_TIMEOUT_MS as number,
    subgraphConnections: parsed.SUBGRAPH_CONNECTIONS as number,
    subgraphDeduplication: parsed.SUBGRAPH_DEDUPLICATION as boolean,
    introspection: parsed.GATEWAY_INTROSPECTION as boolean,
    logLevel: parsed.LOG_LEVEL as string,
    signing: loadSigningConfig(env),
    authentication: loadAuthenticationConfig(env),
    authorization: {
      enabled: parsed.AUTHZ_ENABLED as boolean,
      rejectUnauthorized: parsed.AUTHZ_REJECT_UNAUTHORIZED as boolean,
      errors: parsed.AUTHZ_ERRORS as AuthorizationOptions['errors'],
      dryRun: parsed.AUTHZ_DRY_RUN as boolean,
      requireAuthentication: parsed.REQUIRE_AUTHENTICATION as boolean,
    },
    configModulePath: parsed.MESHGATE_CONFIG as string,
  };
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
