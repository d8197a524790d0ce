import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { PublishInput, PublishResult, Severity } from '../../registry/src/api/types.js';
import type { formatApiReport as FormatApiReport } from '../../registry/src/api/report.js';
import type { RegistryClient, RegistryError as RegistryErrorClass } from '../../registry/src/client.js';
import { ConfigError, envVar, parseEnvInto } from '../config/env.js';
import { envPrefixOf, portOf } from '../dataproduct/folders.js';
import type { Logger } from '../logging.js';

/**
 * A data product publishes itself once it listens, as a deploy pipeline would after rolling it out:
 * its contract and descriptor go to the registry, which checks them and composes the supergraph the
 * gateways poll. The registry may be starting at the same moment (`npm start`, compose), so an
 * unreachable registry is retried for a while; a refused publish is logged and the subgraph keeps
 * serving (the registry keeps serving the previous version).
 */
export interface PublishOnStartConfig {
  /** `MESHGATE_REGISTRY_URL`, e.g. http://127.0.0.1:4500. */
  registryUrl: string;
  /** `MESHGATE_TOKEN`: a token with `registry:publish:<name>`. */
  token: string;
  /** `<PREFIX>URL`, default the descriptor's `routingUrl`: where the gateway reaches this subgraph. */
  url: string;
  /** `MESHGATE_VERSION_LABEL`: a commit sha or version label stored with the version. Default none. */
  label?: string;
}

/**
 * Reads `MESHGATE_REGISTRY_URL`, `MESHGATE_PUBLISH_ON_START` (default true), `MESHGATE_TOKEN`,
 * `<PREFIX>URL` and `MESHGATE_VERSION_LABEL`. Undefined when there is no registry or publishing is
 * turned off; throws a ConfigError naming every missing piece otherwise.
 */
export function loadPublishOnStartConfig(
  product: { name: string; envPrefix: string; descriptorPath: string },
  routingUrl: string | undefined,
  env: Record<string, string | undefined>,
): PublishOnStartConfig | undefined {
  const urlVar = `${product.envPrefix}URL`;
  const problems: string[] = [];
  const parsed = parseEnvInto(
    z.object({
      MESHGATE_REGISTRY_URL: envVar.url(['http', 'https']).optional(),
      MESHGATE_PUBLISH_ON_START: envVar.boolean(true),
      MESHGATE_TOKEN: z.string().optional(),
      [urlVar]: envVar.url(['http', 'https']).optional(),
      MESHGATE_VERSION_LABEL: z.string().optional(),
    }),
    env,
    problems,
  ) as Record<string, string | boolean | undefined> | undefined;
  if (!parsed) throw new ConfigError(problems);
  const registryUrl = parsed.MESHGATE_REGISTRY_URL as string | undefined;
  if (!registryUrl || !parsed.MESHGATE_PUBLISH_ON_START) return undefined;
  const token = parsed.MESHGATE_TOKEN as string | undefined;
  const url = (parsed[urlVar] as string | undefined) ?? routingUrl;
  if (!token) {
    problems.push(
      `MESHGATE_TOKEN: expected a token with scope registry:publish:${product.name} to publish to MESHGATE_REGISTRY_URL on start, or MESHGATE_PUBLISH_ON_START=false (not set)`,
    );
  }
  if (!url) {
    problems.push(`${urlVar}: expected the URL the gateway reaches this subgraph at, to publish it; ${product.descriptorPath} has no routingUrl either (not set)`);
  }
  if (problems.length || !token || !url) throw new ConfigError(problems);
  const label = parsed.MESHGATE_VERSION_LABEL as string | undefined;
  return { registryUrl, token, url, ...(label ? { label } : {}) };
}

export type PublishOutcome =
  | { kind: 'published'; result: PublishResult }
  | { kind: 'refused'; result: PublishResult }
  /** The registry answered, but not with a result: a wrong token, a missing scope, a bug. Not retried. */
  | { kind: 'failed'; error: Error }
  /** The registry stayed unreachable for `giveUpAfterMs`. */
  | { kind: 'gave-up'; error: Error }
  /** The process began stopping first. */
  | { kind: 'stopped' };

export interface PublishOnStartOptions {
  /** Aborted when the process stops: no more attempts. */
  signal?: AbortSignal;
  /** The port the subgraph listens on, to warn when the published URL points elsewhere. */
  listeningPort?: number;
  /** Default: a client of `config.registryUrl` with `config.token`. */
  client?: Pick<RegistryClient, 'publish'>;
  /** How long an unreachable registry is retried. Default 60 s. */
  giveUpAfterMs?: number;
  /** First wait between attempts, doubling up to `maxDelayMs`. Default 250 ms. */
  firstDelayMs?: number;
  /** Default 5 s. */
  maxDelayMs?: number;
}

