import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig, type GatewayConfig } from '../../gateway/src/config.js';
import { createGateway } from '../../gateway/src/server.js';
import { createLogger } from '../../shared/logging.js';
import { listDataProductFolders } from '../../shared/dataproduct/folders.js';
import { subgraphDir } from '../../shared/paths.js';
import { postGraphQL } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { bearer } from '../support/tokens.js';
import { captureLogs } from '../support/logs.js';

const silent = { logger: createLogger('test', 'silent') };
/** Composes every data product folder, a replacement folder (by subgraph name) in place of the repository's. */
const composeConfig = async (replaced: Record<string, string>): Promise<GatewayConfig> => ({
  ...loadGatewayConfig({}),
  port: 0,
  supergraph: { kind: 'compose', folders: (await listDataProductFolders()).map((f) => replaced[f.name] ?? f.dir) },
});

describe('governance that cannot be forgotten: start-up checks', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-governance-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses a supergraph file the planner cannot load, saying so before anything listens', async () => {
    const path = join(dir, 'broken-supergraph.graphql');
    // It names the join spec, but defines none of it (no join__Graph, no join__ directives).
    await writeFile(
      path,
      'schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }\ntype Query { hello: String }',
    );
    const config: GatewayConfig = { ...loadGatewayConfig({ SUPERGRAPH_PATH: path }), port: 0 };
    await expect(createGateway(config, silent)).rejects.toThrow(/^The supergraph cannot be loaded: /);
  });

  it('refuses a supergraph naming a policy no function decides, and names it', async () => {
    const config = { ...(await composeConfig({})), configModulePath: 'test/fixtures/no-policies.config.ts' };
    await expect(createGateway(config, silent)).rejects.toThrow(/@policy names that no function in .*no-policies\.config\.ts decides[\s\S]*policy "pii"/);
  });

  it('refuses a classified-sensitive field that lost its directive, and names the field and domain', async () => {
    await cp(subgraphDir('inventory'), join(dir, 'inventory'), { recursive: true, filter: (src) => !src.includes('node_modules') });
    const schemaPath = join(dir, 'inventory', 'schema.graphql');
    const sdl = await readFile(schemaPath, 'utf8');
    await writeFile(schemaPath, sdl.replace('unitCost: Float @requiresScopes(scopes: [["finance:read"]])', 'unitCost: Float'));
    await expect(createGateway(await composeConfig({ inventory: join(dir, 'inventory') }), silent)).rejects.toThrow(
      "Product.unitCost is classified sensitive in inventory's dataproduct.yaml but carries no @authenticated, @requiresScopes or @policy",
    );
  });
});

describe('audit', () => {
  let stack: TestStack;
  const { logger, lines } = captureLogs();
  beforeAll(async () => {
    stack = await startTestStack({}, { logger });
  });
  afterAll(() => stack?.stop());

  it('writes one record per request with subject, operation, denied paths and classified fields served', async () => {
    lines.length = 0;
    await postGraphQL(stack.gateway.url, 'query Margins { products(limit: 2) { sku unitPrice unitCost totalStock } }', undefined, await bearer({ subject: 'alice', scopes: [] }));
    const records = lines.filter((l) => l.audit === true);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      subject: 'alice',
      authenticated: true,
      operationName: 'Margins',
      operationHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      denied: [{ path: 'products.@.unitCost', coordinate: 'Product.unitCost' }],
      classifiedReturned: ['Product.totalStock'],
      dryRun: false,
    });
  });

  it('writes an audit line for a request refused with 401, without the token', async () => {
    lines.length = 0;
    const { status } = await postGraphQL(stack.gateway.url, '{ products(limit: 1) { sku } }', undefined, { authorization: 'Bearer not.a.jwt' });
    expect(status).toBe(401);
    const records = lines.filter((l) => l.audit === true);
    expect(records).toEqual([expect.objectContaining({ msg: 'request refused: authentication', reason: expect.any(String) })]);
    expect(JSON.stringify(records)).not.toContain('not.a.jwt');
  });
});
