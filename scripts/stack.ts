/**
 * `npm start`: the whole data mesh on one machine, as it is deployed. Starts the schema registry,
 * then every data product found under `subgraphs/` as its own process (own port, own embedded
 * database under ./data unless a DATABASE_URL is set), each publishing itself to the registry once
 * it listens, as a deploy pipeline would; then the gateway, serving the supergraph the registry
 * composes. Waits until the gateway serves every data product, and prints where everything is. A
 * service that exits on its own is restarted with backoff while the rest keep serving (see
 * `afterExit`). Ctrl-C stops all.
 *
 * The data products are the folders present at start: one added while the mesh runs is not started
 * here; its team runs `npx meshgate serve subgraphs/<name>` and `npx meshgate publish subgraphs/<name>`,
 * and the gateway picks it up from the registry without a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { loadAuthenticationConfig } from '../gateway/src/governance/authentication-config.js';
import { mintToken } from '../gateway/src/governance/dev-token.js';
import { listDataProductFolders, type DataProductFolder } from '../shared/dataproduct/folders.js';
import { REPO_ROOT } from '../shared/paths.js';
import { generateSigningKey } from '../shared/signing/ed25519.js';
import { pkcs8Pem } from '../shared/signing/private-keys.js';
import { formatLogLine } from './log-format.js';

const EXAMPLE_QUERY = `{
  products(lowStock: true, limit: 10) {
    sku name totalStock
    promotions { discountPercent campaign { name channel } }
    openTicketCount satisfactionScore
  }
}`;

/** How the launcher restarts a service that exited on its own. */
export interface RestartPolicy {
  /** Wait before the first restart of a streak; each further restart in the streak doubles it. Default 500 ms. */
  readonly firstDelayMs: number;
  /** Longest wait between two restarts. Default 30 s. */
  readonly maxDelayMs: number;
  /** A run at least this long ends the streak: the next exit waits `firstDelayMs` again. Default 30 s. */
  readonly stableAfterMs: number;
  /** More failed starts in a row than this stop the mesh. Default 5. */
  readonly maxFailedStarts: number;
}

export const RESTART_POLICY: RestartPolicy = { firstDelayMs: 500, maxDelayMs: 30_000, stableAfterMs: 30_000, maxFailedStarts: 5 };

/** What the launcher remembers of one service's exits, between runs. */
export interface RestartHistory {
  /** Exits since the service last ran for `stableAfterMs`; the exponent of the backoff. */
  readonly crashes: number;
  /** Runs in a row that exited before the service ever answered its health check. */
  readonly failedStarts: number;
}

export const NO_EXITS: RestartHistory = { crashes: 0, failedStarts: 0 };

/** How one run of a service ended. */
export interface EndedRun {
  readonly uptimeMs: number;
  /** Whether the service answered its `/health` during this run. */
  readonly cameUp: boolean;
}

export type ExitDecision =
  | { readonly action: 'restart'; readonly delayMs: number; readonly restart: number; readonly history: RestartHistory }
  | { readonly action: 'give-up'; readonly failedStarts: number };

/**
 * The restart rule, a pure decision. A service that exits is restarted after 500 ms, 1 s, 2 s, ...
 * up to 30 s, the wait doubling with each exit of a streak; a run of 30 s or more ends the streak.
 * A service that crashes after it came up is restarted however often (a bad request, a lost
 * database: the rest of the mesh keeps serving, and it comes back when the cause goes away). A
 * service that exits more than 5 times in a row before it ever answers its health check cannot
 * start at all (a wrong setting, its port taken, a changed migration): restarting it cannot help,
 * so the launcher gives up on the mesh rather than loop forever.
 */
export function afterExit(history: RestartHistory, run: EndedRun, policy: RestartPolicy = RESTART_POLICY): ExitDecision {
  const crashes = run.uptimeMs >= policy.stableAfterMs ? 1 : history.crashes + 1;
  const failedStarts = run.cameUp ? 0 : history.failedStarts + 1;
  if (failedStarts > policy.maxFailedStarts) return { action: 'give-up', failedStarts };
  const delayMs = Math.min(policy.firstDelayMs * 2 ** (crashes - 1), policy.maxDelayMs);
  return { action: 'restart', delayMs, restart: crashes, history: { crashes, failedStarts } };
}

interface Service {
  name: string;
  entry: string;
  /** Where the service answers `GET /health` with `{ service: name }` once it is up. */
  healthUrl: string;
  /** Its whole environment, the same for every restart. */
  env: NodeJS.ProcessEnv;
  child?: ChildProcess;
  history: RestartHistory;
  /** The pending restart, cleared when the launcher stops. */
  restartTimer?: NodeJS.Timeout;
}

