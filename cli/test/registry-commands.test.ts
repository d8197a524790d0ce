import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mintToken } from '../../gateway/src/governance/dev-token.js';
import { isDataProductDefinition } from '../../shared/subgraph/load-definition.js';
import { startTestSubgraph, type TestSubgraph } from '../../test/support/subgraphs.js';
import { startTestRegistry, type TestRegistry } from '../../registry/test/support/registry.js';
import { ExitCode } from '../src/command.js';
import { cli } from './support/io.js';
import { scaffoldFolder, type ScaffoldFolder } from './support/scaffold.js';

/**
 * The registry commands against a real registry (port 0, PGlite in a temp folder) and a real,
 * freshly scaffolded data product, as a domain team and a platform admin would use them. The
 * cases run in order: each starts from the registry the previous ones left.
 */
describe('meshgate registry commands against a running registry', () => {
  let registry: TestRegistry;
  let parent: ScaffoldFolder;
  let pricing: TestSubgraph;
  let pricingDir: string;
  let notesDir: string;
  const tokens = { team: '', admin: '', reader: '' };
  let env: (token: string) => Record<string, string>;

  beforeAll(async () => {
    registry = await startTestRegistry();
    parent = await scaffoldFolder();
    for (const name of ['pricing', 'stock-notes']) expect((await cli(['init', name, '--dir', parent.dir])).code).toBe(ExitCode.Ok);
    pricingDir = join(parent.dir, 'pricing');
    notesDir = join(parent.dir, 'stock-notes');
    const module = (await import(pathToFileURL(join(pricingDir, 'src', 'server.ts')).href)) as Record<string, unknown>;
    if (!isDataProductDefinition(module.pricing)) throw new Error('the scaffolded src/server.ts does not export its definition');
    pricing = await startTestSubgraph(module.pricing);
    tokens.team = await mintToken({ subject: 'pricing-ci', scopes: ['registry:publish:pricing'] });
    tokens.admin = await mintToken({ subject: 'platform', scopes: ['registry:admin'] });
    tokens.reader = await mintToken({ subject: 'operator', scopes: ['registry:read'] });
    env = (token) => ({ MESHGATE_REGISTRY_URL: registry.registry.url, MESHGATE_TOKEN: token });
  });
  afterAll(async () => {
    await pricing?.stop();
    await registry?.stop();
    await parent?.dispose();
  });

  const running = () => pricing.subgraph.url;

  it('checks a new data product without storing it', async () => {
    const run = await cli(['check', pricingDir, '--url', running()], { env: env(tokens.team) });
    expect(run).toMatchObject({ code: ExitCode.Ok, stdout: expect.stringContaining('Check passed: 0 errors') });
    const json = await cli(['check', pricingDir, '--url', running(), '--json'], { env: env(tokens.team) });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, compositionId: expect.stringMatching(/^[0-9a-f]{64}$/), results: expect.any(Array) });
    expect(JSON.parse((await cli(['subgraphs', '--json'], { env: env(tokens.reader) })).stdout)).toEqual([]);
  });

  it('refuses to publish a contract nothing serves at its routing URL, printing why', async () => {
    const run = await cli(['publish', pricingDir, '--url', 'http://127.0.0.1:1/graphql'], { env: env(tokens.team) });
    expect(run.code).toBe(ExitCode.Failed);
    expect(run.stdout).toContain('[running-contract]');
    expect(run.stdout).toContain('Refused: publish pricing; nothing was changed.');
  });

  it('publishes the running data product, then finds nothing to change', async () => {
    const run = await cli(['publish', pricingDir, '--url', running(), '--label', 'v1'], { env: env(tokens.team) });
    expect(run).toMatchObject({ code: ExitCode.Ok, stdout: expect.stringContaining('Done: pricing is now version 1 (publish') });
    const again = await cli(['publish', pricingDir, '--url', running()], { env: env(tokens.team) });
    expect(again).toMatchObject({ code: ExitCode.Ok, stdout: expect.stringContaining('Unchanged: pricing version 1 is already current') });
  });

  it("refuses a team's token for another team's data product, naming the scope it needs", async () => {
    const run = await cli(['publish', notesDir, '--skip-running-check'], { env: env(tokens.team) });
    expect(run.code).toBe(ExitCode.Registry);
    expect(run.stderr).toMatch(/403 FORBIDDEN.*registry:publish:stock-notes/);
  });

  it('says which token it refused and how to get one', async () => {
    const run = await cli(['subgraphs', '--token', 'not-a-jwt'], { env: env(tokens.reader) });
    expect(run.code).toBe(ExitCode.Registry);
    expect(run.stderr).toContain(`The registry at ${registry.registry.url} refused the token (401 UNAUTHENTICATED)`);
    expect(run.stderr).toContain('npx meshgate token --scope registry:read');
  });

  it('lets an admin publish any data product, and lists the current versions', async () => {
    expect((await cli(['publish', notesDir, '--skip-running-check'], { env: env(tokens.admin) })).code).toBe(ExitCode.Ok);
    const table = await cli(['subgraphs'], { env: env(tokens.reader) });
    expect(table.code).toBe(ExitCode.Ok);
    expect(table.stdout).toMatch(/^NAME +VERSION +LIFECYCLE +URL +PUBLISHER +PUBLISHED +LABEL\n/);
    expect(table.stdout).toMatch(new RegExp(`\\npricing +1 +experimental +${running()} +pricing-ci +\\S+ +v1\\n`));
    expect(table.stdout).toMatch(/\nstock-notes +1 +experimental +http:\/\/127\.0\.0\.1:\d+\/graphql +platform /);
    const json = JSON.parse((await cli(['subgraphs', '--json'], { env: env(tokens.reader) })).stdout);
    expect(json.map((v: { name: string }) => v.name).sort()).toEqual(['pricing', 'stock-notes']);
  });

  it('publishes a new version of a changed contract and shows the history, newest first', async () => {
    const changed = join(parent.dir, 'changed', 'pricing');
    await cp(pricingDir, changed, { recursive: true });
    const schema = await readFile(join(changed, 'schema.graphql'), 'utf8');
    await writeFile(join(changed, 'schema.graphql'), schema.replace('  recordedAt: DateTime!\n', '  recordedAt: DateTime!\n  "Who made the record."\n  author: String\n'));
    // The running subgraph still serves version 1: deployed after its schema, as --skip-running-check says.
    const run = await cli(['publish', changed, '--url', running(), '--skip-running-check', '--label', 'v2'], { env: env(tokens.team) });
    expect(run).toMatchObject({ code: ExitCode.Ok, stdout: expect.stringContaining('Done: pricing is now version 2 (publish') });

    const history = await cli(['history', 'pricing'], { env: env(tokens.reader) });
    expect(history.code).toBe(ExitCode.Ok);
    const rows = history.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^VERSION +ACTION +CURRENT +PUBLISHER +PUBLISHED +LABEL +URL$/);
    expect(rows.slice(1).map((row) => row.split(/ +/).slice(0, 3))).toEqual([
      ['2', 'publish', 'yes'],
      ['1', 'publish', 'pricing-ci'],
    ]);
    const json = JSON.parse((await cli(['history', 'pricing', '--limit', '1', '--json'], { env: env(tokens.reader) })).stdout);
    expect(json).toEqual([expect.objectContaining({ name: 'pricing', version: 2, label: 'v2', current: true, sdl: expect.stringContaining('author: String') })]);
    const compositions = await cli(['supergraphs', '--limit', '2'], { env: env(tokens.reader) });
    expect(compositions.code).toBe(ExitCode.Ok);
    const lines = compositions.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID +CREATED +PUBLISHER +ACCEPTED +INPUTS +REASON$/);
    // The newest composition is the one version 2 of pricing went into.
    expect(lines[1]).toMatch(/^[0-9a-f]{12} .* yes +.*pricing@2/);
    const unknown = await cli(['history', 'nothing-here'], { env: env(tokens.reader) });
    expect(unknown).toMatchObject({ code: ExitCode.Failed, stderr: expect.stringContaining('has no subgraph "nothing-here"') });
  });

  it('rolls back for an admin only', async () => {
    const team = await cli(['rollback', 'pricing', '--to', '1'], { env: env(tokens.team) });
    expect(team).toMatchObject({ code: ExitCode.Registry, stderr: expect.stringContaining('registry:admin') });
    const missing = await cli(['rollback', 'pricing', '--to', '99'], { env: env(tokens.admin) });
    expect(missing).toMatchObject({ code: ExitCode.Failed, stderr: expect.stringContaining('has no version 99') });
    const run = await cli(['rollback', 'pricing', '--to', '1'], { env: env(tokens.admin) });
    expect(run).toMatchObject({ code: ExitCode.Ok, stdout: expect.stringContaining('Done: pricing is now version 3 (rollback') });
    const [current] = JSON.parse((await cli(['history', 'pricing', '--json'], { env: env(tokens.reader) })).stdout);
    expect(current).toMatchObject({ version: 3, action: 'rollback', current: true });
    expect(current.sdl).not.toContain('author');
  });

  it('removes a subgraph for an admin, and refuses to remove the last one', async () => {
    const run = await cli(['remove', 'stock-notes'], { env: env(tokens.admin) });
    expect(run.code).toBe(ExitCode.Ok);
    const names = JSON.parse((await cli(['subgraphs', '--json'], { env: env(tokens.reader) })).stdout).map((v: { name: string }) => v.name);
    expect(names).toEqual(['pricing']);
    const last = await cli(['remove', 'pricing', '--json'], { env: env(tokens.admin) });
    expect(last.code).toBe(ExitCode.Failed);
    expect(JSON.parse(last.stdout)).toMatchObject({ ok: false, report: { ok: false, results: [expect.objectContaining({ rule: 'composition' })] } });
  });
});
