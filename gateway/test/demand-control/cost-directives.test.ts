import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readCostDirectives } from '../../src/demand-control/cost-directives.js';
import { createCostEstimator } from '../../src/demand-control/estimate-cost.js';
import { SupergraphError } from '../../src/supergraph/source.js';
import { composeCostFixture, type CostDirectiveNames } from './cost-fixture.js';

const EXPECTED_WEIGHTS = {
  'Query.report': 20,
  'Query.search(text:)': 3,
  'Product.price': 4,
  'Product.rating': 5,
  Premium: 7,
  Version: 6,
  Level: 2,
  'Filter.category': 2,
};

const RENAMINGS: [label: string, names: CostDirectiveNames][] = [
  ['as composed by default (@cost not imported, @listSize imported)', { cost: 'cost', listSize: 'listSize' }],
  ['renamed on import', { cost: 'weight', listSize: 'size' }],
  // The sharpest case: a directive spelled @cost that is the cost spec's @listSize.
  ['with the two names swapped', { cost: 'weight', listSize: 'cost' }],
];

describe('readCostDirectives', () => {
  it.each(RENAMINGS)('resolves the directives %s through the supergraph @link', (_label, names) => {
    const annotations = readCostDirectives(composeCostFixture(names).document);
    expect(Object.fromEntries(annotations.weights)).toEqual(EXPECTED_WEIGHTS);
    expect(annotations.listSizes.get('Query.warehouses')).toEqual({ assumedSize: 3, slicingArguments: [], sizedFields: [], requireOneSlicingArgument: true });
    expect(annotations.listSizes.get('Query.productConnection')).toEqual({
      slicingArguments: ['first'],
      sizedFields: ['edges'],
      requireOneSlicingArgument: false,
    });
    expect(annotations.listSizes.get('Product.reviews')).toEqual({ slicingArguments: ['limit'], sizedFields: [], requireOneSlicingArgument: false });
    expect([...annotations.sizedFieldNames].sort()).toEqual(['edges', 'nodes']);
  });

  it.each(RENAMINGS)('estimates the same costs with the directives named %s', (_label, names) => {
    const fixture = composeCostFixture(names);
    const estimator = createCostEstimator(fixture.document, fixture.apiSchema, { defaultListSize: 10 });
    const estimate = (query: string) => estimator.estimate(parse(query), null, {});
    expect(estimate('{ products(limit: 2) { price related { id } } premium { name } }')).toBe(2 * (1 + 4 + 2 * 1) + 7);
    expect(estimate('{ productConnection(first: 6) { edges { node { rating } } } }')).toBe(1 + 6 * (1 + 1 + 5));
  });

  it('finds no annotations in a supergraph without the cost link', () => {
    const result = composeServices([
      {
        name: 'plain',
        url: 'http://plain.invalid/graphql',
        typeDefs: parse('extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])\ntype Query { things: [String] }'),
      },
    ]);
    if (result.errors) throw result.errors[0];
    const annotations = readCostDirectives(parse(result.supergraphSdl));
    expect(annotations.weights.size + annotations.listSizes.size + annotations.sizedFieldNames.size).toBe(0);
  });

  it('refuses a cost spec version it does not know, naming the versions it reads', () => {
    const sdl = composeServicesOrThrow().replace('https://specs.apollo.dev/cost/v0.1', 'https://specs.apollo.dev/cost/v0.9');
    expect(() => readCostDirectives(parse(sdl))).toThrow(SupergraphError);
    expect(() => readCostDirectives(parse(sdl))).toThrow('unsupported cost feature https://specs.apollo.dev/cost/v0.9; Meshgate reads cost/v0.1');
  });
});

function composeServicesOrThrow(): string {
  const result = composeServices([
    {
      name: 'a',
      url: 'http://a.invalid/graphql',
      typeDefs: parse('extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@cost"])\ntype Query { n: Int @cost(weight: 2) }'),
    },
  ]);
  if (result.errors) throw result.errors[0];
  return result.supergraphSdl;
}
