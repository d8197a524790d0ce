/** Hostile GraphQL documents, each small to send and expensive if taken at its word. */

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** F0..F<levels>, each spreading the one before twice: 2^levels selections from about 40 bytes a level. */
export function doublingFragments(levels: number): string {
  const fragments = ['fragment F0 on Query { __typename products(limit: 1) { sku } }'];
  for (const i of range(levels)) fragments.push(`fragment F${i + 1} on Query { ...F${i} ...F${i} }`);
  return `{ ...F${levels} } ${fragments.join(' ')}`;
}

/**
 * The named-fragment expansion of GHSA-p2q6-pwh5-m6jr / CVE-2025-32034: each fragment selects the
 * next one under two aliases one level down, so the planner's expansion doubles at every level.
 */
export function aliasedFragmentTree(levels: number): string {
  const fragments = range(levels).map((i) => `fragment P${i} on Product { a: stockLevels { product { ...P${i + 1} } } b: stockLevels { product { ...P${i + 1} } } }`);
  fragments.push(`fragment P${levels} on Product { sku }`);
  return `{ products(limit: 1) { ...P0 } } ${fragments.join(' ')}`;
}

/** Fragments that spread each other in a circle (invalid; must not loop anything before validation refuses it). */
export const CYCLIC_FRAGMENTS = '{ products(limit: 1) { ...A } } fragment A on Product { sku ...B } fragment B on Product { name ...C } fragment C on Product { ...A }';

/** Product -> stockLevels -> product -> … `levels` times: selection sets nested 2 × levels deep. */
export function deepNesting(levels: number): string {
  return `{ products(limit: 1) { ${'stockLevels { product { '.repeat(levels)}sku${' } }'.repeat(levels)} } }`;
}

/** Braces nested deeper than any parser should recurse (graphql-js overflows its stack from ~2,000). */
export function parserRecursion(levels: number): string {
  return `{ ${'a { '.repeat(levels)}b${' }'.repeat(levels)} }`;
}

/** Input values nested `levels` deep inside one argument. */
export function nestedListArgument(levels: number): string {
  return `{ product(id: ${'['.repeat(levels)}1${']'.repeat(levels)}) { sku } }`;
}

/** The same root field under `count` aliases (CVE-2024-43414's shape: planning options multiply per alias). */
export function aliases(count: number): string {
  return `{ ${range(count).map((i) => `a${i}: categories`).join(' ')} }`;
}

/** `count` root fields, under few enough aliases to pass that limit. */
export function rootFields(count: number): string {
  return `{ categories warehouses { id } ${range(count - 2).map((i) => `c${i}: categories`).join(' ')} }`;
}

/** One field carrying `count` directives (directive overloading). */
export function directives(count: number): string {
  return `{ __typename ${'@skip(if: false) '.repeat(count)}}`;
}

/** One selection repeated `count` times in one selection set (graphql-js's field-merging check is quadratic in it). */
export function repeatedField(count: number): string {
  return `{ products(limit: 1) { ${'sku '.repeat(count)}} }`;
}

/** About `tokens` lexical tokens in a valid-looking document. */
export function manyTokens(tokens: number): string {
  return `{ products(limit: 1) { ${'sku '.repeat(tokens)}} }`;
}

/** `__type` nested through `ofType` far deeper than any real type reference. */
export function deepTypeIntrospection(levels: number): string {
  return `{ __type(name: "Product") { fields { type { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } } } }`;
}

/** A list of 100 products, each with 100 movements, each movement's product with 100 more. */
export const EXPENSIVE = '{ products(limit: 100) { stockMovements(limit: 100) { product { stockMovements(limit: 100) { id } } } } }';

/** A JSON value nested `levels` deep: JSON.parse recurses over it. */
export function deepJson(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}
