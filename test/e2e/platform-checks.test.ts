import { join } from 'node:path';
import type { CheckReport, CheckResult, PublishResult } from '../../registry/src/api/types.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { editedContract, meshgate, meshgateProcess, POLL_INTERVAL_MS, registryEnv, servedBy, startPlatform, until, type Platform } from '../support/platform.js';

/**
 * The platform's checks end to end: a registry, the demo data products published to it, and a
 * gateway serving the registry's supergraph and reporting which client used which coordinate.
 * Each change is a copy of a demo contract, edited as a team's pull request would, checked and
 * published with the real CLI (`meshgate check|publish <dir>`), its exit code and report read.
 */
const STOREFRONT = { 'apollographql-client-name': 'storefront', 'apollographql-client-version': '4.2' };
/** What storefront reads: the coordinates its usage protects. Warehouse.name is read by nobody. */
const STOREFRONT_QUERY = '{ products(limit: 2) { id category unitPrice } }';
const STOREFRONT_REQUESTS = 3;

describe('platform checks: usage-aware breaking changes, authorization, promises, ownership, refused supergraphs', () => {
  let platform: Platform;
  const dirOf = (name: string) => join(REPO_ROOT, 'subgraphs', name);
  /** MESHGATE_REGISTRY_URL and a MESHGATE_TOKEN that may publish `name` only, as that team's pipeline has. */
  let teamEnv: (name: string) => Promise<Record<string, string>>;
  const errors = (report: CheckReport) => report.results.filter((r) => r.severity === 'ERROR');

  beforeAll(async () => {
    platform = await startPlatform();
    teamEnv = async (name) => registryEnv(platform, await platform.token([`registry:publish:${name}`], `${name}-pipeline`));
    for (let i = 0; i < STOREFRONT_REQUESTS; i++) {
      const { status, body } = await platform.query(STOREFRONT_QUERY, STOREFRONT);
      expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    }
    // The gateway reports usage every 200 ms: wait until the registry holds storefront's.
    await until('the registry holds storefront 4.2 usage of Product.category and Product.unitPrice', async () => {
      const usage = await platform.admin.usage(['Product.category', 'Product.unitPrice']);
      return usage.length === 2 && usage.every((u) => u.clients.some((c) => c.client === 'storefront' && c.version === '4.2' && c.count >= STOREFRONT_REQUESTS));
    });
  }, 60_000);
  afterAll(() => platform?.stop());

  /** A demo contract with `edits` applied, checked (readable report) and published (JSON) by its own team's pipeline. */
  const checkAndPublish = async (label: string, name: string, edits: Parameters<typeof editedContract>[3]) => {
    const dir = await editedContract(dirOf(name), platform.dir, label, edits);
    const env = await teamEnv(name);
    const url = platform.subgraphs[name].subgraph.url;
    const check = await meshgate(['check', dir, '--url', url], env);
    // The running subgraph still serves the old contract: skipping that comparison leaves the checks' verdict alone.
    const publish = await meshgate(['publish', dir, '--url', url, '--skip-running-check', '--json'], env);
    return { dir, env, check, publish: { ...publish, result: JSON.parse(publish.stdout) as PublishResult } };
  };

  it('refuses a breaking change to a coordinate a client used, naming the client, its version and the coordinate', async () => {
    const [usage] = await platform.admin.usage(['Product.category']);
    expect(usage.clients).toEqual([{ client: 'storefront', version: '4.2', count: STOREFRONT_REQUESTS, lastSeen: new Date().toISOString().slice(0, 10) }]);
    const versionsBefore = (await platform.admin.history('inventory')).length;

    const { check, publish } = await checkAndPublish('without-category', 'inventory', { schema: (sdl) => sdl.replace(/\n {2}category: String!/, '') });

    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/✗ \[breaking\] Field 'category' was removed from object type 'Product'\n\s+coordinates: Product\.category\n\s+used by: storefront 4\.2 \(3 requests, last \d{4}-\d{2}-\d{2}\)/);
    expect(check.stdout).toMatch(/Check failed: 1 error/);
    expect(publish.code).toBe(1);
    expect(publish.result.ok).toBe(false);
    expect(errors(publish.result.report)).toEqual([
      expect.objectContaining({ rule: 'breaking', coordinates: ['Product.category'], clients: [expect.objectContaining({ client: 'storefront', version: '4.2', count: STOREFRONT_REQUESTS })] }),
    ]);
    expect(await platform.admin.history('inventory')).toHaveLength(versionsBefore);
  });

  it('accepts the same kind of change to a coordinate nobody used, with that evidence in the report', async () => {
    const [unused] = await platform.admin.usage(['Warehouse.name']);
    expect(unused?.clients ?? []).toEqual([]);

    const { check, publish } = await checkAndPublish('without-warehouse-name', 'inventory', {
      schema: (sdl) => sdl.replace(/(type Warehouse @key\(fields: "id"\) \{\n {2}id: ID!)\n {2}name: String!/, '$1'),
    });

    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/· \[breaking\] Field 'name' was removed from object type 'Warehouse'\n\s+coordinates: Warehouse\.name\n\s+evidence: no client used Warehouse\.name between \d{4}-\d{2}-\d{2} and \d{4}-\d{2}-\d{2}/);
    expect(check.stdout).toMatch(/Check passed: 0 errors/);
    expect(publish.code).toBe(0);
    expect(publish.result).toMatchObject({ ok: true, version: { name: 'inventory', action: 'publish' } });
    const result = publish.result.report.results.find((r) => r.rule === 'breaking' && r.coordinates.includes('Warehouse.name'));
    expect(result).toMatchObject({ severity: 'INFO', clients: [], evidence: expect.stringMatching(/^no client used Warehouse\.name between /) });
  });

  it('flags tighter authorization on a field a client uses (authorization-tightened)', async () => {
    const dir = await editedContract(dirOf('inventory'), platform.dir, 'unit-price-scoped', {
      schema: (sdl) => sdl.replace('  unitPrice: Float!\n', '  unitPrice: Float! @requiresScopes(scopes: [["finance:read"]])\n'),
    });
    const run = await meshgate(['check', dir, '--url', platform.subgraphs.inventory.subgraph.url, '--json'], await teamEnv('inventory'));

    const report = JSON.parse(run.stdout) as CheckReport;
    expect(run.code).toBe(1);
    expect(errors(report)).toEqual([
      expect.objectContaining<Partial<CheckResult>>({
        rule: 'authorization-tightened',
        message: expect.stringMatching(/^field Product\.unitPrice now requires .*finance:read/),
        coordinates: ['Product.unitPrice'],
        clients: [expect.objectContaining({ client: 'storefront', version: '4.2' })],
      }),
    ]);
  });

  it('flags a weakened promise: a lower availability SLO (promise-weakened)', async () => {
    const dir = await editedContract(dirOf('inventory'), platform.dir, 'lower-availability', {
      descriptor: (yaml) => yaml.replace(/availability: 99\.9\b/, 'availability: 99.0'),
    });
    const run = await meshgate(['check', dir, '--url', platform.subgraphs.inventory.subgraph.url], await teamEnv('inventory'));

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ \[promise-weakened\] slo\.availability weakened from 99\.9% to 99%/);
    expect(run.stdout).toMatch(/Check failed: 1 error/);
  });

  it("refuses another team's publish (FORBIDDEN, exit code 3) and stores nothing", async () => {
    const dir = await editedContract(dirOf('marketing'), platform.dir, 'other-team', {});
    const env = registryEnv(platform, await platform.token(['registry:publish:pricing'], 'pricing-pipeline'));
    const run = await meshgateProcess(['publish', dir, '--url', platform.subgraphs.marketing.subgraph.url], env);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`meshgate publish: The registry at ${platform.registry.url} refused this (403 FORBIDDEN)`);
    expect(run.stderr).toContain('Publishing or checking subgraph "marketing" needs the scope registry:publish:marketing (or registry:admin); this token may publish only "pricing"');
    expect(run.stdout).toBe('');
    expect(await platform.admin.history('marketing')).toHaveLength(1);
  }, 30_000);

  it.each([
    // Composition's own errors leave no supergraph to record; a composed one the governance rules refuse is recorded as refused.
    ['fails composition', 'marketing', { schema: (sdl: string) => sdl.replace(/(type Product @key\(fields: "id"\) \{\n {2}id: )ID!/, '$1String!') }, 'composition', false],
    ['leaves a classified field unguarded', 'inventory', { schema: (sdl: string) => sdl.replace('unitCost: Float @requiresScopes(scopes: [["finance:read"]])', 'unitCost: Float') }, 'classified-restricted', true],
  ])('never serves a supergraph that %s: the publish is refused and the gateway keeps its generation', async (_what, name, edits, rule, recorded) => {
    const served = await platform.admin.supergraph();
    // Whatever an earlier test published is served before this one starts.
    await until('the gateway serves the registry supergraph', async () => servedBy(await platform.query('{ __typename }')) === served!.id);

    const { check, publish } = await checkAndPublish(`refused-${rule}`, name, edits);

    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`✗ [${rule}]`);
    expect(publish.code).toBe(1);
    expect(publish.result).toMatchObject({ ok: false, version: null });
    expect(errors(publish.result.report).map((r) => r.rule)).toContain(rule);
    expect((await platform.admin.supergraph())!.id).toBe(served!.id);
    const [latest] = await platform.admin.supergraphs(1);
    if (recorded) expect(latest).toMatchObject({ accepted: false, reason: expect.stringContaining(`${rule}: `), publisher: `${name}-pipeline` });
    else expect(latest).toMatchObject({ id: served!.id, accepted: true });
    // Several polls later the gateway still answers from the same generation.
    await new Promise((resolve) => setTimeout(resolve, 3 * POLL_INTERVAL_MS));
    const { status, body, headers } = await platform.query('{ products(limit: 1) { sku } }');
    expect({ status, errors: body.errors, id: headers.get('meshgate-supergraph-id') }).toEqual({ status: 200, errors: undefined, id: served!.id });
    expect(platform.gateway.supergraphId).toBe(served!.id);
  });
});
