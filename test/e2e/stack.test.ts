import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMAINS } from '../../shared/domains.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { DATA_PRODUCTS } from '../support/data-products.js';
import { postGraphQL } from '../support/http.js';
import { ensureTemplate } from '../support/templates.js';

/** `npm start` for real: four processes, real HTTP between them, Ctrl-C stops them all. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dataDir: string;
let stack: ChildProcess;
let output = '';
const env: Record<string, string> = {};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'meshgate-e2e-'));
  env.GATEWAY_PORT = String(await freePort());
  for (const [i, domain] of DOMAINS.entries()) {
    const port = await freePort();
    env[`${domain.envPrefix}PORT`] = String(port);
    env[`${domain.envPrefix}URL`] = `http://127.0.0.1:${port}/graphql`;
    // A copy of the seeded template stands for the data a first start leaves behind.
    env[`${domain.envPrefix}DATA_DIR`] = join(dataDir, domain.dir);
    await cp(await ensureTemplate(DATA_PRODUCTS[i]), env[`${domain.envPrefix}DATA_DIR`], { recursive: true });
  }
  stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, NODE_OPTIONS: '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack.stdout!.on('data', (chunk) => (output += chunk));
  stack.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not up within 90 s:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('Meshgate is up')) {
        clearTimeout(timer);
        resolve();
      }
    };
    stack.stdout!.on('data', check);
    stack.once('exit', (code) => reject(new Error(`stack exited with ${code}:\n${output}`)));
  });
}, 120_000);

afterAll(async () => {
  if (stack && stack.exitCode === null) stack.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

it('prints where everything is and an example query to try', () => {
  expect(output).toContain(`Gateway (one endpoint for every domain): http://localhost:${env.GATEWAY_PORT}/graphql`);
  for (const domain of DOMAINS) expect(output).toContain(env[`${domain.envPrefix}URL`]);
  expect(output).toContain('products(lowStock: true, limit: 10)');
});

it('answers the cross-domain query through the gateway process', async () => {
  const { body } = await postGraphQL(
    `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`,
    '{ products(lowStock: true, limit: 10) { sku totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore } }',
  );
  expect(body.errors).toBeUndefined();
  expect((body.data as any).products).toHaveLength(10);
});

it('stops every process cleanly on Ctrl-C', async () => {
  const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
  stack.kill('SIGINT');
  expect(await exited).toBe(0);
  for (const port of [env.GATEWAY_PORT, ...DOMAINS.map((d) => env[`${d.envPrefix}PORT`])]) {
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }
});
