import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/src/cli.js';
import { loadGatewayConfig, type GatewayConfig } from '../../gateway/src/config.js';
import { loadAuthenticationConfig } from '../../gateway/src/governance/authentication-config.js';
import { mintToken } from '../../gateway/src/governance/dev-token.js';
import { createGateway, SUPERGRAPH_ID_HEADER, type GatewayDependencies, type RunningGateway } from '../../gateway/src/server.js';
import { loadLintConfig } from '../../registry/src/checks/lint-config.js';
import { createRegistryClient, type RegistryClient } from '../../registry/src/client.js';
import { createRegistry, type RunningRegistry } from '../../registry/src/server.js';
import { registryDataDir } from '../../registry/test/support/registry.js';
import { createLogger } from '../../shared/logging.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { prepareDataProductDatabase, type DataProductDefinition } from '../../shared/subgraph/data-product.js';
import type { RunningSubgraph } from '../../shared/subgraph/subgraph-server.js';
import { loadDataProducts } from './data-products.js';
import { postGraphQL, postSigned, type GraphQLResponse } from './http.js';
import { TEST_GATEWAY_SIGNING_ENV, testSignatureCheck } from './signing-keys.js';
import { startTestSubgraph, type TestSubgraph } from './subgraphs.js';

/**
 * The self-serve platform in one test process, over real HTTP on port 0: a registry (PGlite, a
 * copy of its migrated template), every data product of the repository started and published to
 * it by an admin (as `npm start`'s self-publish would), and a gateway reading its supergraph from
 * the registry, polling every 200 ms and reporting usage every 200 ms.
 */
export interface Platform {
  registry: RunningRegistry;
  gateway: RunningGateway;
  subgraphs: Record<string, TestSubgraph>;
  /** A registry client with `registry:admin`. */
  admin: RegistryClient;
  /** This test file's own temp folder (under /tmp/h-e2e/), removed on stop. */
  dir: string;
  /** A development token of these scopes, as the registry and the gateway accept. */
  token(scopes: readonly string[], subject?: string): Promise<string>;
  /** A registry client whose token has these scopes. */
  client(scopes: readonly string[], subject?: string): Promise<RegistryClient>;
  /** POSTs one operation to the gateway, anonymously unless `headers` say otherwise. */
  query<Data = Record<string, any>>(query: string, headers?: Record<string, string>): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

/** How often the gateway polls the registry and reports usage: small, so the tests wait little. */
export const POLL_INTERVAL_MS = 200;
export const USAGE_REPORT_INTERVAL_MS = 200;

export interface PlatformOptions {
  /** Gateway configuration over the platform's (e.g. a config module with slow policies). */
  gateway?: Partial<GatewayConfig>;
  /** Gateway dependencies beside its logger (e.g. the measured promises the catalog serves). */
  gatewayDependencies?: Omit<GatewayDependencies, 'logger'>;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const logLevel = process.env.TEST_LOG_LEVEL ?? 'silent';
  await mkdir(join(tmpdir(), 'h-e2e'), { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'h-e2e', 'platform-'));
  const started: TestSubgraph[] = [];
  let registryDir: string | undefined;
  let registry: RunningRegistry | undefined;
  let gateway: RunningGateway | undefined;
  const stop = async () => {
    await gateway?.stop();
    await Promise.all(started.map((s) => s.stop()));
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
    if (registryDir) await rm(registryDir, { recursive: true, force: true });
  };
  try {
    // Each of them opens its own PGlite: started side by side. The registry's is a copy of its
    // migrated template (registry/test/support/registry.ts): a new folder would cost seconds.
    const registryStarting = registryDataDir('meshgate-platform-registry-').then((dataDir) =>
      createRegistry(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir: (registryDir = dataDir),
          usageWindowDays: 30,
          logLevel,
          lint: loadLintConfig({}),
          // The gateway's development HS256 settings: `mintToken`'s tokens work for both.
          authentication: loadAuthenticationConfig({}),
        },
        { logger: createLogger('registry', logLevel) },
      ),
    ).then((running) => (registry = running));
    const subgraphsStarting = loadDataProducts().then(async (products) => {
      // Settled first, so a failure leaves nothing still starting behind `stop`.
      const settled = await Promise.allSettled(products.map((product) => startTestSubgraph(product).then((service) => (started.push(service), service))));
      return settled.map((s) => {
        if (s.status === 'rejected') throw s.reason;
        return s.value;
      });
    });
    const [registrySettled, servicesSettled] = await Promise.allSettled([registryStarting, subgraphsStarting]);
    if (registrySettled.status === 'rejected') throw registrySettled.reason;
    if (servicesSettled.status === 'rejected') throw servicesSettled.reason;
    const registryUrl = registrySettled.value.url;
    const services = servicesSettled.value;
    const token = (scopes: readonly string[], subject = 'e2e') => mintToken({ subject, scopes });
    const client = async (scopes: readonly string[], subject?: string) => createRegistryClient({ url: registryUrl, token: await token(scopes, subject) });
    const admin = await client(['registry:admin'], 'platform-admin');

    await publishAll(admin, services);

