/**
 * SKELETON of the side-by-side benchmark (`npm run bench` to come): Meshgate (authorization on/off),
 * stock @apollo/gateway + @apollo/server, Hive Gateway, and no gateway (direct subgraph), all over
 * the SAME benchmark-only subgraph instances (signature verification off), loaded with autocannon.
 *
 * Processes: this driver (autocannon) | one subgraph host (3 subgraphs, pglite) | one gateway at a time.
 * Every peer's answer is checked (parsed JSON equal to the first peer's) before it is loaded, and
 * autocannon's expectBody counts any later drift as mismatches.
 *
 *   cd bench && npm install --no-audit --no-fund      # once: Hive Gateway, autocannon
 *   cd .. && npx tsx bench/side-by-side/run.ts [--duration 10] [--connections 16] [--only hive,apollo]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { REPO_ROOT } from '../../shared/paths.js';
import { allowedEverything } from '../../test/support/tokens.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '3' },
    only: { type: 'string' },
    out: { type: 'string', default: '/tmp/meshgate-bench' },
  },
});
const BENCH = join(REPO_ROOT, 'bench');
const CROSS_DOMAIN = `{ products(lowStock: true, limit: 10) { sku name totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore } }`;
const SINGLE_DOMAIN = `{ products(lowStock: true, limit: 10) { sku name totalStock } }`;

interface Peer {
  name: string;
  /** Starts the peer on `port`; resolves to its GraphQL URL. */
  start(port: number, sg: Supergraphs): { child: ChildProcess; url: string };
  queries: string[];
}
interface Supergraphs {
  urls: Record<string, string>;
  full: string;
  stripped: string;
  statsUrl: string;
}

const tsx = (file: string, args: string[], env: Record<string, string> = {}) =>
  // `--import tsx` in one process (no tsx wrapper process), so kill(pid) stops the server itself.
  spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

const meshgate = (authz: boolean): Peer => ({
  name: `meshgate-authz-${authz ? 'on' : 'off'}`,
  queries: [CROSS_DOMAIN, SINGLE_DOMAIN],
  start: (port, sg) => ({
    child: tsx('gateway/src/main.ts', [], {
      SUPERGRAPH_PATH: sg.full,
      GATEWAY_PORT: String(port),
      AUTHZ_ENABLED: String(authz),
      LOG_LEVEL: process.env.MESHGATE_BENCH_LOG_LEVEL ?? 'warn',
    }),
    url: `http://127.0.0.1:${port}/graphql`,
  }),
});
const PEERS: Peer[] = [
  meshgate(true),
  meshgate(false),
  {
    name: 'apollo-gateway',
    queries: [CROSS_DOMAIN, SINGLE_DOMAIN],
    start: (port, sg) => ({ child: tsx('bench/side-by-side/apollo.ts', ['--supergraph', sg.stripped, '--port', String(port)]), url: `http://127.0.0.1:${port}/` }),
  },
  hive('hive-gateway'),
  // Same, with upstream in-flight dedup off (see hive-dedup-off.config.ts): a fixed query at -c 16
  // otherwise lets Hive answer many client requests with one subgraph call.
  hive('hive-gateway-dedup-off', join(BENCH, 'side-by-side/hive-dedup-off.config.ts')),
];

