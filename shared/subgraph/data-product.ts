import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { collectConfig, ConfigError, envVar, parseEnvInto } from '../config/env.js';
import { dbSchemaOf, envPrefixOf, portOf } from '../dataproduct/folders.js';
import { descriptorPath } from '../dataproduct/descriptor.js';
import { forgetChanges, installChangeTracking } from '../db/change-tracking.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { seedOnce } from '../db/seed-state.js';
import { createLogger, type Logger } from '../logging.js';
import { stopOnSignal } from '../lifecycle.js';
import { REPO_ROOT } from '../paths.js';
import { DEVELOPMENT_SUBGRAPH_SECRET } from '../signing/hmac.js';
import { loadSignatureCheck, type ConfiguredSignatureCheck } from '../signing/verifier-config.js';
import { loadMetricsConfig, type MetricsConfig } from '../telemetry/metrics-config.js';
import { loadTracingConfig, startTracing } from '../telemetry/tracing.js';
import { describeCheck } from '../signing/verifier.js';
import { loadPublishOnStartConfig, publishOnStart, type PublishOnStartConfig } from './publish-on-start.js';
import { startSubgraph, type RunningSubgraph, type SignatureCheck, type SubgraphOptions, type SubgraphRequest } from './subgraph-server.js';

/**
 * What every data product exports from its `src/server.ts`: where it lives, how to prepare its
 * database and how to start it. Everything but the code follows from its folder, so adding a
 * data product touches nothing outside `subgraphs/<name>/`.
 */
export interface DataProductDefinition {
  /** The subgraph's name: its folder's and its descriptor's. */
  readonly name: string;
  /** Absolute path of the data product's folder. */
  readonly dir: string;
  /** Prefix of the variables its process reads, e.g. `CUSTOMER_SERVICE_` (see `envPrefixOf`). */
  readonly envPrefix: string;
  /** PostgreSQL schema of its tables, e.g. `customer_service` (see `dbSchemaOf`). */
  readonly dbSchema: string;
  /** Folder of its plain SQL migrations, `db/migrations`. */
  readonly migrationsDir: string;
  /** Its contract, `schema.graphql`. */
  readonly schemaPath: string;
  /** Its descriptor, `dataproduct.yaml`. */
  readonly descriptorPath: string;
  /** Loads the deterministic demo data (called once per database). */
  seed(db: Database): Promise<void>;
  /** Builds the subgraph server on an open database and listens. Never called on import. */
  start(options: StartOptions): Promise<RunningSubgraph>;
}

/** What the configuration loader needs of a data product; a `DataProductFolder` has it too. */
export type DataProductIdentity = Pick<DataProductDefinition, 'name' | 'envPrefix' | 'descriptorPath'>;

export interface StartOptions {
  db: Database;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  logger: Logger;
  /** How requests are checked for the gateway's signature; pass it on to `startSubgraph`. */
  signatures: SignatureCheck;
  /** Prometheus metrics; pass it on to `startSubgraph`. Default on, at /metrics on the subgraph's port. */
  metrics?: MetricsConfig;
}

export interface SubgraphConfig {
  port: number;
  host: string;
  /** Set: a PostgreSQL server. Unset: embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  seed: 'demo' | 'none';
  logLevel: string;
  /** How the gateway's signatures are checked: its public keys (default) or a shared secret (see `loadSignatureCheck`). */
  signing: ConfiguredSignatureCheck;
  /** Set when the process publishes itself to the registry once it listens (see `loadPublishOnStartConfig`). */
  publish?: PublishOnStartConfig;
  /** METRICS_ENABLED, METRICS_PATH, and `<PREFIX>METRICS_PORT` or else METRICS_PORT (see `loadMetricsConfig`). */
  metrics: MetricsConfig;
}

/**
 * Reads `<PREFIX>PORT` (default: the port of the descriptor's `routingUrl`), `<PREFIX>HOST` (default
 * 127.0.0.1), `<PREFIX>DATABASE_URL`, `<PREFIX>DATA_DIR` (default `<repo>/data/<name>`), `MESHGATE_SEED`
 * (default demo), `LOG_LEVEL`, the signing variables (see `loadSignatureCheck`), the publish-on-start
 * ones (see `loadPublishOnStartConfig`) and the metrics ones (see `loadMetricsConfig`). Every problem is reported at once.
 */
