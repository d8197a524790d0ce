import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeContracts } from '../../gateway/src/supergraph/compose-source.js';
import type { SubgraphDescriptor } from '../../gateway/src/supergraph/source.js';
import { listDataProductFolders } from '../../shared/dataproduct/folders.js';
import { startFakeRegistry, type FakeRegistry } from '../support/fake-registry.js';
import { postGraphQL } from '../support/http.js';
import { captureLogs } from '../support/logs.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Supergraph generations over real HTTP: the demo subgraphs, a gateway polling a stand-in registry
 * every 25 ms, and supergraphs swapped under concurrent load. Every answer names the generation
 * that served it (meshgate-supergraph-id) and is checked against that generation's schema.
 */
const CLIENT = { 'apollographql-client-name': 'reload-test', 'apollographql-client-version': '1.0.0' };
// Data from the subgraphs, and the API schema the generation serves (introspection is the gateway's own).
const PROBE = '{ products(limit: 2) { sku } __type(name: "Product") { fields { name } } }';

describe('supergraph generations: swaps under load, refusals, contract disagreement, usage', () => {
  let dir: string;
  let registry: FakeRegistry;
  let stack: TestStack;
  let descriptors: SubgraphDescriptor[];
  const { logger, lines } = captureLogs('info');
  /** The supergraph of the demo folders, with inventory's contract edited by `edit`. */
  const compose = async (name: string, edit: (sdl: string) => string) => {
    const folders = await listDataProductFolders();
    const schemaPath = join(dir, `${name}.graphql`);
    const original = await readFile(folders.find((f) => f.name === 'inventory')!.schemaPath, 'utf8');
    const edited = edit(original);
    // An edit that no longer matches inventory's contract would test nothing: say so instead.
    if (name !== 'full' && edited === original) throw new Error(`the "${name}" edit matches nothing in inventory's schema.graphql any more: update the test`);
    await writeFile(schemaPath, edited);
    return composeContracts(folders.map((f) => ({ name: f.name, url: f.routingUrl!, schemaPath: f.name === 'inventory' ? schemaPath : f.schemaPath })));
  };
  const ready = async () => (await fetch(new URL('/ready', stack.gateway.url))).json() as Promise<{ supergraph: { id: string; source: string; lastError?: { id?: string; at: string; reason: string } }; subgraphs: { name: string; contractMismatches: number }[] }>;
  const servedId = async () => (await ready()).supergraph.id;
  const until = async (what: string, condition: () => Promise<boolean>, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  let full: string;
  let withoutCategory: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-reload-'));
    descriptors = (await listDataProductFolders()).map((f) => ({ name: f.name, descriptor: f.descriptor }));
    full = await compose('full', (sdl) => sdl);
    withoutCategory = await compose('without-category', (sdl) => sdl.replace(/\n\s*category: String!/, ''));
    registry = await startFakeRegistry();
    registry.serve(full, descriptors);
    const endpoint = { url: registry.url, token: 'gateway-registry-token' };
    stack = await startTestStack(
      {
        supergraph: { kind: 'registry', registry: endpoint, pollIntervalMs: 25, startupTimeoutMs: 10_000 },
        usageReporting: { kind: 'registry', registry: endpoint, intervalMs: 200 },
        // Policies that take a while: swaps land between a request taking its generation and executing.
        configModulePath: 'test/fixtures/lingering-policies.config.ts',
      },
      { logger },
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await registry?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('swaps 20 supergraphs under concurrent load with no failed and no wrong answer', async () => {
    const ids = { full: registry.serve(full, descriptors), withoutCategory: '' };
    expect(await servedId()).toBe(ids.full);
    const answers: { id: string | null; status: number; errors: unknown; fields: string[]; skus: unknown }[] = [];
    let loading = true;
    const worker = async () => {
      while (loading) {
        const { status, headers, body } = await postGraphQL(stack.gateway.url, PROBE, undefined, CLIENT);
        answers.push({
          id: headers.get('meshgate-supergraph-id'),
          status,
          errors: body.errors,
          fields: (body.data?.__type?.fields ?? []).map((f: { name: string }) => f.name),
          skus: body.data?.products?.map((p: { sku: string }) => p.sku),
        });
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    try {
      for (let swap = 1; swap <= 20; swap++) {
        const id = swap % 2 === 1 ? (ids.withoutCategory = registry.serve(withoutCategory, descriptors)) : registry.serve(full, descriptors);
        await until(`generation ${swap} serves`, async () => (await servedId()) === id);
        // Let the load see each generation before the next swap.
        const seen = answers.length;
        await until(`answers from generation ${swap}`, async () => answers.slice(seen).some((a) => a.id === id));
      }
    } finally {
      loading = false;
      await Promise.all(workers);
    }
    const failed = answers.filter((a) => a.status !== 200 || a.errors !== undefined || !Array.isArray(a.skus) || (a.skus as unknown[]).length !== 2);
    expect(failed).toEqual([]);
    // Each answer matches the generation it names: `category` exists only in the full supergraph.
    const wrong = answers.filter((a) => (a.id === ids.full ? !a.fields.includes('category') : a.id === ids.withoutCategory ? a.fields.includes('category') : true));
    expect(wrong).toEqual([]);
    expect(answers.filter((a) => a.id === ids.full).length).toBeGreaterThan(10);
    expect(answers.filter((a) => a.id === ids.withoutCategory).length).toBeGreaterThan(10);
    const swaps = lines.filter((l) => l.msg === 'supergraph swapped');
    expect(swaps.length).toBeGreaterThanOrEqual(20);
    expect(swaps.at(-1)).toMatchObject({ from: ids.withoutCategory, to: ids.full, prepareMs: expect.any(Number) });
  }, 120_000);

  it.each([
    ['an unguarded classified field', (sdl: string) => sdl.replace('unitCost: Float @requiresScopes(scopes: [["finance:read"]])', 'unitCost: Float'), /Classified fields without an authorization directive[\s\S]*Product\.unitCost is classified sensitive in inventory's dataproduct\.yaml/],
    [
      'a policy no function decides',
      (sdl: string) => sdl.replace('"@requiresScopes",', '"@requiresScopes", "@policy",').replace('totalStock: Int!', 'totalStock: Int! @policy(policies: [["no-such-policy"]])'),
      /@policy names that no function in \S*config\.ts decides[\s\S]*policy "no-such-policy"/,
    ],
  ])('never serves a supergraph with %s, says why in /ready, and keeps the current one', async (name, edit, reason) => {
    const before = await servedId();
    const sdl = await compose(name.replace(/\W+/g, '-'), edit);
    const refused = registry.serve(sdl, descriptors);
    await until('the refusal shows in /ready', async () => (await ready()).supergraph.lastError?.id === refused);
    const { supergraph } = await ready();
    expect(supergraph).toMatchObject({ id: before, source: 'registry', lastError: { id: refused, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } });
    expect(supergraph.lastError?.reason).toMatch(reason);
    // Readiness names no URL and no path.
    expect(JSON.stringify(supergraph)).not.toMatch(/https?:\/\/|\/work\/|\/tmp\//);
    const { headers, body } = await postGraphQL(stack.gateway.url, PROBE, undefined, CLIENT);
    expect(headers.get('meshgate-supergraph-id')).toBe(before);
    expect(body.errors).toBeUndefined();
    expect(lines.some((l) => l.msg === 'supergraph refused: the current generation keeps serving' && l.id === refused)).toBe(true);
  });

  it('counts and logs, once per coordinate, the answers of a subgraph whose running schema is not the supergraph\'s', async () => {
    const ghost = await compose('ghost', (sdl) => sdl.replace('totalStock: Int!', 'totalStock: Int!\n  "Composed, but the running inventory has no such field."\n  ghost: String'));
    const id = registry.serve(ghost, descriptors);
    await until('the ghost supergraph serves', async () => (await servedId()) === id);
    const inventoryCount = async () => (await ready()).subgraphs.find((s) => s.name === 'inventory')?.contractMismatches ?? -1;
    const before = await inventoryCount();
    for (let i = 0; i < 3; i++) {
      const { headers, body } = await postGraphQL(stack.gateway.url, '{ products(limit: 1) { sku ghost } }');
      expect(headers.get('meshgate-supergraph-id')).toBe(id);
      expect(body.errors?.length).toBeGreaterThan(0);
    }
    expect(await inventoryCount()).toBe(before + 3);
    expect((await ready()).subgraphs.filter((s) => s.name !== 'inventory').every((s) => s.contractMismatches === 0)).toBe(true);
    const warnings = lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('refused what the supergraph says it serves'));
    expect(warnings).toEqual([expect.objectContaining({ level: 40, subgraph: 'inventory', generation: id, coordinate: 'Product.ghost' })]);
    registry.serve(full, descriptors);
  });

  it('reports which coordinates each client used to the registry, with the gateway token', async () => {
    await until('usage of reload-test arrives', async () => registry.usage.some((e) => e.clientName === 'reload-test'), 5000);
    await until('usage of the anonymous client arrives', async () => registry.usage.some((e) => e.clientName === 'unknown' && e.coordinate === 'Product.ghost'), 5000);
    const today = new Date().toISOString().slice(0, 10);
    const used = (client: string) => new Set(registry.usage.filter((e) => e.clientName === client).map((e) => e.coordinate));
    expect([...used('reload-test')].sort()).toEqual(expect.arrayContaining(['Product', 'Product.sku', 'Query', 'Query.products', 'Query.products(limit:)', 'String', 'Int']));
    // Introspection is not usage; neither is a field the client never asked for.
    expect([...used('reload-test')].some((c) => c.startsWith('__') || c === 'Product.category')).toBe(false);
    expect(registry.usage.every((e) => e.day === today && e.count > 0)).toBe(true);
    expect(registry.usage.filter((e) => e.clientName === 'reload-test').every((e) => e.clientVersion === '1.0.0')).toBe(true);
    expect([...(registry.tokens.get('/graphql') ?? [])]).toEqual(['Bearer gateway-registry-token']);
    expect([...(registry.tokens.get('/supergraph') ?? [])]).toEqual(['Bearer gateway-registry-token']);
  });
});
