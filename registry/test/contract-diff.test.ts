import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { contractOf, diffContracts } from '../src/running-contract/contract-diff.js';

const HEADER = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requiresScopes"])\n';
const BASE = `${HEADER}
type Query { items(limit: Int = 20): [Item!]! }
"An item."
type Item @key(fields: "id") @key(fields: "sku") { id: ID! sku: String! price: Float }
enum Colour { RED GREEN }
`;

/** What a kit subgraph answers to `{ _service { sdl } }` for this schema file. */
async function servedSdl(sdl: string): Promise<string> {
  const result = await graphql({ schema: buildSubgraphSchema([{ typeDefs: parse(sdl) }]), source: '{ _service { sdl } }' });
  return (result.data as { _service: { sdl: string } })._service.sdl;
}

const differing = (published: string, running: string) => diffContracts(contractOf(published), contractOf(running)).coordinates;

describe('contractOf / diffContracts', () => {
  it.each(['inventory', 'marketing', 'customer-service'])('finds no difference between %s/schema.graphql and what the kit subgraph serves for it', async (name) => {
    const file = readFileSync(new URL(`../../subgraphs/${name}/schema.graphql`, import.meta.url), 'utf8');
    expect(differing(file, await servedSdl(file))).toEqual([]);
  });

  it.each([
    ['comments, descriptions and layout', `# a comment\n${BASE.replace('"An item."', '"Something else."').replace(/ \{ id/, ' {\n  id')}`],
    ['the order of fields and of repeated directives', BASE.replace('@key(fields: "id") @key(fields: "sku") { id: ID! sku: String! price: Float }', '@key(fields: "sku") @key(fields: "id") { price: Float sku: String! id: ID! }')],
    ['a type split over a definition and an extension', BASE.replace(' price: Float }', ' }\nextend type Item { price: Float }')],
  ])('treats %s as the same contract', async (_what, published) => {
    expect(differing(published, await servedSdl(BASE))).toEqual([]);
  });

  it.each([
    ['a new field', BASE.replace('price: Float', 'price: Float currency: String'), ['Item.currency']],
    ['a field type', BASE.replace('price: Float', 'price: Float!'), ['Item.price']],
    ['an argument default', BASE.replace('limit: Int = 20', 'limit: Int = 50'), ['Query.items']],
    ['an authorization directive', BASE.replace('price: Float', 'price: Float @requiresScopes(scopes: [["finance:read"]])'), ['Item.price']],
    ['a key', BASE.replace(' @key(fields: "sku")', ''), ['Item']],
    ['an enum value', BASE.replace('RED GREEN', 'RED GREEN BLUE'), ['Colour.BLUE']],
  ])('names the coordinate when %s differs', async (_what, published, coordinates) => {
    expect(differing(published, await servedSdl(BASE))).toEqual(coordinates);
  });

  it('describes each difference with both sides', async () => {
    const { details } = diffContracts(contractOf(BASE.replace('price: Float', 'price: Float!')), contractOf(await servedSdl(BASE)));
    expect(details).toEqual(['Item.price: published ": Float!", running ": Float"']);
  });
});