/** A data product the launcher starts, and where the gateway reaches it. */
interface StartedProduct {
  folder: DataProductFolder;
  port: number;
  /** Published as its routing URL. */
  url: string;
}

const GATEWAY_DEFAULT_PORT = 4000;
const REGISTRY_DEFAULT_PORT = 4500;
/** How long the whole mesh may take to come up, registry to gateway. */
const START_TIMEOUT_MS = 180_000;
/** The tokens are minted per run and must outlive it: the gateway polls the registry with its own for as long as the stack runs. */
const TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/** The loopback address of a service bound to `host`: an any-address bind is reached on 127.0.0.1. */
function reachableHost(host: string | undefined): string {
  const reachable = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return reachable.includes(':') ? `[${reachable}]` : reachable;
}

const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;
const gatewayPort = Number(env('GATEWAY_PORT') ?? GATEWAY_DEFAULT_PORT);
const registryPort = Number(env('REGISTRY_PORT') ?? REGISTRY_DEFAULT_PORT);
const registryUrl = `http://${reachableHost(env('REGISTRY_HOST'))}:${registryPort}`;
let services: Service[] = [];
let stopping = false;

/**
 * The data products this run starts, each at `<PREFIX>PORT` or its descriptor's routingUrl port. A
 * folder without `src/main.ts` (a subgraph written in another language, run by its team) is skipped.
 */
async function productsToStart(): Promise<StartedProduct[]> {
  const folders = await listDataProductFolders();
  const problems: string[] = [];
  const products: StartedProduct[] = [];
  for (const folder of folders) {
    if (!existsSync(join(folder.dir, 'src', 'main.ts'))) {
      console.log(`${folder.name}: no src/main.ts, not started here (run it yourself and publish it with npx meshgate publish)`);
      continue;
    }
    const p = folder.envPrefix;
    const port = env(`${p}PORT`) ?? folder.defaultPort;
    if (port === undefined) {
      problems.push(`${folder.name}: expected ${p}PORT or a routingUrl in ${folder.descriptorPath} (neither is set)`);
      continue;
    }
    // Published as its routing URL: the descriptor's, unless the port was moved or the operator says where it is.
    const moved = env(`${p}PORT`) !== undefined || env(`${p}HOST`) !== undefined;
    const url = env(`${p}URL`) ?? (moved || !folder.routingUrl ? `http://${reachableHost(env(`${p}HOST`))}:${port}/graphql` : folder.routingUrl);
    products.push({ folder, port: Number(port), url });
  }
  if (problems.length) throw new Error(`Cannot start the data products:\n  - ${problems.join('\n  - ')}`);
  if (products.length === 0) throw new Error('No data product to start: expected folders with a dataproduct.yaml and src/main.ts under subgraphs/');
  return products;
}

/**
 * Registry tokens, minted with the JWT settings the gateway and the registry both read: each data
 * product may publish only itself (as its deploy pipeline would), the gateway may read and report usage.
 */
async function mintRegistryToken(subject: string, scopes: string[]): Promise<string> {
  const config = loadAuthenticationConfig(process.env);
  if (config.kind !== 'hs256') {
    throw new Error(
      `npm start mints the registry tokens with the gateway's shared secret, but it is configured for ${config.kind === 'jwks' ? 'JWT_JWKS_URL' : 'JWT_JWKS_FILE'}; ` +
        'unset it to use JWT_SECRET or the development secret',
    );
  }
  return mintToken({ subject, scopes, secret: config.secret, issuer: config.issuer, audience: config.audience, ttlSeconds: TOKEN_TTL_SECONDS });
}

/**
 * What the gateway and the subgraphs need to trust each other (MESHGATE_SIGNING, shared/signing/).
 * Unless the operator chose the material, each run makes its own and hands the same to every restart,
 * so no stack started here relies on a public development secret and a restarted gateway keeps the
 * key the subgraphs already trust.
 */
function signingEnv(): { subgraphs: NodeJS.ProcessEnv; gateway: NodeJS.ProcessEnv } {
  if (env('MESHGATE_SIGNING') === 'hmac') {
    // A secret the gateway signs with and every subgraph verifies.
    const secret = { MESHGATE_SUBGRAPH_SECRET: env('MESHGATE_SUBGRAPH_SECRET') ?? randomBytes(32).toString('base64url') };
    return { subgraphs: secret, gateway: secret };
  }
  // Ed25519 (the default): the gateway signs with a private key; the subgraphs fetch its public keys
  // from where this run's gateway serves them, unless they were given a JWKS file.
  const keyGiven = env('MESHGATE_SIGNING_KEY') !== undefined || env('MESHGATE_SIGNING_KEY_FILE') !== undefined;
  const jwksGiven = env('MESHGATE_GATEWAY_JWKS_URL') !== undefined || env('MESHGATE_GATEWAY_JWKS_FILE') !== undefined;
  return {
    subgraphs: jwksGiven ? {} : { MESHGATE_GATEWAY_JWKS_URL: `http://${reachableHost(env('GATEWAY_HOST'))}:${gatewayPort}/.well-known/jwks.json` },
    gateway: keyGiven ? {} : { MESHGATE_SIGNING_KEY: pkcs8Pem([generateSigningKey()]) },
  };
}

