import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../../shared/paths.js';
import { DEMO_FOLDERS, scaffoldFolder, type ScaffoldFolder } from './support/scaffold.js';

const BIN = join(REPO_ROOT, 'cli', 'bin', 'meshgate.js');

/** The environment of a child: this one's, without the variables that would point it at a registry or change its JWT settings. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key, value]) => value !== undefined && !key.startsWith('MESHGATE_') && !key.startsWith('JWT_') && !key.startsWith('PRICING_')),
  ) as Record<string, string>;
  // jest's --experimental-vm-modules is not the CLI's business.
  return { ...base, NODE_OPTIONS: '', ...extra };
}

/** Runs `node cli/bin/meshgate.js ...args` to its end. */
function meshgate(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: childEnv(env), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the meshgate bin, as a process', () => {
  let parent: ScaffoldFolder;
  let serving: ChildProcess | undefined;
  beforeAll(async () => {
    parent = await scaffoldFolder();
  });
  afterAll(async () => {
    if (serving && serving.exitCode === null) {
      const closed = new Promise((resolve) => serving!.once('close', resolve));
      serving.kill('SIGTERM');
      await closed;
    }
    await parent?.dispose();
  });

  it('prints its help and exits 0', async () => {
    const run = await meshgate(['--help']);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: meshgate <command>') });
    for (const name of ['init', 'serve', 'check', 'publish', 'subgraphs', 'history', 'supergraphs', 'rollback', 'remove', 'compose', 'token']) {
      expect(run.stdout).toContain(`\n  ${name} `);
    }
  });

  it('exits 2 on an unknown command, listing the commands', async () => {
    const run = await meshgate(['deploy']);
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('Unknown command "deploy": expected one of init, serve') });
  });

  it('exits 3 when the registry cannot be reached, naming it', async () => {
    const run = await meshgate(['subgraphs', '--registry', 'http://127.0.0.1:1', '--token', 't']);
    expect(run).toMatchObject({ code: 3, stderr: expect.stringContaining('Cannot reach the registry at http://127.0.0.1:1') });
  });

  it('scaffolds a data product, composes it with the demo mesh, and serves it', async () => {
    const init = await meshgate(['init', 'pricing', '--dir', parent.dir]);
    expect(init).toMatchObject({ code: 0, stdout: expect.stringContaining('Created data product "pricing"') });
    const dir = join(parent.dir, 'pricing');
    expect(existsSync(join(dir, 'schema.graphql'))).toBe(true);

    const out = join(parent.dir, 'supergraph.graphql');
    const compose = await meshgate(['compose', ...DEMO_FOLDERS, dir, '--out', out]);
    expect({ code: compose.code, stderr: compose.stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`Supergraph of 4 subgraphs`) });
    expect(await readFile(out, 'utf8')).toContain('PRICING @join__graph(name: "pricing"');

    const port = await freePort();
    serving = spawn(process.execPath, [BIN, 'serve', dir, '--port', String(port), '--no-publish'], {
      cwd: REPO_ROOT,
      env: childEnv({ PRICING_DATA_DIR: join(parent.dir, 'data'), LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    serving.stdout!.on('data', (chunk) => (log += chunk));
    serving.stderr!.on('data', (chunk) => (log += chunk));
    const exited = new Promise<number | null>((resolve) => serving!.once('close', (code) => resolve(code)));
    const ready = await Promise.race([
      new Promise<true>((resolve) => {
        const poll = setInterval(() => {
          if (log.includes('data product ready')) {
            clearInterval(poll);
            resolve(true);
          }
        }, 100);
        void exited.then(() => clearInterval(poll));
      }),
      exited.then((code) => new Error(`meshgate serve exited (${code}) before it was ready:\n${log}`)),
    ]);
    if (ready instanceof Error) throw ready;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok', service: 'pricing' });
    // The registry reads the running contract unsigned: the kit answers exactly that.
    const contract = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(((await contract.json()) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain('pricingRecords');

    serving.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
