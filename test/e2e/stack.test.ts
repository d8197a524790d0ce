import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../../gateway/src/governance/dev-token.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { afterExit, NO_EXITS, type EndedRun, type ExitDecision, type RestartHistory } from '../../scripts/stack.js';
import { loadDataProducts } from '../support/data-products.js';
import { postGraphQL, type GraphQLResponse } from '../support/http.js';
import { ensureTemplate } from '../support/templates.js';

describe('the launcher\'s restart rule', () => {
  it.each<[string, RestartHistory, EndedRun, ExitDecision]>([
    ['a first exit after coming up waits 500 ms', NO_EXITS, { uptimeMs: 4000, cameUp: true },
      { action: 'restart', delayMs: 500, restart: 1, history: { crashes: 1, failedStarts: 0 } }],
    ['a restart that never came up doubles the wait', { crashes: 1, failedStarts: 0 }, { uptimeMs: 900, cameUp: false },
      { action: 'restart', delayMs: 1000, restart: 2, history: { crashes: 2, failedStarts: 1 } }],
    ['the wait doubles up to 30 s', { crashes: 6, failedStarts: 0 }, { uptimeMs: 2000, cameUp: true },
      { action: 'restart', delayMs: 30_000, restart: 7, history: { crashes: 7, failedStarts: 0 } }],
    ['a service that keeps crashing after coming up is restarted every 30 s, never given up', { crashes: 40, failedStarts: 0 }, { uptimeMs: 2000, cameUp: true },
      { action: 'restart', delayMs: 30_000, restart: 41, history: { crashes: 41, failedStarts: 0 } }],
    ['a run of 30 s ends the streak', { crashes: 7, failedStarts: 0 }, { uptimeMs: 30_000, cameUp: true },
      { action: 'restart', delayMs: 500, restart: 1, history: { crashes: 1, failedStarts: 0 } }],
    ['a run that came up ends the failed starts', { crashes: 5, failedStarts: 5 }, { uptimeMs: 3000, cameUp: true },
      { action: 'restart', delayMs: 16_000, restart: 6, history: { crashes: 6, failedStarts: 0 } }],
    ['a fifth failed start in a row is still restarted', { crashes: 4, failedStarts: 4 }, { uptimeMs: 800, cameUp: false },
      { action: 'restart', delayMs: 8000, restart: 5, history: { crashes: 5, failedStarts: 5 } }],
    ['a sixth failed start in a row gives up', { crashes: 5, failedStarts: 5 }, { uptimeMs: 800, cameUp: false },
      { action: 'give-up', failedStarts: 6 }],
    ['a long start-up that never came up still counts as failed', { crashes: 5, failedStarts: 5 }, { uptimeMs: 60_000, cameUp: false },
      { action: 'give-up', failedStarts: 6 }],
  ])('%s', (_name, history, run, expected) => {
    expect(afterExit(history, run)).toEqual(expected);
  });
});

/**
 * `npm start` for real: the registry, every data product under subgraphs/ (each publishing itself
 * to the registry) and the gateway serving the registry's supergraph, as processes with real HTTP
 * between them; Ctrl-C stops them all.
 */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const products = await loadDataProducts();

