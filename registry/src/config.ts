import { join } from 'node:path';
import { z } from 'zod';
import { collectConfig, ConfigError, envVar, parseEnv } from '../../shared/config/env.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { loadAuthenticationConfig } from '../../gateway/src/governance/authentication-config.js';
import type { AuthenticationOptions } from '../../gateway/src/governance/authentication.js';
import { loadLintConfig, type LintConfig } from './checks/lint-config.js';
import { loadMetricsConfig, type MetricsConfig } from '../../shared/telemetry/metrics-config.js';

/** The registry's port unless REGISTRY_PORT says otherwise. */
export const REGISTRY_DEFAULT_PORT = 4500;

export interface RegistryConfig {
  /** REGISTRY_PORT, default 4500; 0 picks a free one (tests). */
  port: number;
  /** REGISTRY_HOST, default 127.0.0.1. */
  host: string;
  /** REGISTRY_DATABASE_URL: a PostgreSQL server. Unset: embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  /** REGISTRY_DATA_DIR, default `<repo>/data/registry`. */
  dataDir: string;
  /** REGISTRY_USAGE_WINDOW_DAYS, default 30: a breaking change to a coordinate unused this long passes. */
  usageWindowDays: number;
  /** LOG_LEVEL, default info. */
  logLevel: string;
  /** REGISTRY_LINT_RULES over the checks' defaults. */
  lint: LintConfig;
  /** The gateway's JWT_* settings: the same tokens work for both. */
  authentication: AuthenticationOptions;
  /** METRICS_ENABLED, METRICS_PATH, METRICS_PORT. Default on, at /metrics on the registry's port. */
  metrics?: MetricsConfig;
}

/** Reads the registry's configuration; every wrong variable is reported at once, each by name. */
export function loadRegistryConfig(env: Record<string, string | undefined> = process.env): RegistryConfig {
  const { own, lint, authentication, metrics } = collectConfig({
    own: () =>
      parseEnv(
        z.object({
          REGISTRY_PORT: envVar.port(REGISTRY_DEFAULT_PORT),
          REGISTRY_HOST: z.string().default('127.0.0.1'),
          REGISTRY_DATABASE_URL: envVar.url(['postgres', 'postgresql']).optional(),
          REGISTRY_DATA_DIR: z.string().default(join(REPO_ROOT, 'data', 'registry')),
          REGISTRY_USAGE_WINDOW_DAYS: envVar.positiveInt(30),
          LOG_LEVEL: envVar.logLevel(),
        }),
        env,
      ),
    lint: () => loadLintConfig(env),
    authentication: () => loadAuthenticationConfig(env),
    metrics: () => loadMetricsConfig(env),
  });
  if (metrics.port !== undefined && metrics.port !== 0 && metrics.port === own.REGISTRY_PORT) {
    throw new ConfigError([`METRICS_PORT: expected a port other than REGISTRY_PORT (${own.REGISTRY_PORT}); leave it unset to serve metrics on the registry's own port (got "${metrics.port}")`]);
  }
  return {
    port: own.REGISTRY_PORT,
    host: own.REGISTRY_HOST,
    ...(own.REGISTRY_DATABASE_URL !== undefined ? { databaseUrl: own.REGISTRY_DATABASE_URL } : {}),
    dataDir: own.REGISTRY_DATA_DIR,
    usageWindowDays: own.REGISTRY_USAGE_WINDOW_DAYS,
    logLevel: own.LOG_LEVEL,
    lint,
    authentication,
    metrics,
  };
}
