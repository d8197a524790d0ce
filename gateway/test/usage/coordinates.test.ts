import { buildSchema, parse } from 'graphql';
import { usedCoordinates } from '../../src/usage/coordinates.js';

const schema = buildSchema(`
  interface Node { id: ID! }
  type Product implements Node { id: ID! name: String price(currency: Currency = EUR): Float reviews(first: Int): [Review!]! }
  type Review implements Node { id: ID! stars: Int }
  enum Currency { EUR USD }
  input ProductFilter { category: String maxPrice: Float }
  union SearchResult = Product | Review
  type Query { products(filter: ProductFilter, limit: Int): [Product!]! node(id: ID!): Node search(text: String!): [SearchResult!]! }
`);

describe('usedCoordinates', () => {
  it.each([
    ['a plain selection', '{ products { id name } }', ['ID', 'Product', 'Product.id', 'Product.name', 'Query', 'Query.products', 'String']],
    [
      'arguments, inline input fields and their types',
      '{ products(filter: { category: "x" }, limit: 2) { price(currency: USD) } }',
      ['Currency', 'Float', 'Int', 'Product', 'Product.price', 'Product.price(currency:)', 'ProductFilter', 'ProductFilter.category', 'Query', 'Query.products', 'Query.products(filter:)', 'Query.products(limit:)', 'String'],
    ],
    ['variables: their types, not their values', 'query($f: ProductFilter) { products(filter: $f) { id } }', ['ID', 'Product', 'Product.id', 'ProductFilter', 'Query', 'Query.products', 'Query.products(filter:)']],
    [
      'a field on an interface counts on the interface; fragments add their type',
      '{ node(id: "1") { id ... on Review { stars } } }',
      ['ID', 'Int', 'Node', 'Node.id', 'Query', 'Query.node', 'Query.node(id:)', 'Review', 'Review.stars'],
    ],
    ['unions and named fragments', '{ search(text: "a") { ...P } } fragment P on Product { name }', ['Product', 'Product.name', 'Query', 'Query.search', 'Query.search(text:)', 'SearchResult', 'String']],
    ['introspection is not usage', '{ __typename products { __typename id } __schema { queryType { name } } __type(name: "Product") { name } }', ['ID', 'Product', 'Product.id', 'Query', 'Query.products']],
  ])('%s', (_name, query, expected) => {
    expect(usedCoordinates(schema, parse(query))).toEqual(expected);
  });
});