describe('npm start', () => {
  let dataDir: string;
  let stack: ChildProcess;
  let output = '';
  /** Keeps a killed subgraph's port taken, so that its restart cannot listen (see the restart case). */
  let portHolder: Server | undefined;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meshgate-e2e-'));
    env.GATEWAY_PORT = String(await freePort());
    env.REGISTRY_PORT = String(await freePort());
    env.REGISTRY_DATA_DIR = join(dataDir, 'registry');
    for (const product of products) {
      const port = await freePort();
      // Only the port is moved: the launcher publishes each data product at the URL it then listens on.
      env[`${product.envPrefix}PORT`] = String(port);
      // A copy of the seeded template stands for the data a first start leaves behind.
      env[`${product.envPrefix}DATA_DIR`] = join(dataDir, product.name);
      await cp(await ensureTemplate(product), env[`${product.envPrefix}DATA_DIR`], { recursive: true });
    }
    stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, NODE_OPTIONS: '', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout!.on('data', (chunk) => (output += chunk));
    stack.stderr!.on('data', (chunk) => (output += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stack not up within 120 s:\n${output}`)), 120_000);
      const check = () => {
        if (output.includes('Meshgate is up')) {
          clearTimeout(timer);
          resolve();
        }
      };
      stack.stdout!.on('data', check);
      stack.once('exit', (code) => reject(new Error(`stack exited with ${code}:\n${output}`)));
    });
  }, 150_000);

  afterAll(async () => {
    if (stack && stack.exitCode === null) stack.kill('SIGKILL');
    if (portHolder?.listening) await new Promise((resolve) => portHolder!.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Resolves with the first match of `pattern` in the launcher's output after `from`; rejects if the launcher exits first. */
  function waitForOutput(pattern: RegExp, from: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = output.slice(from).match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`the launcher exited (${code}) before printing ${pattern}:\n${output.slice(from)}`));
      };
      // Not an assertion on time: only so that a launcher that never prints the line fails the test with its output.
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the launcher did not print ${pattern}; its output since:\n${output.slice(from)}`));
      }, 60_000);
      const cleanup = () => {
        clearTimeout(timer);
        stack.stdout!.off('data', check);
        stack.stderr!.off('data', check);
        stack.off('exit', onExit);
      };
      stack.stdout!.on('data', check);
      stack.stderr!.on('data', check);
      stack.once('exit', onExit);
      check();
    });
  }

  it('prints where everything is, an example query to try and how to publish', () => {
    expect(output).toContain(`Gateway (one endpoint for every domain): http://localhost:${env.GATEWAY_PORT}/graphql`);
    expect(output).toContain(`Registry (subgraph versions, supergraphs, checks): http://localhost:${env.REGISTRY_PORT}/graphql`);
    for (const product of products) expect(output).toContain(`${product.name.padEnd(17)} subgraph: http://127.0.0.1:${env[`${product.envPrefix}PORT`]}/graphql`);
    expect(output).toContain('products(lowStock: true, limit: 10)');
    expect(output).toContain(`MESHGATE_REGISTRY_URL=http://127.0.0.1:${env.REGISTRY_PORT} MESHGATE_TOKEN=$(npm run -s token -- --sub <you> --scope registry:publish:<name>) npx meshgate publish subgraphs/<name>`);
    // In deployment order: the registry, the data products, the gateway.
    const order = ['registry', ...products.map((p) => p.name), 'gateway'].map((name) => output.search(new RegExp(`^${name} started \\(pid \\d+\\)$`, 'm')));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order[0]).toBeLessThan(Math.min(...order.slice(1, -1)));
    expect(order[order.length - 1]).toBeGreaterThan(Math.max(...order.slice(1, -1)));
  });

  it('has every data product publish itself to the registry with its own token, and the gateway serve what the registry composed', async () => {
    const registry = `http://127.0.0.1:${env.REGISTRY_PORT}`;
    const token = await mintToken({ subject: 'e2e-reader', scopes: ['registry:read'] });
    const response = await fetch(`${registry}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ subgraphs { name url publisher } supergraph { id inputs { name } } }' }),
    });
    const { data, errors } = (await response.json()) as {
      data: { subgraphs: { name: string; url: string; publisher: string }[]; supergraph: { id: string; inputs: { name: string }[] } };
      errors?: unknown;
    };
    expect(errors).toBeUndefined();
    expect(data.subgraphs.map((s) => s.name).sort()).toEqual(products.map((p) => p.name).sort());
    for (const product of products) {
      expect(data.subgraphs.find((s) => s.name === product.name)).toEqual({
        name: product.name,
        url: `http://127.0.0.1:${env[`${product.envPrefix}PORT`]}/graphql`,
        publisher: `npm-start/${product.name}`,
      });
    }
    expect(data.supergraph.inputs.map((i) => i.name).sort()).toEqual(products.map((p) => p.name).sort());
    const ready = (await (await fetch(`http://127.0.0.1:${env.GATEWAY_PORT}/ready`)).json()) as { supergraph: { id: string; source: string } };
    expect(ready.supergraph).toMatchObject({ id: data.supergraph.id, source: 'registry' });
  });

  it('answers the cross-domain query through the gateway process', async () => {
    const { body } = await postGraphQL(
      `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`,
      '{ products(lowStock: true, limit: 10) { sku totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore } }',
    );
    expect(body.errors).toBeUndefined();
    expect((body.data as any).products).toHaveLength(10);
  });

  it('restarts a subgraph that exits, while the gateway answers without it, until it is back', async () => {
    const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`;
    const query = '{ products(limit: 3) { sku totalStock promotions { discountPercent } } }';
    const pid = Number(output.match(/^marketing started \(pid (\d+)\)$/m)?.[1]);
    expect(pid).toBeGreaterThan(0);
    const from = output.length;
    process.kill(pid, 'SIGKILL');
    await waitForOutput(/^marketing exited unexpectedly \(SIGKILL\); restarting in 0\.5 s \(restart 1\)$/m, from);

    // Its first restart cannot listen while the port is held: marketing stays down as long as we look.
    portHolder = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      portHolder!.once('error', reject);
      portHolder!.listen(Number(env.MARKETING_PORT), '127.0.0.1', resolve);
    });
    const during = await postGraphQL(gateway, query);
    expect(during.status).toBe(200);
    const products = (during.body.data as any).products;
    expect(products).toHaveLength(3);
    expect(products.every((p: any) => p.promotions === null && Number.isInteger(p.totalStock))).toBe(true);
    expect(during.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('Subgraph "marketing" is unavailable'),
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'marketing' },
      }),
    ]);

    await waitForOutput(/^marketing exited unexpectedly \(code 1\); restarting in 1\.0 s \(restart 2\)$/m, from);
    await new Promise((resolve) => portHolder!.close(resolve));
    await waitForOutput(/^marketing is back up \(pid \d+, restart 2\)$/m, from);
    expect(output.slice(from)).not.toMatch(/giving up|Stopping the stack/);

    // The gateway learns on its next fetch that marketing is back, but a pooled connection to the
    // killed process (or a circuit still open) may fail a request or two: ask until an answer is
    // whole, for up to a minute.
    let after: GraphQLResponse | undefined;
    for (let attempt = 0; attempt < 240 && (after === undefined || after.body.errors); attempt++) {
      if (after) await new Promise((resolve) => setTimeout(resolve, 250));
      after = await postGraphQL(gateway, query);
    }
    expect(after!.body.errors).toBeUndefined();
    expect((after!.body.data as any).products.every((p: any) => Array.isArray(p.promotions))).toBe(true);
  }, 90_000);

  it('stops every process cleanly on Ctrl-C', async () => {
    expect({ exitCode: stack.exitCode, signalCode: stack.signalCode }).toEqual({ exitCode: null, signalCode: null });
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    stack.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of [env.GATEWAY_PORT, env.REGISTRY_PORT, ...products.map((p) => env[`${p.envPrefix}PORT`])]) {
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    }
  });
});
