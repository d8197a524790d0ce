/**
 * A small supergraph covering every demand-control rule, composed with Apollo's composition from
 * two subgraphs. `names` changes the local names of the imported `@cost` and `@listSize`
 * (consistently in both subgraphs, as composition requires) to prove they are resolved through
 * the supergraph's `@link`, not by their text.
 */
import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';

export interface CostDirectiveNames {
  cost: string;
  listSize: string;
}

const PLAIN: CostDirectiveNames = { cost: 'cost', listSize: 'listSize' };

function importOf(name: string, local: string): string {
  return name === local ? `"@${name}"` : `{ name: "@${name}", as: "@${local}" }`;
}

function header(n: CostDirectiveNames): string {
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", ${importOf('cost', n.cost)}, ${importOf('listSize', n.listSize)}])`;
}

export function catalogSdl(n: CostDirectiveNames = PLAIN): string {
  const sliced = (args: string, extra = '') => `@${n.listSize}(slicingArguments: [${args}], requireOneSlicingArgument: false${extra})`;
  return `${header(n)}
type Query {
  count: Int
  level: Level
  version: Version
  premium: Premium
  report: Report @${n.cost}(weight: 20)
  product(id: ID!): Product
  node(id: ID!): Node
  products(limit: Int = 5, first: Int): [Product!]! ${sliced('"limit", "first"')}
  categories: [String!]!
  warehouses: [Warehouse!]! @${n.listSize}(assumedSize: 3)
  tags: [Tag!]!
  search(text: String @${n.cost}(weight: 3), filter: Filter): [SearchResult!]! @${n.listSize}(assumedSize: 2)
  productConnection(first: Int = 4): ProductConnection! ${sliced('"first"', ', sizedFields: ["edges"]')}
  allProducts(first: Int): ProductConnection! @${n.listSize}(slicingArguments: ["first"], sizedFields: ["edges"])
  warehouseConnection(first: Int = 2): WarehouseConnection! ${sliced('"first"', ', sizedFields: ["nodes"]')}
}
type Mutation {
  restock(id: ID!, amount: Int = 1): Product
}
interface Node { id: ID! }
type Product implements Node @key(fields: "id") {
  id: ID!
  sku: String!
  name: String
  price: Float @${n.cost}(weight: 4)
  warehouses: [Warehouse!]! @${n.listSize}(assumedSize: 3)
  related(limit: Int = 2): [Product!]! ${sliced('"limit"')}
}
type Warehouse implements Node { id: ID! name: String manager: Person }
type Person { name: String }
type Tag { name: String }
type Report { total: Int }
type Premium @${n.cost}(weight: 7) { name: String }
scalar Version @${n.cost}(weight: 6)
enum Level @${n.cost}(weight: 2) { LOW HIGH }
union SearchResult = Product | Warehouse
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }
type WarehouseConnection { nodes: [Warehouse!]! }
type ProductEdge { node: Product! cursor: String! }
type PageInfo { hasNextPage: Boolean! }
input Filter { category: String @${n.cost}(weight: 2) nested: Filter }
`;
}

export function reviewsSdl(n: CostDirectiveNames = PLAIN): string {
  return `${header(n)}
type Product @key(fields: "id") {
  id: ID!
  rating: Float @${n.cost}(weight: 5)
  reviews(limit: Int = 3): [Review!] @${n.listSize}(slicingArguments: ["limit"], requireOneSlicingArgument: false)
}
type Review { body: String author: Author }
type Author { name: String }
`;
}

export interface CostFixture {
  /** The composed supergraph, parsed. */
  document: DocumentNode;
  /** Its API schema, built the way the gateway builds it. */
  apiSchema: GraphQLSchema;
}

export function composeCostFixture(names: CostDirectiveNames = PLAIN): CostFixture {
  const result = composeServices([
    { name: 'catalog', url: 'http://catalog.invalid/graphql', typeDefs: parse(catalogSdl(names)) },
    { name: 'reviews', url: 'http://reviews.invalid/graphql', typeDefs: parse(reviewsSdl(names)) },
  ]);
  if (result.errors) throw new Error(`fixture does not compose: ${result.errors.map((e) => e.message).join('; ')}`);
  return { document: parse(result.supergraphSdl), apiSchema: Supergraph.build(result.supergraphSdl).apiSchema().toGraphQLJSSchema() };
}