/** Publishes the data product's folder once; never throws (the outcome is logged and returned). */
export async function publishOnStart(
  product: { name: string; schemaPath: string; descriptorPath: string },
  config: PublishOnStartConfig,
  logger: Logger,
  options: PublishOnStartOptions = {},
): Promise<PublishOutcome> {
  const where = `the registry at ${config.registryUrl}`;
  try {
    return await publishWithRetries(product, config, logger, options, where);
  } catch (error) {
    // Reading the folder or loading the client failed: nothing a retry mends.
    logger.error({ err: error }, `cannot publish ${product.name} to ${where}: ${(error as Error).message}; this process keeps serving, unpublished`);
    return { kind: 'failed', error: error as Error };
  }
}

async function publishWithRetries(
  product: { name: string; schemaPath: string; descriptorPath: string },
  config: PublishOnStartConfig,
  logger: Logger,
  options: PublishOnStartOptions,
  where: string,
): Promise<PublishOutcome> {
  const { signal, giveUpAfterMs = 60_000, firstDelayMs = 250, maxDelayMs = 5_000 } = options;
  const [sdl, descriptor] = await Promise.all([readFile(product.schemaPath, 'utf8'), readFile(product.descriptorPath, 'utf8')]);
  const input: PublishInput = { name: product.name, url: config.url, sdl, descriptor, ...(config.label ? { label: config.label } : {}) };
  if (options.listeningPort !== undefined && portOf(config.url) !== options.listeningPort) {
    logger.warn(
      { url: config.url, port: options.listeningPort },
      `publishing ${config.url}, but this process listens on port ${options.listeningPort}: the gateway will not reach it there unless something forwards it; set ${envPrefixOf(product.name)}URL`,
    );
  }
  // Loaded only by a process that publishes: a subgraph without a registry (tests, `meshgate serve`) never loads the registry's code.
  const [{ createRegistryClient, RegistryError }, { formatApiReport: formatReport }] = await Promise.all([
    import('../../registry/src/client.js'),
    import('../../registry/src/api/report.js'),
  ]);
  const client = options.client ?? createRegistryClient({ url: config.registryUrl, token: config.token });
  const deadline = Date.now() + giveUpAfterMs;
  for (let attempt = 1, delay = firstDelayMs; ; attempt++, delay = Math.min(delay * 2, maxDelayMs)) {
    if (signal?.aborted) return { kind: 'stopped' };
    let result: PublishResult;
    try {
      result = await client.publish(input);
    } catch (error) {
      if (signal?.aborted) return { kind: 'stopped' };
      const message = (error as Error).message;
      if (!isUnreachable(error, RegistryError)) {
        const status = error instanceof RegistryError ? error.status : undefined;
        const hint = status === 401 || status === 403 ? ` (MESHGATE_TOKEN needs scope registry:publish:${product.name})` : '';
        logger.error({ err: error }, `publishing ${product.name} to ${where} failed: ${message}${hint}; this process keeps serving, unpublished`);
        return { kind: 'failed', error: error as Error };
      }
      if (Date.now() + delay > deadline) {
        logger.error(
          { err: error, attempts: attempt },
          `${where} stayed unreachable for ${Math.round(giveUpAfterMs / 1000)} s (${message}); ${product.name} keeps serving, unpublished: publish it with npx meshgate publish`,
        );
        return { kind: 'gave-up', error: error as Error };
      }
      // Quiet at first: the registry usually starts beside the subgraph and answers within seconds.
      const level = attempt === 3 || attempt % 5 === 0 ? 'warn' : 'debug';
      logger[level]({ attempt, retryInMs: delay }, `${where} is not reachable yet (${message}); retrying`);
      if (!(await sleep(delay, signal))) return { kind: 'stopped' };
      continue;
    }
    return logResult(product.name, where, result, logger, formatReport);
  }
}

function logResult(name: string, where: string, result: PublishResult, logger: Logger, formatReport: typeof FormatApiReport): PublishOutcome {
  const version = result.version?.version;
  const compositionId = result.report.compositionId ?? result.supergraph?.id;
  if (result.ok) {
    const what = result.unchanged ? `unchanged since version ${version}` : `version ${version}`;
    logger.info({ version, unchanged: result.unchanged, compositionId, warnings: countBySeverity(result, 'WARNING') }, `published ${name} to ${where}: ${what}`);
    return { kind: 'published', result };
  }
  // Not an error of this process: the contract is refused, so the registry keeps serving the previous
  // version. A deploy pipeline would stop here; the subgraph keeps serving what it has.
  logger.error(
    { errors: countBySeverity(result, 'ERROR') },
    `the registry refused to publish ${name}: it keeps serving the previous version, and a deploy pipeline would fail here; this process keeps serving.\n${formatReport(result.report)}`,
  );
  return { kind: 'refused', result };
}

function countBySeverity(result: PublishResult, severity: Severity): number {
  return result.report.results.filter((r) => r.severity === severity).length;
}

/** Worth another attempt: no answer at all (refused, reset, timed out) or the registry not ready to answer. */
function isUnreachable(error: unknown, RegistryError: typeof RegistryErrorClass): boolean {
  if (!(error instanceof RegistryError)) return error instanceof TypeError || (error as { name?: string })?.name === 'TimeoutError';
  return !error.status || error.status >= 500 || error.status === 429;
}

/** Waits `ms`; false when `signal` aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
