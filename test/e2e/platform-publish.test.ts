import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryClient } from '../../registry/src/client.js';
import { loadDataProductDefinition } from '../../shared/subgraph/load-definition.js';
import { meshgate, meshgateProcess, registryEnv, scaffoldParent, servedBy, startDataProduct, startPlatform, until, type Platform, type StartedProduct } from '../support/platform.js';

/**
 * A domain team's path end to end, while the mesh serves: `meshgate init` scaffolds a fourth data
 * product, it starts and `meshgate publish` ships it, and the gateway answers its fields within
 * seconds with no request failing; then 20 contract changes under load, each answer checked
 * against the generation that served it, and `meshgate rollback`.
 */
const LOAD_CLIENT = { 'apollographql-client-name': 'e2e-load', 'apollographql-client-version': '1.0' };
/** Stable fields of every demo domain, as the load reads them before the fourth product exists. */
const DEMO_LOAD = '{ products(limit: 2) { sku name openTicketCount campaigns { id } } }';
/** The same across all four domains, and the served description of the field the 20 changes edit. */
const PLATFORM_LOAD = '{ products(limit: 2) { sku name openTicketCount campaigns { id } pricingRecords { id title } } __type(name: "PricingRecord") { fields { name description } } }';
const TITLE_DESCRIPTION = 'What the record says, in a few words.';

interface Answer {
  id: string | null;
  status: number;
  errors: unknown;
  data: Record<string, any> | null | undefined;
}

/** Queries through the gateway from `workers` loops until stopped, keeping every answer. */
function startLoad(platform: Platform, query: () => string, workers = 4) {
  const answers: Answer[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const response = await platform.query(query(), LOAD_CLIENT);
      answers.push({ id: servedBy(response), status: response.status, errors: response.body.errors, data: response.body.data });
    }
  });
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