async function defineServices(products: StartedProduct[]): Promise<Service[]> {
  const signing = signingEnv();
  const base = { ...process.env };
  const registry: Service = {
    name: 'registry',
    entry: join(REPO_ROOT, 'registry', 'src', 'main.ts'),
    healthUrl: `${registryUrl}/health`,
    env: base,
    history: NO_EXITS,
  };
  const subgraphs = await Promise.all(
    products.map(async ({ folder, port, url }): Promise<Service> => ({
      name: folder.name,
      entry: join(folder.dir, 'src', 'main.ts'),
      healthUrl: `http://${reachableHost(env(`${folder.envPrefix}HOST`))}:${port}/health`,
      env: {
        ...base,
        ...signing.subgraphs,
        [`${folder.envPrefix}URL`]: url,
        MESHGATE_REGISTRY_URL: registryUrl,
        MESHGATE_TOKEN: await mintRegistryToken(`npm-start/${folder.name}`, [`registry:publish:${folder.name}`, 'registry:read']),
      },
      history: NO_EXITS,
    })),
  );
  const gateway: Service = {
    name: 'gateway',
    entry: join(REPO_ROOT, 'gateway', 'src', 'main.ts'),
    healthUrl: `http://${reachableHost(env('GATEWAY_HOST'))}:${gatewayPort}/health`,
    env: {
      ...base,
      ...signing.gateway,
      SUPERGRAPH_SOURCE: 'registry',
      MESHGATE_REGISTRY_URL: registryUrl,
      MESHGATE_REGISTRY_TOKEN: await mintRegistryToken('npm-start/gateway', ['registry:read', 'registry:usage:report']),
    },
    history: NO_EXITS,
  };
  return [registry, ...subgraphs, gateway];
}

function start(service: Service): void {
  const child = spawn(process.execPath, ['--import', 'tsx', service.entry], {
    cwd: REPO_ROOT,
    env: service.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  service.child = child;
  const startedAt = Date.now();
  const restart = service.history.crashes;
  console.log(`${service.name} started (pid ${child.pid}${restart ? `, restart ${restart}` : ''})`);
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      const shown = formatLogLine(service.name, line);
      if (shown) console.log(shown);
    });
  }
  let exited = false;
  let cameUp = false;
  void waitUntilUp(service, () => exited).then((up) => {
    cameUp = up;
    if (up && restart) console.log(`${service.name} is back up (pid ${child.pid}, restart ${restart})`);
  });
  // Without this listener a failed spawn would throw in the launcher; 'exit' may not follow it.
  child.on('error', (error) => console.error(`${service.name}: ${error.message}`));
  child.on('exit', (code, signal) => {
    exited = true;
    if (stopping) return;
    const how = signal ?? `code ${code}`;
    const decision = afterExit(service.history, { uptimeMs: Date.now() - startedAt, cameUp });
    switch (decision.action) {
      case 'restart':
        service.history = decision.history;
        console.error(
          `${service.name} exited unexpectedly (${how}); restarting in ${(decision.delayMs / 1000).toFixed(1)} s (restart ${decision.restart})`,
        );
        service.restartTimer = setTimeout(() => {
          service.restartTimer = undefined;
          if (!stopping) start(service);
        }, decision.delayMs);
        return;
      case 'give-up':
        console.error(
          `${service.name} exited unexpectedly (${how}) and failed to start ${decision.failedStarts} times in a row; ` +
            `giving up: stopping the mesh (check its log lines above).`,
        );
        void stopAll(1);
        return;
      default: {
        const unexpected: never = decision;
        throw new Error(`unhandled exit decision ${JSON.stringify(unexpected)}`);
      }
    }
  });
}

