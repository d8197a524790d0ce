import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { envVar, parseEnv } from '../../../shared/config/env.js';
import { envPrefixOf, SUBGRAPHS_ROOT } from '../../../shared/dataproduct/folders.js';

/** The schema registry the gateway reads supergraphs from and reports usage to. */
export interface RegistryEndpoint {
  /** MESHGATE_REGISTRY_URL, e.g. http://127.0.0.1:4500. */
  url: string;
  /** MESHGATE_REGISTRY_TOKEN: a bearer token with `registry:read` and `registry:usage:report`. */
  token: string;
}

/**
 * Where the supergraph comes from (SUPERGRAPH_SOURCE); the three are exclusive. Default: `registry`
 * when MESHGATE_REGISTRY_URL is set, `file` when SUPERGRAPH_PATH is, else `compose`.
 * - `compose`: compose data product folders (`schema.graphql` + `dataproduct.yaml`) once, at start-up.
 * - `file`: read a supergraph composed ahead of time, once.
 * - `registry`: poll the registry's latest accepted supergraph; each new one becomes a new generation.
 */
export type SupergraphConfig =
  | {
      kind: 'compose';
      /** SUPERGRAPH_SUBGRAPHS: the folders to compose. Default every data product folder under subgraphs/. */
      folders?: readonly string[];
    }
  | { kind: 'file'; path: string }
  | {
      kind: 'registry';
      registry: RegistryEndpoint;
      /** SUPERGRAPH_POLL_INTERVAL_MS. Default 2000. */
      pollIntervalMs: number;
      /** SUPERGRAPH_STARTUP_TIMEOUT_MS: how long start-up waits for the first supergraph. Default 60000. */
      startupTimeoutMs: number;
    };

/** Which coordinates each client uses, reported to the registry (its breaking-change checks read them). */
export type UsageReportingConfig =
  | { kind: 'off' }
  | {
      kind: 'registry';
      registry: RegistryEndpoint;
      /** USAGE_REPORT_INTERVAL_MS. Default 10000. */
      intervalMs: number;
    };

/** What this loader adds to GatewayConfig (see config.ts). */
export interface SupergraphSettings {
  supergraph: SupergraphConfig;
  subgraphUrlVariables: Readonly<Record<string, string>>;
  usageReporting: UsageReportingConfig;
}

/**
 * Reads where the supergraph comes from, the registry, usage reporting and the subgraph URL
 * variables: SUPERGRAPH_SOURCE, SUPERGRAPH_PATH, SUPERGRAPH_SUBGRAPHS, SUPERGRAPH_POLL_INTERVAL_MS,
 * SUPERGRAPH_STARTUP_TIMEOUT_MS, MESHGATE_REGISTRY_URL, MESHGATE_REGISTRY_TOKEN,
 * USAGE_REPORT_INTERVAL_MS and `<PREFIX>URL`. Every problem is reported at once.
 */
