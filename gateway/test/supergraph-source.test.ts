import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listDataProductFolders, SUBGRAPHS_ROOT } from '../../shared/dataproduct/folders.js';
import { loadGatewayConfig } from '../src/config.js';
import { composeContracts, composeDataProducts, composeFromFolders } from '../src/supergraph/compose-source.js';
import { readSupergraphFile, supergraphFromFile } from '../src/supergraph/file-source.js';
import { SupergraphError, type SupergraphUpdate } from '../src/supergraph/source.js';
import { createGateway } from '../src/server.js';
import { createLogger } from '../../shared/logging.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-supergraph-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const contracts = async () => (await listDataProductFolders()).map((f) => ({ name: f.name, url: f.routingUrl ?? '', schemaPath: f.schemaPath }));

/** The first update a source hands over, through its subscription. */
async function firstUpdate(subscribe: (onUpdate: (update: SupergraphUpdate) => Promise<void>) => { initial: Promise<void> }): Promise<SupergraphUpdate> {
  let received: SupergraphUpdate | undefined;
  await subscribe(async (update) => {
    received = update;
  }).initial;
  if (!received) throw new Error('the source settled its first supergraph without handing one over');
  return received;
}

describe('composing the data product folders', () => {
  it('composes every folder under subgraphs/ with the routing URLs of their descriptors, and hands on the descriptors', async () => {
    const update = await firstUpdate((onUpdate) => composeFromFolders().subscribe(onUpdate));
    expect(update.sdl).toContain('@join__graph(name: "inventory", url: "http://127.0.0.1:4001/graphql")');
    expect(update.sdl).toContain('@join__graph(name: "customer-service", url: "http://127.0.0.1:4003/graphql")');
    expect(update.sdl).toMatch(/type Product\b[\s\S]*openTicketCount/);
    expect(update.descriptors?.map((d) => d.name)).toEqual((await listDataProductFolders()).map((f) => f.name));
    expect(update.descriptors?.find((d) => d.name === 'inventory')?.descriptor.classification.map((c) => c.field)).toContain('Product.unitCost');
  });

  it('composes only the folders listed (SUPERGRAPH_SUBGRAPHS), with a URL override winning over routingUrl', async () => {
    const config = loadGatewayConfig({ SUPERGRAPH_SUBGRAPHS: 'inventory,marketing' });
    if (config.supergraph.kind !== 'compose') throw new Error('expected the compose source');
    expect(config.supergraph.folders).toEqual([join(SUBGRAPHS_ROOT, 'inventory'), join(SUBGRAPHS_ROOT, 'marketing')]);
    const { sdl, descriptors } = await composeDataProducts({ folders: config.supergraph.folders, urlOf: (name) => (name === 'marketing' ? 'http://marketing.internal/graphql' : undefined) });
    expect(descriptors?.map((d) => d.name)).toEqual(['inventory', 'marketing']);
    expect(sdl).toContain('@join__graph(name: "marketing", url: "http://marketing.internal/graphql")');
    expect(sdl).not.toContain('customer-service');
  });

  it('refuses a folder whose descriptor classifies a field its contract does not have, naming both', async () => {
    await cp(join(SUBGRAPHS_ROOT, 'inventory'), join(dir, 'inventory'), { recursive: true, filter: (src) => !src.includes('node_modules') });
    const schemaPath = join(dir, 'inventory', 'schema.graphql');
    await writeFile(schemaPath, (await readFile(schemaPath, 'utf8')).replace(/\n\s*"True when any warehouse[^\n]*\n\s*lowStock: Boolean!/, ''));
    await expect(composeDataProducts({ folders: [join(dir, 'inventory')] })).rejects.toThrow(/dataproduct\.yaml does not match its schema\.graphql: \$\.classification\[\d+\]\.field: expected a field of Product/);
  });

  it('stops start-up with composition\'s own messages when contracts conflict', async () => {
    const rogue = join(dir, 'rogue');
    await mkdir(rogue);
    await writeFile(
      join(rogue, 'schema.graphql'),
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])\n' +
        'type Product @key(fields: "id") { id: ID! name: Int }\ntype Query { rogue: Product }',
    );
    await writeFile(join(rogue, 'dataproduct.yaml'), minimalDescriptor('rogue', 'Product', 'http://127.0.0.1:4999/graphql'));
    const folders = [...(await listDataProductFolders()).map((f) => f.dir), rogue];
    const failure = createGateway({ ...loadGatewayConfig({}), port: 0, supergraph: { kind: 'compose', folders } }, { logger: createLogger('test', 'silent') });
    await expect(failure).rejects.toThrow(SupergraphError);
    await expect(failure).rejects.toThrow(/Composition failed[\s\S]*\[INVALID_FIELD_SHARING\] Non-shareable field "Product.name"/);
  });

  it('refuses a folder without a routing URL when no variable gives one, naming both ways to set it', async () => {
    const pricing = join(dir, 'pricing');
    await mkdir(pricing);
    await writeFile(join(pricing, 'schema.graphql'), 'type Query { price: Price }\ntype Price { amount: Float }');
    await writeFile(join(pricing, 'dataproduct.yaml'), minimalDescriptor('pricing', 'Price'));
    await expect(composeDataProducts({ folders: [pricing] })).rejects.toThrow(/subgraph "pricing" has no routing URL: set routingUrl in .*dataproduct\.yaml or PRICING_URL/);
  });

  it.each([
    ['a missing contract', (d: string) => ({ path: join(d, 'missing.graphql'), text: null }), /Cannot read the contract of subgraph "broken"/],
    ['a contract that is not GraphQL', (d: string) => ({ path: join(d, 'bad.graphql'), text: 'type {' }), /contract of subgraph "broken" .* is not valid GraphQL: Syntax Error/],
  ])('names the subgraph for %s', async (_name, make, message) => {
    const { path, text } = make(dir);
    if (text !== null) await writeFile(path, text);
    await expect(composeContracts([{ name: 'broken', url: 'http://x/graphql', schemaPath: path }])).rejects.toThrow(message);
  });
});

