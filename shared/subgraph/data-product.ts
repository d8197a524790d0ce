import { join } from 'node:path';
import { z } from 'zod';
import { envVar, parseEnv } from '../config/env.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { seedOnce } from '../db/seed-state.js';
import { domainByName, type DomainInfo } from '../domains.js';
import { createLogger, type Logger } from '../logging.js';
import { stopOnSignal } from '../lifecycle.js';
import { REPO_ROOT, subgraphDir } from '../paths.js';
import { DEVELOPMENT_SUBGRAPH_SECRET, loadSigningConfig, type SigningConfig } from '../signing.js';
import { startSubgraph, type RunningSubgraph, type SignatureCheck, type SubgraphOptions, type SubgraphRequest } from './subgraph-server.js';

/** What every domain exports from its `server.ts`: how to prepare its database and start it. */
export interface DataProductDefinition {
  domain: DomainInfo;
  /** Folder of the domain's plain SQL migrations. */
  migrationsDir: string;
  /** Loads the deterministic demo data (called once per database). */
  seed(db: Database): Promise<void>;
  /** Builds the subgraph server on an open database and listens. Never called on import. */
  start(options: StartOptions): Promise<RunningSubgraph>;
}

export interface StartOptions {
  db: Database;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  logger: Logger;
  /** How requests are checked for the gateway's signature; pass it on to `startSubgraph`. */
  signatures: SignatureCheck;
}

export interface SubgraphConfig {
  port: number;
  host: string;
  /** Set: a PostgreSQL server. Unset: embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  seed: 'demo' | 'none';
  logLevel: string;
  /** The secrets shared with the gateway and the accepted signature age (see `loadSigningConfig`). */
  signing: SigningConfig;
}

/**
 * Reads `<PREFIX>PORT`, `<PREFIX>HOST`, `<PREFIX>DATABASE_URL`, `<PREFIX>DATA_DIR`, `MESHGATE_SEED`, `LOG_LEVEL`,
 * `MESHGATE_SUBGRAPH_SECRET` (comma-separated, for rotation; default a development secret, refused when
 * `NODE_ENV=production`) and `MESHGATE_SIGNATURE_MAX_AGE_SECONDS` (default 60).
 */
export function loadSubgraphConfig(domain: DomainInfo, env: Record<string, string | undefined> = process.env): SubgraphConfig {
  const p = domain.envPrefix;
  const parsed = parseEnv(
    z.object({
      [`${p}PORT`]: envVar.port(domain.defaultPort),
      [`${p}HOST`]: z.string().default('127.0.0.1'),
      [`${p}DATABASE_URL`]: envVar.url(['postgres', 'postgresql']).optional(),
      [`${p}DATA_DIR`]: z.string().default(join(REPO_ROOT, 'data', domain.dir)),
      MESHGATE_SEED: z.enum(['demo', 'none'], { error: 'expected "demo" or "none"' }).default('demo'),
      LOG_LEVEL: envVar.logLevel(),
    }),
    env,
  ) as Record<string, unknown>;
  return {
    port: parsed[`${p}PORT`] as number,
    host: parsed[`${p}HOST`] as string,
    databaseUrl: parsed[`${p}DATABASE_URL`] as string | undefined,
    dataDir: parsed[`${p}DATA_DIR`] as string,
    seed: parsed.MESHGATE_SEED as 'demo' | 'none',
    logLevel: parsed.LOG_LEVEL as string,
    signing: loadSigningConfig(env),
  };
}

/** Opens the domain's database (server or embedded), applies migrations and, if asked, seeds demo data once. */
export async function prepareDataProductDatabase(
  product: DataProductDefinition,
  config: Pick<SubgraphConfig, 'databaseUrl' | 'dataDir' | 'seed'>,
  schema = product.domain.dbSchema,
): Promise<{ db: Database; seeded: boolean }> {
  const db = config.databaseUrl
    ? await openDatabase({ url: config.databaseUrl, schema })
    : await openDatabase({ dataDir: config.dataDir, schema });
  try {
    await migrate(db, product.migrationsDir);
    const seeded = config.seed === 'demo' ? await seedOnce(db, 'demo', product.seed) : false;
    return { db, seeded };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The whole life of a subgraph process: config, database, listen, and a clean stop on SIGINT/SIGTERM. */
export async function runDataProduct(product: DataProductDefinition): Promise<void> {
  const config = loadSubgraphConfig(product.domain);
  const logger = createLogger(product.domain.name, config.logLevel);
  if (config.signing.development) {
    logger.warn(
      `MESHGATE_SUBGRAPH_SECRET is not set: verifying with the public development secret "${DEVELOPMENT_SUBGRAPH_SECRET}"; set a secret shared with the gateway outside development`,
    );
  }
  const started = Date.now();
  const { db, seeded } = await prepareDataProductDatabase(product, config);
  const signatures: SignatureCheck = { verify: true, secrets: config.signing.secrets, maxAgeSeconds: config.signing.maxAgeSeconds };
  const running = await product.start({ db, port: config.port, host: config.host, logger, signatures });
  logger.info(
    { url: running.url, database: db.backend, seeded, startupMs: Date.now() - started },
    `${product.domain.name} data product ready at ${running.url}`,
  );
  stopOnSignal(logger, async () => {
    await running.stop();
    await db.close();
  });
}

export interface DataProductSpec<Store, Ctx extends object> {
  /** The registered domain name (shared/domains.ts). */
  name: string;
  seed(db: Database): Promise<void>;
  /** The domain's SQL behind its small interface, created once per process. */
  createStore(db: Database): Store;
  resolvers: SubgraphOptions<Ctx>['resolvers'];
  /** The per-request context: fresh loaders over the store, bound to the verified caller if the domain needs it. */
  context(store: Store, request: SubgraphRequest): Ctx;
}

/**
 * Every domain has the same skeleton (schema.graphql, db/migrations, a store, loaders,
 * resolvers), so its definition only names what differs: this fills in the paths and the start.
 */
export function defineDataProduct<Store, Ctx extends object>(spec: DataProductSpec<Store, Ctx>): DataProductDefinition {
  const domain = domainByName(spec.name);
  const root = subgraphDir(domain.dir);
  return {
    domain,
    migrationsDir: join(root, 'db', 'migrations'),
    seed: spec.seed,
    start: ({ db, port, host, logger, signatures }) => {
      const store = spec.createStore(db);
      return startSubgraph<Ctx>({
        name: domain.name,
        schemaPath: join(root, 'schema.graphql'),
        resolvers: spec.resolvers,
        db,
        logger,
        port,
        host,
        signatures,
        context: (request) => spec.context(store, request),
      });
    },
  };
}