export function loadSupergraphConfig(env: Record<string, string | undefined>): SupergraphSettings {
  const folders = listedFolders(env.SUPERGRAPH_SUBGRAPHS);
  // The URL variables of the data products known now are checked now, with every other variable;
  // those of subgraphs the registry brings later are checked when their generation is built.
  const urlVars = Object.fromEntries(knownSubgraphNames(folders).map((name) => [`${envPrefixOf(name)}URL`, envVar.url(['http', 'https']).optional()]));
  const parsed = parseEnv(
    z
      .object({
        SUPERGRAPH_SOURCE: z.enum(['registry', 'file', 'compose'], { error: 'expected registry, file or compose' }).optional(),
        SUPERGRAPH_PATH: z.string().optional(),
        SUPERGRAPH_SUBGRAPHS: z.string().optional(),
        SUPERGRAPH_POLL_INTERVAL_MS: envVar.positiveInt(2000),
        SUPERGRAPH_STARTUP_TIMEOUT_MS: envVar.positiveInt(60_000),
        MESHGATE_REGISTRY_URL: envVar.url(['http', 'https']).optional(),
        MESHGATE_REGISTRY_TOKEN: z.string().optional(),
        USAGE_REPORT_INTERVAL_MS: envVar.positiveInt(10_000),
        ...urlVars,
      })
      .superRefine(
        (v, context) => {
          // Runs even when a field failed (`when` below): values are compared by presence only.
          const source = v.SUPERGRAPH_SOURCE;
          if (source === 'registry' && v.MESHGATE_REGISTRY_URL === undefined) {
            context.addIssue({ code: 'custom', path: ['MESHGATE_REGISTRY_URL'], message: 'required with SUPERGRAPH_SOURCE=registry: the registry\'s base URL, e.g. http://127.0.0.1:4500' });
          }
          if (source === 'file' && v.SUPERGRAPH_PATH === undefined) {
            context.addIssue({ code: 'custom', path: ['SUPERGRAPH_PATH'], message: 'required with SUPERGRAPH_SOURCE=file: the path of a composed supergraph' });
          }
          if (v.MESHGATE_REGISTRY_URL !== undefined && v.MESHGATE_REGISTRY_TOKEN === undefined) {
            context.addIssue({
              code: 'custom',
              path: ['MESHGATE_REGISTRY_TOKEN'],
              message: 'required (and not empty) when MESHGATE_REGISTRY_URL is set: a token with registry:read and registry:usage:report (npm run token)',
            });
          }
        },
        { when: () => true },
      ),
    env,
  ) as Record<string, unknown>;
  const supergraphPath = parsed.SUPERGRAPH_PATH as string | undefined;
  const registryUrl = parsed.MESHGATE_REGISTRY_URL as string | undefined;
  const registry: RegistryEndpoint | undefined = registryUrl === undefined ? undefined : { url: registryUrl, token: parsed.MESHGATE_REGISTRY_TOKEN as string };
  const sourceKind = (parsed.SUPERGRAPH_SOURCE as SupergraphConfig['kind'] | undefined) ?? (registry ? 'registry' : supergraphPath ? 'file' : 'compose');
  return {
    supergraph: supergraphConfig(sourceKind, { registry, supergraphPath, folders, parsed }),
    subgraphUrlVariables: urlVariables(env),
    usageReporting: registry ? { kind: 'registry', registry, intervalMs: parsed.USAGE_REPORT_INTERVAL_MS as number } : { kind: 'off' },
  };
}

function supergraphConfig(
  kind: SupergraphConfig['kind'],
  from: { registry: RegistryEndpoint | undefined; supergraphPath: string | undefined; folders: string[] | undefined; parsed: Record<string, unknown> },
): SupergraphConfig {
  switch (kind) {
    case 'registry':
      return {
        kind,
        // The refinement refused SUPERGRAPH_SOURCE=registry without MESHGATE_REGISTRY_URL.
        registry: from.registry as RegistryEndpoint,
        pollIntervalMs: from.parsed.SUPERGRAPH_POLL_INTERVAL_MS as number,
        startupTimeoutMs: from.parsed.SUPERGRAPH_STARTUP_TIMEOUT_MS as number,
      };
    case 'file':
      return { kind, path: from.supergraphPath as string };
    case 'compose':
      return from.folders ? { kind, folders: from.folders } : { kind };
    default: {
      const unknown: never = kind;
      throw new Error(`supergraphConfig: expected registry, file or compose, got ${String(unknown)}`);
    }
  }
}

/**
 * SUPERGRAPH_SUBGRAPHS: a comma list of data product folders. A bare name is a folder under
 * subgraphs/ (`pricing`); anything with a slash is a path (`./pricing`, `/srv/pricing`).
 */
function listedFolders(value: string | undefined): string[] | undefined {
  const entries = (value ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (!entries.length) return undefined;
  return entries.map((entry) => (entry.includes('/') ? resolve(entry) : join(SUBGRAPHS_ROOT, entry)));
}

/** The subgraphs whose `<PREFIX>URL` can be checked at start-up: the folders listed, or those under subgraphs/. */
function knownSubgraphNames(folders: string[] | undefined): string[] {
  if (folders) return folders.map((folder) => basename(folder));
  try {
    return readdirSync(SUBGRAPHS_ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(SUBGRAPHS_ROOT, entry.name, 'dataproduct.yaml')))
      .map((entry) => entry.name);
  } catch {
    // An installation without the demo folders: every URL variable is checked when it is used.
    return [];
  }
}

/**
 * The environment's `*_URL` variables that may name a subgraph's routing URL. The gateway's own
 * URL variables are left out, so a subgraph whose name happens to match one (say, `redis`) is not
 * redirected to Redis.
 */
function urlVariables(env: Record<string, string | undefined>): Record<string, string> {
  const own = new Set(['MESHGATE_REGISTRY_URL', 'REDIS_URL', 'JWT_JWKS_URL', 'MESHGATE_GATEWAY_JWKS_URL']);
  const found: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith('_URL') || own.has(name) || value === undefined || value.trim() === '') continue;
    found[name] = value.trim();
  }
  return found;
}
