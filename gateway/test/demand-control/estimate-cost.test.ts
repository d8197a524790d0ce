import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { createCostEstimator, MAX_COST, type CostEstimator } from '../../src/demand-control/estimate-cost.js';
import { composeCostFixture } from './cost-fixture.js';

const DEFAULT_LIST_SIZE = 10;

let estimator: CostEstimator;
beforeAll(() => {
  const fixture = composeCostFixture();
  estimator = createCostEstimator(fixture.document, fixture.apiSchema, { defaultListSize: DEFAULT_LIST_SIZE });
});

function cost(query: string, variables: Record<string, unknown> = {}, operationName?: string): number {
  return estimator.estimate(parse(query), operationName, variables);
}

// Each row: the query, its variables, the expected cost and how that number comes about.
const CASES: [name: string, query: string, variables: Record<string, unknown>, expected: number][] = [
  // ---- Element weights ------------------------------------------------------------------------
  ['a scalar costs 0', '{ count }', {}, 0],
  ['an object costs 1', '{ product(id: 1) { id name } }', {}, 1],
  ['@cost on a field adds its weight', '{ product(id: 1) { price } }', {}, 1 + 4],
  ['@cost on an object type replaces the 1', '{ premium { name } }', {}, 7],
  ['@cost on a scalar type', '{ version }', {}, 6],
  ['@cost on an enum type', '{ level }', {}, 2],
  ['@cost on a field replaces its type default', '{ report { total } }', {}, 20],
  ['@cost on an argument, when given', '{ search(text: "tent") { __typename } }', {}, 2 * 1 + 3],
  ['an argument not given costs nothing', '{ search { __typename } }', {}, 2 * 1],
  ['an input object costs 1 plus its fields', '{ search(filter: { category: "a" }) { __typename } }', {}, 2 + (1 + 2)],
  ['nested input objects add up', '{ search(filter: { category: "a", nested: { category: "b" } }) { __typename } }', {}, 2 + (1 + 2) + (1 + 2)],
  ['an input object in a variable', 'query ($f: Filter) { search(filter: $f) { __typename } }', { f: { category: 'a', nested: { category: 'b' } } }, 2 + 3 + 3],
  ['a variable that was not sent costs nothing', 'query ($f: Filter) { search(filter: $f) { __typename } }', {}, 2],
  ['__typename and introspection cost 0', '{ __typename __schema { types { name fields { name } } } }', {}, 0],
  ['fields the schema does not have cost 0', '{ nosuch product(id: 1) { nope { x } id } }', {}, 1],
  ['a field of another subgraph', '{ product(id: 1) { rating reviews { author { name } } } }', {}, 1 + 5 + 3 * (1 + 1)],

  // ---- List sizes -----------------------------------------------------------------------------
  ['slicing argument as a literal', '{ products(limit: 3) { id } }', {}, 3],
  ['slicing argument as a variable', 'query ($n: Int) { products(limit: $n) { id } }', { n: 7 }, 7],
  ['slicing argument omitted: its default', '{ products { id } }', {}, 5],
  ['slicing variable missing: the default', 'query ($n: Int) { products(limit: $n) { id } }', {}, 5],
  ['slicing variable null: the default', 'query ($n: Int) { products(limit: $n) { id } }', { n: null }, 5],
  ['slicing variable a string: the default', 'query ($n: Int) { products(limit: $n) { id } }', { n: '7' }, 5],
  ['slicing variable not whole: the default', 'query ($n: Int) { products(limit: $n) { id } }', { n: 2.5 }, 5],
  ['several slicing arguments: the largest', '{ products(limit: 3, first: 8) { id } }', {}, 8],
  ["a smaller second slicing argument keeps the first's default", '{ products(first: 2) { id } }', {}, 5],
  ['a negative slicing argument is an empty list', '{ products(limit: -5) { id price } }', {}, 0],
  ['slicing argument without a value or default: assumedSize, else the default size', '{ allProducts { edges { cursor } } }', {}, 1 + DEFAULT_LIST_SIZE * 1],
  ['assumedSize', '{ warehouses { id } }', {}, 3],
  ['no @listSize: the configured default list size', '{ tags { name } }', {}, DEFAULT_LIST_SIZE],
  ['a list of scalars costs 0', '{ categories }', {}, 0],
  ['nested lists multiply', '{ products(limit: 2) { related(limit: 3) { warehouses { id } } } }', {}, 2 * (1 + 3 * (1 + 3 * 1))],
  ['nested list with its default', '{ products(limit: 2) { related { id } } }', {}, 2 * (1 + 2 * 1)],
  ['sizedFields take the parent slicing size', '{ productConnection(first: 6) { edges { node { id } } pageInfo { hasNextPage } } }', {}, 1 + 6 * (1 + 1) + 1],
  ["sizedFields with the parent's default", '{ productConnection { edges { cursor } } }', {}, 1 + 4 * 1],
  ['sizedFields through a fragment', '{ productConnection(first: 6) { ...Edges } } fragment Edges on ProductConnection { edges { node { id } } }', {}, 1 + 6 * 2],
  [
    'one fragment sized differently where it is spread',
    '{ a: productConnection(first: 6) { ...Edges } b: productConnection(first: 2) { ...Edges } } fragment Edges on ProductConnection { edges { node { id } } }',
    {},
    1 + 6 * 2 + (1 + 2 * 2),
  ],
  ['a field another @listSize sizes keeps its own size here', '{ productConnection(first: 6) { nodes { id } } }', {}, 1 + DEFAULT_LIST_SIZE * 1],
  ['that field sized where its own parent names it', '{ warehouseConnection { nodes { id } } }', {}, 1 + 2 * 1],
  ['sizedFields through an inline fragment', '{ productConnection(first: 6) { ... on ProductConnection { edges { cursor } } } }', {}, 1 + 6],
  [
    'a fragment spread inside and outside a sized parent',
    '{ productConnection(first: 6) { edges { node { ...Related } } } products(limit: 1) { ...Related } } fragment Related on Product { related(limit: 3) { id } }',
    {},
    1 + 6 * (1 + (1 + 3)) + 1 * (1 + 3),
  ],

  // ---- Fragments, abstract types, operations ----------------------------------------------------
  ['a named fragment', '{ products(limit: 2) { ...P } } fragment P on Product { id price }', {}, 2 * (1 + 4)],
  ['a named fragment spread twice counts twice', '{ products(limit: 2) { ...P ...P } } fragment P on Product { price }', {}, 2 * (1 + 4 + 4)],
  ['an inline fragment', '{ products(limit: 2) { ... on Product { price } } }', {}, 2 * (1 + 4)],
  ['an inline fragment without a type condition', '{ products(limit: 2) { ... { price } } }', {}, 2 * (1 + 4)],
  ['fragments on every type of an interface add up (Apollo)', '{ node(id: 1) { id ... on Product { price } ... on Warehouse { manager { name } } } }', {}, 1 + 4 + 1],
  ['fragments on every member of a union add up', '{ search { ... on Product { price } ... on Warehouse { manager { name } } } }', {}, 2 * (1 + 4 + 1)],
  ['a mutation adds 10', 'mutation { restock(id: 1) { id price } }', {}, 10 + 1 + 4],
  ['a spread of an unknown fragment costs 0', '{ product(id: 1) { ...Missing } }', {}, 1],

  // ---- @skip and @include -----------------------------------------------------------------------
  ['@skip on a variable counts as included', 'query ($s: Boolean!) { product(id: 1) { price @skip(if: $s) } }', { s: true }, 5],
  ['@include on a variable counts as included', 'query ($i: Boolean!) { product(id: 1) { price @include(if: $i) } }', { i: false }, 5],
  ['@skip(if: true) costs 0', '{ product(id: 1) { price @skip(if: true) } }', {}, 1],
  ['@include(if: false) costs 0', '{ product(id: 1) { price @include(if: false) } }', {}, 1],
  ['@skip(if: false) counts', '{ product(id: 1) { price @skip(if: false) } }', {}, 5],
  ['a fragment spread under @skip(if: true) costs 0', '{ product(id: 1) { ...P @skip(if: true) } } fragment P on Product { price }', {}, 1],
  ['an inline fragment under @include(if: false) costs 0', '{ product(id: 1) { ... @include(if: false) { price } } }', {}, 1],

  // ---- Hostile documents ------------------------------------------------------------------------
  ['fragments in a cycle end where they repeat', '{ ...A } fragment A on Query { products { id } ...B } fragment B on Query { warehouses { id } ...A }', {}, 5 + 3],
  ['a fragment spreading itself', '{ ...A } fragment A on Query { ...A products { id } }', {}, 5],
  ['huge list sizes saturate', '{ products(limit: 2000000000) { related(limit: 2000000000) { related(limit: 2000000000) { id } } } }', {}, MAX_COST],
  ['an Int literal beyond 2^53 saturates', '{ products(limit: 99999999999999999999999999) { id } }', {}, MAX_COST],
];