    const config: GatewayConfig = {
      ...loadGatewayConfig({
        ...TEST_GATEWAY_SIGNING_ENV,
        SUPERGRAPH_SOURCE: 'registry',
        MESHGATE_REGISTRY_URL: registryUrl,
        MESHGATE_REGISTRY_TOKEN: await token(['registry:read', 'registry:usage:report'], 'gateway'),
        SUPERGRAPH_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
        SUPERGRAPH_STARTUP_TIMEOUT_MS: '10000',
        USAGE_REPORT_INTERVAL_MS: String(USAGE_REPORT_INTERVAL_MS),
      }),
      port: 0,
      ...options.gateway,
    };
    gateway = await createGateway(config, { ...options.gatewayDependencies, logger: createLogger('gateway', logLevel) });
    const gatewayUrl = gateway.url;
    return {
      registry: registry!,
      gateway,
      subgraphs: Object.fromEntries(services.map((s) => [s.subgraph.name, s])),
      admin,
      dir,
      token,
      client,
      query: (query, headers = {}) => postGraphQL(gatewayUrl, query, undefined, headers),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Publishes every running data product, one after the other, in name order: customer-service,
 * which extends inventory's Product, goes first, so the order a mesh's pipelines happen to run in
 * is part of what these tests check (an extended entity is described by its owner, not by who
 * publishes first).
 */
async function publishAll(admin: RegistryClient, running: readonly TestSubgraph[]): Promise<void> {
  const products = await loadDataProducts();
  for (const service of [...running].sort((x, y) => x.subgraph.name.localeCompare(y.subgraph.name))) {
    const product = products.find((p) => p.name === service.subgraph.name)!;
    const [sdl, descriptor] = await Promise.all([readFile(product.schemaPath, 'utf8'), readFile(product.descriptorPath, 'utf8')]);
    const result = await admin.publish({ name: product.name, url: service.subgraph.url, sdl, descriptor });
    if (!result.ok) {
      throw new Error(`publishing ${product.name} was refused: ${JSON.stringify(result.report.results.filter((r) => r.severity === 'ERROR'))}`);
    }
  }
}

export interface StartedProduct {
  subgraph: RunningSubgraph;
  /** POSTs an operation to the subgraph itself, signed with the test gateway key as the gateway would. */
  query<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

/**
 * Starts a data product from outside subgraphs/ (one `meshgate init` just wrote) as its own process
 * would: migrations and demo seed on a fresh PGlite under `dataDir`, then `start` on port 0,
 * verifying the test gateway key. No shared template: its folder, and so its data, is new each run.
 */
export async function startDataProduct(definition: DataProductDefinition, dataDir: string): Promise<StartedProduct> {
  const { db } = await prepareDataProductDatabase(definition, { dataDir, seed: 'demo' });
  try {
    const subgraph = await definition.start({ db, port: 0, logger: createLogger(definition.name, process.env.TEST_LOG_LEVEL ?? 'silent'), signatures: testSignatureCheck() });
    return {
      subgraph,
      query: (query, variables) => postSigned(subgraph.url, query, variables, { audience: definition.name }),
      stop: async () => {
        await subgraph.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The registry a command talks to, as a deploy pipeline sets it: MESHGATE_REGISTRY_URL and MESHGATE_TOKEN. */
export function registryEnv(platform: Platform, token: string): Record<string, string> {
  return { MESHGATE_REGISTRY_URL: platform.registry.url, MESHGATE_TOKEN: token };
}

/** Runs `meshgate <argv>` in this process (the CLI's own entry, cli/src/cli.ts), with only `env` as its environment. */
export async function meshgate(argv: readonly string[], env: Record<string, string> = {}, cwd = REPO_ROOT): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { out: (text) => void (stdout += text), err: (text) => void (stderr += text), env, cwd });
  return { code, stdout, stderr };
}

/** Runs the real binary, `node cli/bin/meshgate.js <argv>`, as a child process: what a team's pipeline runs. */
export function meshgateProcess(argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'cli', 'bin', 'meshgate.js'), ...argv],
      // Nothing of this process's environment (NODE_OPTIONS, a developer's MESHGATE_TOKEN) leaks in.
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * A copy of a data product's contract (schema.graphql and dataproduct.yaml) under `parent`, edited:
 * the folder a team's pull request would `meshgate check`. Each edit must change its file, so a
 * test never checks the unchanged contract by mistake.
 */
export async function editedContract(
  sourceDir: string,
  parent: string,
  label: string,
  edits: { schema?: (sdl: string) => string; descriptor?: (yaml: string) => string },
): Promise<string> {
  const name = sourceDir.split('/').filter(Boolean).at(-1)!;
  const dir = join(parent, label, name);
  await mkdir(dir, { recursive: true });
  for (const [file, edit] of [['schema.graphql', edits.schema], ['dataproduct.yaml', edits.descriptor]] as const) {
    const text = await readFile(join(sourceDir, file), 'utf8');
    const edited = edit ? edit(text) : text;
    if (edit && edited === text) throw new Error(`editedContract(${label}): the edit left ${name}/${file} unchanged`);
    await writeFile(join(dir, file), edited);
  }
  return dir;
}

/** A folder to `meshgate init` into, outside subgraphs/, with the repository's packages reachable from it. */
export async function scaffoldParent(parent: string): Promise<string> {
  const dir = join(parent, 'scaffold');
  await mkdir(dir, { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Polls `condition` every `everyMs` until it holds; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, condition: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The generation that answered, from the response header. */
export function servedBy(response: GraphQLResponse): string | null {
  return response.headers.get(SUPERGRAPH_ID_HEADER);
}
