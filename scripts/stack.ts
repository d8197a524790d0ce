/**
 * `npm start`: the whole data mesh on one machine. Starts every data product as its own process
 * (own port, own embedded database under ./data unless a DATABASE_URL is set), then the gateway,
 * waits until the gateway sees every subgraph, and prints where everything is. Ctrl-C stops all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

interface Service {
  name: string;
  entry: string;
  child?: ChildProcess;
}

const services: Service[] = [
  ...DOMAINS.map((d) => ({ name: d.name, entry: join(REPO_ROOT, 'subgraphs', d.dir, 'src', 'main.ts') })),
  { name: 'gateway', entry: join(REPO_ROOT, 'gateway', 'src', 'main.ts') },
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
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      const shown = formatLogLine(service.name, line);
      if (shown) console.log(shown);
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the stack.`);
    void stopAll(1);
  });
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
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

async function waitUntilReady(url: string, timeoutMs: number): Promise<{ name: string; url: string }[]> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url);
      const body = (await response.json()) as { status: string; subgraphs: { name: string; url: string; status: string }[] };
      if (body.status === 'ready') return body.subgraphs;
      last = body.subgraphs.filter((s) => s.status !== 'up').map((s) => `${s.name} not up yet`).join(', ');
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The stack did not become ready within ${timeoutMs / 1000} s (${last})`);
}

process.on('SIGINT', () => {
  console.log('\nStopping the stack…');
  void stopAll(0);
});
process.on('SIGTERM', () => void stopAll(0));

const started = Date.now();
for (const service of services) start(service);
const gatewayPort = Number(process.env.GATEWAY_PORT ?? GATEWAY_DEFAULT_PORT);
try {
  const subgraphs = await waitUntilReady(`http://127.0.0.1:${gatewayPort}/ready`, 180_000);
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

or open ${gatewayUrl} in a browser for Apollo Sandbox. Ctrl-C stops everything.
`);
} catch (error) {
  console.error((error as Error).message);
  await stopAll(1);
}