describe('createCostEstimator', () => {
  it.each(CASES)('%s', (_name, query, variables, expected) => {
    expect(cost(query, variables)).toBe(expected);
  });

  it('estimates the operation that operationName or the operation node selects', () => {
    const document = parse('query A { products(limit: 2) { id } } query B { warehouses { id } }');
    expect(estimator.estimate(document, 'A', {})).toBe(2);
    expect(estimator.estimate(document, 'B', {})).toBe(3);
    const [, b] = document.definitions;
    if (b.kind !== Kind.OPERATION_DEFINITION) throw new Error('expected an operation');
    expect(estimator.estimate(document, b, {})).toBe(3);
    // Ambiguous or unknown: nothing would run (the parse stage refuses it first).
    expect(estimator.estimate(document, null, {})).toBe(0);
    expect(estimator.estimate(document, 'C', {})).toBe(0);
  });

  it('reads the configured default list size', () => {
    const fixture = composeCostFixture();
    const small = createCostEstimator(fixture.document, fixture.apiSchema, { defaultListSize: 2 });
    expect(small.estimate(parse('{ tags { name } warehouses { id } }'), null, {})).toBe(2 + 3);
  });

  it('accepts null variables as none', () => {
    expect(estimator.estimate(parse('query ($n: Int) { products(limit: $n) { id } }'), null, null)).toBe(5);
  });
});