function hive(name: string, configPath?: string): Peer {
  return {
    name,
    queries: [CROSS_DOMAIN, SINGLE_DOMAIN],
    start: (port, sg) => ({
      // Default settings; only host/port given. cwd = bench/, where no gateway.config.* is picked up.
      child: spawn(
        process.execPath,
        [
          join(BENCH, 'node_modules/@graphql-hive/gateway/dist/bin.js'),
          'supergraph',
          sg.stripped,
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          ...(configPath ? ['--config-path', configPath] : []),
        ],
        { cwd: BENCH, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
      url: `http://127.0.0.1:${port}/graphql`,
    }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function post(url: string, query: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, text: await response.text() };
}

async function waitReady(url: string, headers: Record<string, string>, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`peer exited with ${child.exitCode}:\n${log()}`);
    try {
      const { status } = await post(url, '{ __typename }', headers);
      if (status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`peer not ready after 60 s:\n${log()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function capture(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (d) => (text = (text + d).slice(-4000)));
  child.stderr?.on('data', (d) => (text = (text + d).slice(-4000)));
  return () => text;
}

async function load(url: string, query: string, headers: Record<string, string>, seconds: number, expectBody?: string) {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
    connections: Number(values.connections),
    duration: seconds,
    ...(expectBody === undefined ? {} : { expectBody }),
  });
}

// --- subgraphs ----------------------------------------------------------------------------------
const host = tsx('bench/side-by-side/subgraphs.ts', ['--out', values.out!]);
const hostLog = capture(host);
const sg: Supergraphs = await new Promise((resolve, reject) => {
  let buffered = '';
  host.stdout!.on('data', (d) => {
    buffered += d;
    const line = buffered.split('\n').find((l) => l.startsWith('READY '));
    if (line) resolve(JSON.parse(line.slice(6)));
  });
  host.once('exit', (code) => reject(new Error(`subgraph host exited with ${code}:\n${hostLog()}`)));
});
const headers = await allowedEverything();
const only = values.only?.split(',');
const rows: { peer: string; query: string; rps: number; p50: number; p99: number; non2xx: number; errors: number; mismatches: number; sqlPerRequest: number }[] = [];
const sqlSinceLastCall = async () => Object.values((await (await fetch(sg.statsUrl)).json()) as Record<string, number>).reduce((a, b) => a + b, 0);
const reference = new Map<string, unknown>();

async function measure(peer: string, url: string, query: string) {
  const first = await post(url, query, headers);
  const parsed = JSON.parse(first.text);
  if (first.status !== 200 || parsed.errors) throw new Error(`${peer}: unexpected answer ${first.text.slice(0, 300)}`);
  const key = query === CROSS_DOMAIN ? 'cross-domain' : 'inventory-only';
  if (!reference.has(key)) reference.set(key, parsed);
  else if (JSON.stringify(reference.get(key)) !== JSON.stringify(parsed)) throw new Error(`${peer}: answer differs from the first peer's`);
  await load(url, query, headers, Number(values.warmup));
  await sqlSinceLastCall();
  const r = await load(url, query, headers, Number(values.duration), first.text);
  const sqlPerRequest = (await sqlSinceLastCall()) / r.requests.total;
  rows.push({ peer, query: key, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, mismatches: (r as any).mismatches ?? 0, sqlPerRequest });
  console.error(
    `${peer.padEnd(24)} ${key.padEnd(15)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  SQL/req ${sqlPerRequest.toFixed(2)}  non2xx ${r.non2xx} mismatches ${(r as any).mismatches ?? 0}`,
  );
}

try {
  // Warm the subgraphs (JIT, pglite caches) before the first measured peer.
  await load(sg.urls.inventory, SINGLE_DOMAIN, headers, Number(values.warmup));
  // No gateway: the inventory subgraph directly, inventory-only query (the cross-domain one needs a gateway).
  if (!only || only.includes('direct')) await measure('direct-subgraph', sg.urls.inventory, SINGLE_DOMAIN);
  for (const peer of PEERS) {
    if (only && !only.some((o) => peer.name.startsWith(o))) continue;
    const { child, url } = peer.start(await freePort(), sg);
    const log = capture(child);
    try {
      await waitReady(url, headers, child, log);
      for (const query of peer.queries) await measure(peer.name, url, query);
    } finally {
      await stopChild(child);
    }
  }
} finally {
  await stopChild(host);
}
console.log(JSON.stringify({ connections: Number(values.connections), duration: Number(values.duration), node: process.version, rows }, null, 2));