describe('a supergraph file', () => {
  it('loads what `npm run compose` writes', async () => {
    const path = join(dir, 'supergraph.graphql');
    const sdl = await composeContracts(await contracts());
    await writeFile(path, sdl);
    expect(await firstUpdate((onUpdate) => supergraphFromFile(path).subscribe(onUpdate))).toEqual({ sdl });
  });

  it.each([
    ['is missing', null, /Cannot read the supergraph file/],
    ['is a plain schema, not a composed supergraph', 'type Query { a: Int }', /is not a composed supergraph: expected a join spec @link/],
  ])('refuses a file that %s', async (_name, text, message) => {
    const path = join(dir, 'supergraph.graphql');
    if (text !== null) await writeFile(path, text);
    await expect(readSupergraphFile(path)).rejects.toThrow(message);
    await expect(supergraphFromFile(path).subscribe(async () => undefined).initial).rejects.toThrow(message);
  });
});

/** The smallest valid descriptor of a data product named `name` owning one type. */
function minimalDescriptor(name: string, entity: string, routingUrl?: string): string {
  return [
    'apiVersion: meshgate.dev/v1',
    'kind: DataProduct',
    `name: ${name}`,
    'domain: Test',
    'description: A data product made up by a test.',
    ...(routingUrl ? [`routingUrl: ${routingUrl}`] : []),
    'owner: { team: Test, contact: test@meshgate.example, channel: "#test" }',
    'purpose: Testing.',
    'consumers: [tests]',
    'slo: { availability: 99, latencyP99Ms: 100, freshnessSeconds: 0 }',
    `entities: [{ type: ${entity}, keys: [], description: The one type. }]`,
    'classification: []',
    '',
  ].join('\n');
}
