import { z } from 'zod';
import { envVar, parseEnv } from '../config/env.js';

/** Where and whether a service serves its Prometheus metrics (the same variables for every service). */
export interface MetricsConfig {
  /** METRICS_ENABLED: collect and serve metrics. Default true. */
  enabled: boolean;
  /** METRICS_PATH: the path metrics are served at. Default `/metrics`. */
  path: string;
  /**
   * METRICS_PORT: a listener of its own, serving only the metrics (e.g. a port the public never
   * reaches); 0 picks a free one. Default unset: served on the service's own port, beside `/graphql`.
   */
  port?: number;
}

export const DEFAULT_METRICS_CONFIG: MetricsConfig = { enabled: true, path: '/metrics' };

/** Paths a service answers itself: metrics there would hide them. */
const RESERVED_PATHS = new Set(['/graphql', '/health', '/ready']);

/**
 * Reads METRICS_ENABLED, METRICS_PATH and the port variables in order (a data product passes
 * `<PREFIX>METRICS_PORT` first, since several run on one machine with one environment; then
 * METRICS_PORT). A wrong value names its variable.
 */
export function loadMetricsConfig(env: Record<string, string | undefined>, portVariables: readonly string[] = ['METRICS_PORT']): MetricsConfig {
  const portShape = Object.fromEntries(portVariables.map((name) => [name, envVar.port(0)]));
  const parsed = parseEnv(
    z.object({
      METRICS_ENABLED: envVar.boolean(true),
      METRICS_PATH: z
        .string()
        .max(200, 'expected a path of at most 200 characters')
        .regex(/^\/[A-Za-z0-9._~/-]*$/, 'expected a path such as /metrics: a "/" then letters, digits, ".", "_", "~", "-" or "/"')
        .refine((path) => !RESERVED_PATHS.has(path), 'expected a path the service does not already serve (not /graphql, /health or /ready)')
        .default('/metrics'),
      ...portShape,
    }),
    env,
  ) as Record<string, unknown>;
  // envVar.port has a default, so an unset variable parses as 0: whether one was set is read from env.
  const given = portVariables.find((name) => (env[name]?.trim() ?? '') !== '');
  return {
    enabled: parsed.METRICS_ENABLED as boolean,
    path: parsed.METRICS_PATH as string,
    ...(given !== undefined ? { port: parsed[given] as number } : {}),
  };
}