describe('platform publish: a new data product, 20 changes under load, rollback', () => {
  let platform: Platform;
  let pricing: StartedProduct | undefined;
  let productDir: string;
  let team: RegistryClient;
  const firstPricingVersion = { sdl: '', descriptor: '' };

  beforeAll(async () => {
    // Policies that answer after a pause of up to 100 ms: supergraph swaps land between requests
    // taking their generation and executing, where an answer could otherwise mix two generations.
    platform = await startPlatform({ gateway: { configModulePath: 'test/fixtures/lingering-policies.config.ts' } });
  }, 60_000);
  afterAll(async () => {
    await pricing?.stop();
    await platform?.stop();
  });

  it('ships a data product scaffolded by meshgate init: published while serving, joined to Product, no request failed', async () => {
    const parent = await scaffoldParent(platform.dir);
    const init = await meshgateProcess(['init', 'pricing', '--dir', parent, '--json']);
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    productDir = (JSON.parse(init.stdout) as { dir: string }).dir;
    expect(productDir).toBe(join(parent, 'pricing'));
    pricing = await startDataProduct(await loadDataProductDefinition(productDir), join(platform.dir, 'pricing-data'));
    firstPricingVersion.sdl = await readFile(join(productDir, 'schema.graphql'), 'utf8');
    firstPricingVersion.descriptor = await readFile(join(productDir, 'dataproduct.yaml'), 'utf8');
    const before = platform.gateway.supergraphId;
    const notYet = await platform.query('{ products(limit: 1) { pricingRecords { id } } }');
    expect(notYet.body.errors?.[0]?.message).toMatch(/Cannot query field "pricingRecords" on type "Product"/);

    const reference = await platform.query(DEMO_LOAD);
    expect(reference.body.errors).toBeUndefined();
    const load = startLoad(platform, () => DEMO_LOAD);
    let publish: ReturnType<typeof meshgateProcess> | undefined;
    try {
      const env = registryEnv(platform, await platform.token(['registry:publish:pricing'], 'pricing-pipeline'));
      publish = meshgateProcess(['publish', productDir, '--url', pricing.subgraph.url, '--label', 'first'], env);
      // Polled while the CLI runs: the gateway may serve the new generation before the process has exited.
      await until(
        'the gateway answers pricing fields',
        async () => (await platform.query('{ products(limit: 1) { pricingRecords { id } } }')).body.data?.products?.[0]?.pricingRecords?.length > 0,
        15_000,
      );
      const published = await publish;
      expect(published.code).toBe(0);
      expect(published.stdout).toMatch(/Done: pricing is now version 1 \(publish, http:\/\/127\.0\.0\.1:\d+\/graphql\); supergraph [0-9a-f]{12} of 4 subgraphs\./);
      // Some load after the swap, too.
      const seen = load.answers.length;
      await until('load answers from the new generation', async () => load.answers.slice(seen).some((a) => a.id === platform.gateway.supergraphId));
    } finally {
      await publish;
      await load.stop();
    }
    const after = (await platform.admin.supergraph())!;
    expect(after.id).not.toBe(before);
    expect(platform.gateway.supergraphId).toBe(after.id);
    expect(load.answers.filter((a) => a.status !== 200 || a.errors !== undefined || JSON.stringify(a.data) !== JSON.stringify(reference.body.data))).toEqual([]);
    expect(load.answers.filter((a) => a.id !== before && a.id !== after.id)).toEqual([]);
    expect(load.answers.some((a) => a.id === before) && load.answers.some((a) => a.id === after.id)).toBe(true);

    // Joined both ways: inventory's products carry pricing's records, pricing's records resolve inventory's product.
    const joined = await platform.query('{ products(limit: 3) { id pricingRecords { id product { id } } } pricingRecords(limit: 2) { id product { id sku } } }');
    expect(joined.body.errors).toBeUndefined();
    const products = joined.body.data!.products as { id: string; pricingRecords: { id: string; product: { id: string } }[] }[];
    // What pricing itself answers for those products, asked as the gateway asks it: by Product key.
    const own = await pricing.query<{ _entities: { pricingRecords: { id: string }[] }[] }>(
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { pricingRecords { id } } } }',
      { representations: products.map((p) => ({ __typename: 'Product', id: p.id })) },
    );
    expect(own.body.errors).toBeUndefined();
    expect(products.map((p) => p.pricingRecords.map((r) => r.id))).toEqual(own.body.data!._entities.map((e) => e.pricingRecords.map((r) => r.id)));
    for (const product of products) {
      expect(product.pricingRecords.length).toBeGreaterThan(0);
      expect(product.pricingRecords.every((r) => r.product.id === product.id)).toBe(true);
    }
    for (const record of joined.body.data!.pricingRecords as { product: { id: string; sku: string } }[]) {
      const { body } = await platform.query(`{ product(id: "${record.product.id}") { sku } }`);
      expect(record.product.sku).toBe(body.data!.product.sku);
    }
  }, 40_000);

  it('serves 20 supergraph changes under concurrent load with zero failed and zero wrong answers', async () => {
    team = await platform.client(['registry:publish:pricing'], 'pricing-pipeline');
    const generations = new Map<string, string>([[platform.gateway.supergraphId, TITLE_DESCRIPTION]]);
    const reference = await platform.query(PLATFORM_LOAD);
    expect(reference.body.errors).toBeUndefined();
    const { __type: _type, ...referenceData } = reference.body.data!;
    const load = startLoad(platform, () => PLATFORM_LOAD, 8);
    try {
      for (let change = 1; change <= 20; change++) {
        const description = `${TITLE_DESCRIPTION} (revision ${change})`;
        const result = await team.publish({
          name: 'pricing',
          url: pricing!.subgraph.url,
          sdl: firstPricingVersion.sdl.replace(`"${TITLE_DESCRIPTION}"`, `"${description}"`),
          descriptor: firstPricingVersion.descriptor,
          label: `revision ${change}`,
        });
        expect({ ok: result.ok, errors: result.report.results.filter((r) => r.severity === 'ERROR') }).toEqual({ ok: true, errors: [] });
        const id = result.supergraph!.id;
        generations.set(id, description);
        await until(`generation ${change} serves`, async () => platform.gateway.supergraphId === id, 10_000, 10);
        const seen = load.answers.length;
        await until(`load answers from generation ${change}`, async () => load.answers.slice(seen).some((a) => a.id === id), 10_000, 5);
      }
    } finally {
      await load.stop();
    }
    const answers = load.answers;
    const failed = answers.filter((a) => a.status !== 200 || a.errors !== undefined);
    expect(failed).toEqual([]);
    // Right data, and the schema of exactly the generation the answer names.
    const wrong = answers.filter((a) => {
      const { __type: type, ...data } = a.data!;
      const title = (type?.fields as { name: string; description: string }[] | undefined)?.find((f) => f.name === 'title');
      return a.id === null || !generations.has(a.id) || title?.description !== generations.get(a.id) || JSON.stringify(data) !== JSON.stringify(referenceData);
    });
    expect(wrong).toEqual([]);
    expect(new Set(answers.map((a) => a.id)).size).toBeGreaterThanOrEqual(20);
    expect(await team.history('pricing', 100)).toHaveLength(21);
  }, 60_000);

  it('rolls back with meshgate rollback: the gateway serves the registry supergraph of the old version', async () => {
    const admin = registryEnv(platform, await platform.token(['registry:admin'], 'platform-admin'));
    const run = await meshgate(['rollback', 'pricing', '--to', '1'], admin);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/Done: pricing is now version 22 \(rollback, /);

    const served = (await platform.admin.supergraph())!;
    expect(served.inputs).toContainEqual({ name: 'pricing', version: 22 });
    await until('the gateway serves the rolled-back supergraph', async () => platform.gateway.supergraphId === served.id);
    const answer = await platform.query('{ __type(name: "PricingRecord") { fields { name description } } }');
    expect(servedBy(answer)).toBe(served.id);
    expect(answer.body.data!.__type.fields).toContainEqual({ name: 'title', description: TITLE_DESCRIPTION });
    const [latest] = await platform.admin.history('pricing', 1);
    expect(latest).toMatchObject({ version: 22, action: 'rollback', publisher: 'platform-admin', label: 'first', sdl: firstPricingVersion.sdl, current: true });
  });
});