/** `fragment F0 on Query { __typename products { sku } }`, then each F<i> spreads F<i-1> twice. */
function doublingFragments(levels: number): DocumentNode {
  const fragments = ['fragment F0 on Query { __typename products { sku } }'];
  for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return parse(`{ ...F${levels} }\n${fragments.join('\n')}`);
}

/** Counts how often the estimator reads the selections of `selectionSet`. */
function countReads(selectionSet: SelectionSetNode): { reads: number } {
  const counter = { reads: 0 };
  const selections = selectionSet.selections;
  Object.defineProperty(selectionSet, 'selections', {
    get() {
      counter.reads++;
      return selections;
    },
  });
  return counter;
}

/** Estimates `doublingFragments(levels)` and returns how often F0's selections were read. */
function readsOfF0(levels: number): { cost: number; reads: number } {
  const document = doublingFragments(levels);
  const f0 = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === 'F0');
  if (f0?.kind !== Kind.FRAGMENT_DEFINITION) throw new Error('expected F0');
  const counter = countReads(f0.selectionSet);
  const cost = estimator.estimate(document, null, {});
  return { cost, reads: counter.reads };
}

describe('the doubling-fragment query', () => {
  // Checked first at 10 levels in every test: a broken memo then fails at 1,024 reads instead of
  // hanging on 2^25 (a synchronous loop cannot be interrupted by a test timeout).
  beforeEach(() => {
    expect(readsOfF0(10).reads).toBeLessThanOrEqual(2);
  });

  it('is summarized once per fragment, however often the fragment is spread', () => {
    // 2^25 copies of `products { sku }` (default limit 5, each product 1), computed exactly, while
    // F0 was read twice: once to find its spreads, once to summarize it.
    const { cost, reads } = readsOfF0(25);
    expect(cost).toBe(2 ** 25 * 5);
    expect(reads).toBeLessThanOrEqual(2);
  });

  it('saturates at MAX_COST (Number.MAX_SAFE_INTEGER) instead of overflowing', () => {
    const { cost, reads } = readsOfF0(80);
    expect(cost).toBe(MAX_COST);
    expect(reads).toBeLessThanOrEqual(2);
    expect(MAX_COST).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('survives a chain of fragments longer than the call stack is deep', () => {
    const chain = ['fragment C0 on Query { products(limit: 1) { id } }'];
    for (let i = 1; i <= 20_000; i++) chain.push(`fragment C${i} on Query { ...C${i - 1} }`);
    expect(estimator.estimate(parse(`{ ...C20000 }\n${chain.join('\n')}`), null, {})).toBe(1);
  });
});
