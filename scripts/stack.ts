/**
 * `npm start`: the whole data mesh on one machine. Starts every data product as its own process
 * (own port, own embedded database under ./data unless a DATABASE_URL is set), then the gateway,
 * waits until the gateway sees every subgraph, and prints where everything is. A service that exits
 * on its own is restarted with backoff while the rest keep serving (see `afterExit`). Ctrl-C stops all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { DOMAINS, GATEWAY_DEFAULT_PORT } from '../shared/domains.js';
import { REPO_ROOT } from '../shared/paths.js';
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
  child?: ChildProcess;
  history: RestartHistory;
  /** The pending restart, cleared when the launcher stops. */
  restartTimer?: NodeJS.Timeout;
}

/** `/health` of a service listening on `host:port`; an any-address bind is reached on the loopback. */
function healthUrl(host: string | undefined, port: number): string {
  const reachable = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/health`;
}

const gatewayPort = Number(process.env.GATEWAY_PORT ?? GATEWAY_DEFAULT_PORT);
const services: Service[] = [
  ...DOMAINS.map((d) => ({
    name: d.name,
    entry: join(REPO_ROOT, 'subgraphs', d.dir, 'src', 'main.ts'),
    healthUrl: healthUrl(process.env[`${d.envPrefix}HOST`], Number(process.env[`${d.envPrefix}PORT`] ?? d.defaultPort)),
    history: NO_EXITS,
  })),
  {
    name: 'gateway',
    entry: join(REPO_ROOT, 'gateway', 'src', 'main.ts'),
    healthUrl: healthUrl(process.env.GATEWAY_HOST, gatewayPort),
    history: NO_EXITS,
  },
];
let stopping = false;

// The gateway signs every subgraph request with this secret and the subgraphs verify it. Unless the
// operator chose one, each run makes its own, so no stack started here relies on the public development secret.
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  MESHGATE_SUBGRAPH_SECRET: process.env.MESHGATE_SUBGRAPH_SECRET?.trim() || randomBytes(32).toString('base64url'),
};

function start(service: Service): void {
  const child = spawn(process.execPath, ['--import', 'tsx', service.entry], {
    cwd: REPO_ROOT,
    env: childEnv,
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

/** True once the gateway sees every subgraph up; false when the launcher is stopping (it gave up, or Ctrl-C). */
async function waitUntilReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (stopping) return false;
    try {
      const response = await fetch(url);
      const body = (await response.json()) as { status: string; subgraphs: { name: string; status: string }[] };
      if (body.status === 'ready') return true;
      last = body.subgraphs.filter((s) => s.status !== 'up').map((s) => `${s.name} not up yet`).join(', ');
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The stack did not become ready within ${timeoutMs / 1000} s (${last})`);
}

async function run(): Promise<void> {
  process.on('SIGINT', () => {
    console.log('\nStopping the stack…');
    void stopAll(0);
  });
  process.on('SIGTERM', () => void stopAll(0));

  const started = Date.now();
  for (const service of services) start(service);
  try {
    if (!(await waitUntilReady(`http://127.0.0.1:${gatewayPort}/ready`, 180_000))) return;
    // The gateway's /ready names no hosts: the launcher knows where it started each subgraph.
    const subgraphs = services.filter((s) => s.name !== 'gateway').map((s) => ({ name: s.name, url: s.healthUrl.replace(/\/health$/, '/graphql') }));
    const gatewayUrl = `http://localhost:${gatewayPort}/graphql`;
    console.log(`
Meshgate is up in ${((Date.now() - started) / 1000).toFixed(1)} s.

  Gateway (one endpoint for every domain): ${gatewayUrl}
${subgraphs.map((s) => `  ${s.name.padEnd(17)} subgraph: ${s.url}`).join('\n')}

Try the cross-domain query (inventory + marketing + customer-service in one request):

  curl -s ${gatewayUrl} -H 'content-type: application/json' \\
    -d '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'

Restricted fields (Product.unitCost, Customer.email, support tickets…) need a token:

  TOKEN=$(npm run -s token -- --sub alice --scope "finance:read support:read" --roles pii-reader)
  curl -s ${gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ products(limit: 3) { sku unitCost } customer(id: \\"7\\") { name email } }"}'

or open ${gatewayUrl} in a browser for Apollo Sandbox. A service that exits is restarted; Ctrl-C stops everything.
`);
  } catch (error) {
    console.error((error as Error).message);
    await stopAll(1);
  }
}

// Run only as the entry point (compared through realpath, as Node resolves the entry's symlinks):
// the restart rule above is imported by its table test.
if (process.argv[1] && pathToFileURL(realpathSync(resolve(process.argv[1]))).href === import.meta.url) await run();