/** Polls the service's `/health` until it answers as itself (true), or its process exits or the launcher stops (false). */
async function waitUntilUp(service: Service, exited: () => boolean): Promise<boolean> {
  while (!exited() && !stopping) {
    try {
      const response = await fetch(service.healthUrl, { signal: AbortSignal.timeout(1000) });
      const body = (await response.json()) as { service?: string };
      // Checked by name: another process on the same port must not pass for this service.
      if (response.ok && body.service === service.name) return !exited();
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const service of services) clearTimeout(service.restartTimer);
  await Promise.all(
    services.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(exitCode);
}

/** Polls `/health` across restarts until the service answers as itself (true), or the launcher stops (false). */
async function untilUp(service: Service, deadline: number): Promise<boolean> {
  while (!stopping) {
    if (Date.now() > deadline) throw new Error(`${service.name} did not come up at ${service.healthUrl} within the start-up time (see its log lines above)`);
    try {
      const response = await fetch(service.healthUrl, { signal: AbortSignal.timeout(1000) });
      const body = (await response.json()) as { service?: string };
      if (response.ok && body.service === service.name) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * True once the gateway is ready and its supergraph holds every data product started here (each
 * reaches it by publishing itself to the registry); false when the launcher is stopping (it gave up, or Ctrl-C).
 */
async function waitUntilReady(url: string, expected: readonly string[], deadline: number): Promise<boolean> {
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (stopping) return false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = (await response.json()) as { status?: string; reason?: string; subgraphs?: { name: string; status: string }[] };
      const served = new Map((body.subgraphs ?? []).map((s) => [s.name, s.status]));
      const waiting = expected.flatMap((name) => {
        const status = served.get(name);
        if (status === undefined) return [`${name} not in the served supergraph yet`];
        return status === 'up' ? [] : [`${name} not up yet`];
      });
      if (body.status === 'ready' && waiting.length === 0) return true;
      last = [...waiting, ...(body.reason ? [body.reason] : [])].join(', ') || `gateway status ${body.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The stack did not become ready within ${START_TIMEOUT_MS / 1000} s (${last})`);
}

async function run(): Promise<void> {
  process.on('SIGINT', () => {
    console.log('\nStopping the stack…');
    void stopAll(0);
  });
  process.on('SIGTERM', () => void stopAll(0));

  const started = Date.now();
  const deadline = started + START_TIMEOUT_MS;
  try {
    const products = await productsToStart();
    services = await defineServices(products);
    const registry = services[0];
    const subgraphs = services.slice(1, -1);
    const gateway = services[services.length - 1];
    // In deployment order: the registry first (each data product publishes to it), the data products
    // (the gateway's supergraph is what they published), the gateway last.
    start(registry);
    if (!(await untilUp(registry, deadline))) return;
    for (const service of subgraphs) start(service);
    if (!(await Promise.all(subgraphs.map((s) => untilUp(s, deadline)))).every(Boolean)) return;
    start(gateway);
    if (!(await waitUntilReady(`http://${reachableHost(env('GATEWAY_HOST'))}:${gatewayPort}/ready`, subgraphs.map((s) => s.name), deadline))) return;
    const gatewayUrl = `http://localhost:${gatewayPort}/graphql`;
    const registryApi = `${registryUrl.replace('127.0.0.1', 'localhost')}/graphql`;
    console.log(`
Meshgate is up in ${((Date.now() - started) / 1000).toFixed(1)} s.

  Gateway (one endpoint for every domain): ${gatewayUrl}   (GraphiQL in a browser)
  Data catalog (products, owners, access, promises): ${gatewayUrl.replace(/\/graphql$/, '/')}
  Metrics (Prometheus): ${gatewayUrl.replace(/\/graphql$/, '/metrics')}, and /metrics on every service
  Registry (subgraph versions, supergraphs, checks): ${registryApi}
${products.map((p) => `  ${p.folder.name.padEnd(17)} subgraph: ${p.url}`).join('\n')}

Try the cross-domain query (inventory + marketing + customer-service in one request):

  curl -s ${gatewayUrl} -H 'content-type: application/json' \\
    -d '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'

Restricted fields (Product.unitCost, Customer.email, support tickets…) need a token:

  TOKEN=$(npm run -s token -- --sub alice --scope "finance:read support:read" --roles pii-reader)
  curl -s ${gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ products(limit: 3) { sku unitCost } customer(id: \\"7\\") { name email } }"}'

Ship a change while the mesh runs (a new data product: npx meshgate serve subgraphs/<name> first):

  MESHGATE_REGISTRY_URL=${registryUrl} MESHGATE_TOKEN=$(npm run -s token -- --sub <you> --scope registry:publish:<name>) npx meshgate publish subgraphs/<name>

A service that exits is restarted; Ctrl-C stops everything.
`);
  } catch (error) {
    console.error((error as Error).message);
    await stopAll(1);
  }
}

// Run only as the entry point (compared through realpath, as Node resolves the entry's symlinks):
// the restart rule above is imported by its table test.
if (process.argv[1] && pathToFileURL(realpathSync(resolve(process.argv[1]))).href === import.meta.url) await run();
