import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from '../src/config.js';
import { composeContracts } from '../src/supergraph/compose-source.js';
import { supergraphFromFile } from '../src/supergraph/file-source.js';
import { SupergraphError } from '../src/supergraph/source.js';
import { createGateway } from '../src/server.js';
import { createLogger } from '../../shared/logging.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-supergraph-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const contracts = () => {
  const config = loadGatewayConfig({});
  if (config.supergraph.kind !== 'compose') throw new Error('expected the default compose source');
  return config.supergraph.subgraphs;
};

describe('composing the subgraphs contracts', () => {
  it('composes the three data products into one supergraph with their URLs', async () => {
    const sdl = await composeContracts(contracts());
    expect(sdl).toContain('@join__graph(name: "inventory", url: "http://127.0.0.1:4001/graphql")');
    expect(sdl).toContain('@join__graph(name: "customer-service", url: "http://127.0.0.1:4003/graphql")');
    expect(sdl).toMatch(/type Product\b[\s\S]*openTicketCount/);
  });

  it('stops start-up with composition\'s own messages when contracts conflict', async () => {
    const conflicting = join(dir, 'schema.graphql');
    await writeFile(
      conflicting,
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])\n' +
        'type Product @key(fields: "id") { id: ID! name: Int }\ntype Query { rogue: Product }',
    );
    const subgraphs = [...contracts(), { name: 'rogue', url: 'http://127.0.0.1:4999/graphql', schemaPath: conflicting }];
    const failure = createGateway({ ...loadGatewayConfig({}), port: 0, supergraph: { kind: 'compose', subgraphs } }, { logger: createLogger('test', 'silent') });
    await expect(failure).rejects.toThrow(SupergraphError);
    await expect(failure).rejects.toThrow(/Composition failed[\s\S]*\[INVALID_FIELD_SHARING\] Non-shareable field "Product.name"/);
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
    const sdl = await composeContracts(contracts());
    await writeFile(path, sdl);
    expect(await supergraphFromFile(path).load()).toBe(sdl);
  });

  it.each([
    ['is missing', null, /Cannot read the supergraph file/],
    ['is a plain schema, not a composed supergraph', 'type Query { a: Int }', /is not a composed supergraph: expected a join spec @link/],
  ])('refuses a file that %s', async (_name, text, message) => {
    const path = join(dir, 'supergraph.graphql');
    if (text !== null) await writeFile(path, text);
    await expect(supergraphFromFile(path).load()).rejects.toThrow(message);
  });
});