export function loadSubgraphConfig(product: DataProductIdentity, env: Record<string, string | undefined> = process.env): SubgraphConfig {
  const p = product.envPrefix;
  const problems: string[] = [];
  const routingUrl = descriptorRoutingUrl(product.descriptorPath);
  let defaultPort: number | undefined;
  try {
    defaultPort = routingUrl === undefined ? undefined : portOf(routingUrl);
  } catch {
    problems.push(`${product.descriptorPath}: routingUrl: expected a URL such as http://127.0.0.1:4001/graphql, got "${routingUrl}"`);
  }
  const portSet = (env[`${p}PORT`]?.trim() ?? '') !== '';
  if (!portSet && defaultPort === undefined && problems.length === 0) {
    problems.push(`${p}PORT: expected the port to listen on, or a routingUrl in ${product.descriptorPath} to take it from; neither is set (not set)`);
  }
  const parsed = parseEnvInto(
    z.object({
      // Without a routingUrl there is no default: the problem above says so when the variable is unset too.
      [`${p}PORT`]: envVar.port(defaultPort ?? 0),
      [`${p}HOST`]: z.string().default('127.0.0.1'),
      [`${p}DATABASE_URL`]: envVar.url(['postgres', 'postgresql']).optional(),
      [`${p}DATA_DIR`]: z.string().default(join(REPO_ROOT, 'data', product.name)),
      MESHGATE_SEED: z.enum(['demo', 'none'], { error: 'expected "demo" or "none"' }).default('demo'),
      LOG_LEVEL: envVar.logLevel(),
    }),
    env,
    problems,
  ) as Record<string, unknown> | undefined;
  const publish = collect(problems, () => loadPublishOnStartConfig(product, routingUrl, env));
  const signing = collect(problems, () => loadSignatureCheck(env));
  // Several data products share one environment under `npm start`: each may have a metrics port of its own.
  const metrics = collect(problems, () => loadMetricsConfig(env, [`${p}METRICS_PORT`, 'METRICS_PORT']));
  if (parsed && metrics?.port !== undefined && metrics.port !== 0 && metrics.port === parsed[`${p}PORT`]) {
    const name = env[`${p}METRICS_PORT`]?.trim() ? `${p}METRICS_PORT` : 'METRICS_PORT';
    problems.push(`${name}: expected a port other than ${p}PORT (${metrics.port}); leave it unset to serve metrics on the data product's own port (got "${metrics.port}")`);
  }
  if (problems.length || !parsed) throw new ConfigError([...new Set(problems)]);
  return {
    port: parsed[`${p}PORT`] as number,
    host: parsed[`${p}HOST`] as string,
    databaseUrl: parsed[`${p}DATABASE_URL`] as string | undefined,
    dataDir: parsed[`${p}DATA_DIR`] as string,
    seed: parsed.MESHGATE_SEED as 'demo' | 'none',
    logLevel: parsed.LOG_LEVEL as string,
    signing: signing!,
    metrics: metrics!,
    ...(publish ? { publish } : {}),
  };
}

/** Runs one loader, moving its ConfigError's problems into `problems` so every variable is checked in one start. */
function collect<T>(problems: string[], load: () => T): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * The descriptor's `routingUrl`, the default of the port and of the published URL. Read without the
 * full validation (the registry and `meshgate check` validate the descriptor): only this key matters here.
 */
function descriptorRoutingUrl(path: string): string | undefined {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the routingUrl of data product descriptor ${path}: ${(error as Error).message}`);
  }
  const routingUrl = (data as { routingUrl?: unknown } | null)?.routingUrl;
  return typeof routingUrl === 'string' && routingUrl.trim() !== '' ? routingUrl.trim() : undefined;
}

/**
 * Opens the data product's database (server or embedded), applies migrations, tracks changes of
 * every table (shared/db/change-tracking.ts, served as `GET /freshness`) and, if asked, seeds demo
 * data once; the seed's own writes are not recorded as changes.
 */
export async function prepareDataProductDatabase(
  product: DataProductDefinition,
  config: Pick<SubgraphConfig, 'databaseUrl' | 'dataDir' | 'seed'>,
  schema = product.dbSchema,
): Promise<{ db: Database; seeded: boolean }> {
  const db = config.databaseUrl
    ? await openDatabase({ url: config.databaseUrl, schema })
    : await openDatabase({ dataDir: config.dataDir, schema });
  try {
    await migrate(db, product.migrationsDir);
    // After the migrations, so every table they made is tracked; before the seed, whose writes are then forgotten.
    await installChangeTracking(db);
    const seeded = config.seed === 'demo' ? await seedOnce(db, 'demo', product.seed) : false;
    if (seeded) await forgetChanges(db, db.schema);
    return { db, seeded };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * The whole life of a subgraph process: config, database, listen, publish itself to the registry
 * when one is configured (in the background: the subgraph serves whatever the registry answers),
 * and a clean stop on SIGINT/SIGTERM.
 */
export async function runDataProduct(product: DataProductDefinition): Promise<void> {
  // Tracing's OTEL_* variables are checked with the data product's own, so every wrong one shows in one start.
  const { subgraph: config, tracing } = collectConfig({ subgraph: () => loadSubgraphConfig(product), tracing: () => loadTracingConfig() });
  const logger = createLogger(product.name, config.logLevel);
  const tracer = startTracing(product.name, tracing);
  logger.info(tracer.description);
  if (config.signing.mode === 'hmac' && config.signing.development) {
    logger.warn(
      `MESHGATE_SUBGRAPH_SECRET is not set: verifying with the public development secret "${DEVELOPMENT_SUBGRAPH_SECRET}"; set a secret shared with the gateway outside development`,
    );
  }
  const started = Date.now();
  const { db, seeded } = await prepareDataProductDatabase(product, config);
  const signatures: SignatureCheck = config.signing;
  logger.info(`checking ${describeCheck(signatures)}`);
  const running = await product.start({ db, port: config.port, host: config.host, logger, signatures, metrics: config.metrics });
  logger.info(
    { url: running.url, database: db.backend, seeded, startupMs: Date.now() - started },
    `${product.name} data product ready at ${running.url}`,
  );
  const publishing = new AbortController();
  if (config.publish) void publishOnStart(product, config.publish, logger, { signal: publishing.signal, listeningPort: running.port });
  stopOnSignal(logger, async () => {
    publishing.abort();
    await running.stop();
    await db.close();
    await tracer.stop();
  });
}

export interface DataProductSpec<Store, Ctx extends object> {
  /** The subgraph's name: the name of its folder and the descriptor's `name`. */
  name: string;
  /** Absolute path of the data product's folder: `fileURLToPath(new URL('..', import.meta.url))` from `src/server.ts`. */
  root: string;
  seed(db: Database): Promise<void>;
  /** The data product's SQL behind its small interface, created once per process. */
  createStore(db: Database): Store;
  resolvers: SubgraphOptions<Ctx>['resolvers'];
  /** The per-request context: fresh loaders over the store, bound to the verified caller if the data product needs it. */
  context(store: Store, request: SubgraphRequest): Ctx;
}

/**
 * Every data product has the same skeleton (schema.graphql, dataproduct.yaml, db/migrations, a store,
 * loaders, resolvers), so its definition only names what differs: this fills in the paths, the
 * names derived from its own, and the start.
 */
export function defineDataProduct<Store, Ctx extends object>(spec: DataProductSpec<Store, Ctx>): DataProductDefinition {
  const dir = resolve(spec.root);
  // The folder is the data product: its name is how the stack, the tests and the registry find it.
  if (basename(dir) !== spec.name) {
    throw new Error(`defineDataProduct: expected the name of its folder ${dir}, "${basename(dir)}", got "${spec.name}"`);
  }
  const schemaPath = join(dir, 'schema.graphql');
  return {
    name: spec.name,
    dir,
    envPrefix: envPrefixOf(spec.name),
    dbSchema: dbSchemaOf(spec.name),
    migrationsDir: join(dir, 'db', 'migrations'),
    schemaPath,
    descriptorPath: descriptorPath(dir),
    seed: spec.seed,
    start: ({ db, port, host, logger, signatures, metrics }) => {
      const store = spec.createStore(db);
      return startSubgraph<Ctx>({
        name: spec.name,
        schemaPath,
        resolvers: spec.resolvers,
        db,
        logger,
        port,
        host,
        signatures,
        ...(metrics ? { metrics } : {}),
        context: (request) => spec.context(store, request),
      });
    },
  };
}
