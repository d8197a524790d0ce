import { Kind, getOperationAST, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import {
  DEFAULT_OPERATION_LIMITS,
  LIMIT_ORDER,
  firstViolation,
  limitError,
  measureOperation,
  type LimitName,
  type OperationLimits,
  type OperationMeasures,
} from '../../src/limits/operation-limits.js';
import { INTROSPECTION_QUERIES, readmeQueries, workloadQueries } from './documented-queries.js';

function measure(query: string, operationName?: string): OperationMeasures {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error(`expected one operation in the test query, got none: ${query}`);
  return measureOperation(document, operation);
}

const OFF: OperationLimits = { maxDepth: 0, maxAliases: 0, maxRootFields: 0, maxDirectives: 0, maxTotalDirectives: 0, maxSelections: 0 };
const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');
/** `fragment F1 on Query { ...F0 ...F0 }` up to F<k>: 2^k copies of F0 once expanded. */
const doubling = (k: number, leaf = '__typename') =>
  `query { ...F${k} } fragment F0 on Query { ${leaf} } ${repeat(k, (i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`)}`;

describe('measuring an operation without expanding its fragments', () => {
  it.each<[string, string, Partial<OperationMeasures>]>([
    ['one field', '{ a }', { depth: 1, aliases: 0, rootFields: 1, directives: 0, totalDirectives: 0, selections: 1 }],
    ['nested fields', '{ a { b { c } } d }', { depth: 3, rootFields: 2, selections: 4 }],
    ['a named fragment adds its fields, no depth of its own', '{ a { ...F } } fragment F on T { b { c } }', { depth: 3, rootFields: 1, selections: 4 }],
    ['an inline fragment adds no depth', '{ a { ... on T { ... { b } } } }', { depth: 2, selections: 4 }],
    ['aliases, counted where a fragment is spread (twice here)', '{ a { x: b ...F ...F } } fragment F on T { y: c z: d }', { aliases: 5, selections: 8 }],
    ['aliases inside inline fragments and sub-selections', '{ r: a { ... on T { s: b { t: c } } } }', { aliases: 3 }],
    ['root fields through fragments and inline fragments', '{ a b ...F ... on Query { c } } fragment F on Query { d e }', { rootFields: 5, depth: 1 }],
    ['root fields only at the top: nested ones do not count', '{ a { b c d } ...F } fragment F on Query { e { f g } }', { rootFields: 2 }],
    ['directives on one field', '{ a @x @y @z b @x }', { directives: 3, totalDirectives: 4 }],
    ['directives on a spread, an inline fragment and a fragment', '{ ...F @a @b ... @a @b @c @d { x } } fragment F on Query @a @b @c { y }', { directives: 4, totalDirectives: 9 }],
    ['directives on the operation', 'query Q @a @b { x @c }', { directives: 2, totalDirectives: 3 }],
    ['directives counted where their fragment is spread', '{ ...F ...F ...F } fragment F on Query { a @include(if: true) }', { directives: 1, totalDirectives: 3 }],
    ['selections: fields, inline fragments and spreads, as expanded', '{ a { b c } ... on Query { d } ...F ...F } fragment F on Query { e { f } }', { selections: 11 }],
    ['an unknown fragment counts as its spread only', '{ a ...Missing }', { selections: 2, depth: 1 }],
  ])('%s', (_name, query, expected) => {
    expect(measure(query)).toMatchObject(expected);
  });

  it('measures the operation operationName selects, with the fragments it reaches', () => {
    const query = 'query Small { a } query Big { a { b { c { d } } } ...F } fragment F on Query { x: e }';
    expect(measure(query, 'Small')).toMatchObject({ depth: 1, aliases: 0, selections: 1 });
    expect(measure(query, 'Big')).toMatchObject({ depth: 4, aliases: 1, selections: 6 });
  });

  it('counts the doubling-fragment attack exactly, with F0 measured once', () => {
    // F(k) = 2 spreads + 2 F(k-1), F(0) = 1: the operation's one spread plus F25 is 3 * 2^25 - 1.
    const measures = measure(doubling(25));
    expect(measures.selections).toBe(3 * 2 ** 25 - 1);
    expect(measures.rootFields).toBe(2 ** 25);
    expect(measures.depth).toBe(1);
  });

  it('saturates at Number.MAX_SAFE_INTEGER instead of overflowing to Infinity', () => {
    const measures = measure(doubling(2000, 'x: a @include(if: true)'));
    expect(measures.selections).toBe(Number.MAX_SAFE_INTEGER);
    expect(measures.aliases).toBe(Number.MAX_SAFE_INTEGER);
    expect(measures.totalDirectives).toBe(Number.MAX_SAFE_INTEGER);
    expect(JSON.parse(limitError({ limit: 'maxSelections', max: 1, measured: measures.selections }).toBody()).errors[0].extensions.measured).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each<[string, string]>([
    ['a fragment that spreads itself', '{ ...A } fragment A on Query { a { ...A } }'],
    ['two fragments spreading each other', '{ ...A } fragment A on Query { x ...B } fragment B on Query { y ...A }'],
    ['a cycle reached through an inline fragment', '{ ...A } fragment A on Query { ... on Query { ...B } } fragment B on Query { z { ...A } }'],
  ])('terminates on %s (invalid, not yet validated)', (_name, query) => {
    const measures = measure(query);
    expect(Number.isFinite(measures.selections)).toBe(true);
    expect(measures.selections).toBeLessThan(10);
  });

  it('follows a chain of 50,000 fragments without running out of stack (the measure is pure: no token limit guards it)', () => {
    const query = `{ ...F50000 } fragment F0 on Query { a } ${repeat(50_000, (i) => `fragment F${i + 1} on Query { ...F${i} }`)}`;
    expect(measure(query)).toMatchObject({ depth: 1, rootFields: 1, selections: 50_002 });
  });

  it('measures each fragment once however often it is spread (duplicate names: the first wins)', () => {
    const document = parse('{ ...F ...F } fragment F on Query { a } fragment F on Query { b c d }');
    expect(measureOperation(document, document.definitions[0] as OperationDefinitionNode)).toMatchObject({ selections: 4, rootFields: 2 });
  });
});

/** A document whose measure for `limit` is `n`, with every other measure as small as the shape allows. */
function shapeFor(limit: LimitName, n: number): string {
  switch (limit) {
    case 'maxDepth':
      return `{ ${'a { '.repeat(n - 1)}b${' }'.repeat(n - 1)} }`;
    case 'maxAliases':
      // Under one root field, so the root-field limit is not what trips.
      return `{ r { ${repeat(n - 1, (i) => `x${i}: b`)} } last: r }`;
    case 'maxRootFields':
      return `{ ${repeat(n, (i) => `f${i}`)} }`;
    case 'maxDirectives':
      return `{ a${' @d'.repeat(n)} }`;
    case 'maxTotalDirectives':
      return `{ r { ${repeat(n, (i) => `f${i} @include(if: $v)`)} } }`;
    case 'maxSelections':
      return `{ r { ${'f '.repeat(n - 1)}} }`;
    default: {
      const never: never = limit;
      throw new Error(`no shape for ${String(never)}`);
    }
  }
}

const CODES: Record<LimitName, ErrorCode> = {
  maxDepth: ErrorCode.MaxDepthLimit,
  maxAliases: ErrorCode.MaxAliasesLimit,
  maxRootFields: ErrorCode.MaxRootFieldsLimit,
  maxDirectives: ErrorCode.MaxDirectivesLimit,
  maxTotalDirectives: ErrorCode.MaxDirectivesLimit,
  maxSelections: ErrorCode.MaxSelectionsLimit,
};

describe('the default limits, each at, just under and just over its value', () => {
  const table = LIMIT_ORDER.flatMap((limit) => {
    const max = DEFAULT_OPERATION_LIMITS[limit];
    return [
      [limit, max - 1, null],
      [limit, max, null],
      [limit, max + 1, limit],
    ] as [LimitName, number, LimitName | null][];
  });

  it.each(table)('%s measured %i: violated %s', (limit, n, expected) => {
    const violation = firstViolation(measure(shapeFor(limit, n)), DEFAULT_OPERATION_LIMITS);
    expect(violation && violation.limit).toBe(expected);
    if (violation) expect(violation).toEqual({ limit, max: DEFAULT_OPERATION_LIMITS[limit], measured: n });
  });

  it.each(LIMIT_ORDER.map((limit) => [limit]))('%s set to 0 is disabled', (limit) => {
    const measures = measure(shapeFor(limit, DEFAULT_OPERATION_LIMITS[limit] * 10));
    expect(firstViolation(measures, { ...DEFAULT_OPERATION_LIMITS, ...{ [limit]: 0 } })?.limit).not.toBe(limit);
    expect(firstViolation(measures, OFF)).toBeNull();
  });

  it('reports the first violated limit in LIMIT_ORDER, selections before the counts they inflate', () => {
    const limits: OperationLimits = { maxDepth: 20, maxAliases: 30, maxRootFields: 20, maxDirectives: 10, maxTotalDirectives: 20, maxSelections: 500 };
    // 35 aliased root fields, each 27 deep, a directive on every level: every limit is over.
    const measures = measure(`{ ${repeat(35, (i) => `r${i}: a @x @x @x @x @x @x @x @x @x @x @x { ${'b @x { '.repeat(25)}c${' }'.repeat(25)} }`)} }`);
    const order: (LimitName | undefined)[] = [];
    let remaining = limits;
    // Bounded, so that a limit set to 0 which still trips fails this test instead of looping.
    for (let violation = firstViolation(measures, remaining); violation && order.length <= LIMIT_ORDER.length; violation = firstViolation(measures, remaining)) {
      order.push(violation.limit);
      remaining = { ...remaining, [violation.limit]: 0 };
    }
    expect(order).toEqual(['maxSelections', 'maxDepth', 'maxAliases', 'maxRootFields', 'maxDirectives', 'maxTotalDirectives']);
    expect(order).toEqual(LIMIT_ORDER);
    expect(firstViolation(measure(doubling(25)), DEFAULT_OPERATION_LIMITS)?.limit).toBe('maxSelections');
  });
});

describe('the refusal a client receives', () => {
  it.each(LIMIT_ORDER.map((limit) => [limit, CODES[limit]] as const))('%s: HTTP 400 %s naming the limit and the measured value', (limit, code) => {
    const max = DEFAULT_OPERATION_LIMITS[limit];
    const violation = firstViolation(measure(shapeFor(limit, max + 1)), DEFAULT_OPERATION_LIMITS);
    if (!violation) throw new Error(`expected ${limit} to be violated at ${max + 1}`);
    const error = limitError(violation);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.message).toContain(String(max + 1));
    expect(error.message).toContain(`exceeds the limit of ${max}`);
    expect(JSON.parse(error.toBody())).toEqual({ errors: [{ message: error.message, extensions: { code, limit: max, measured: max + 1 } }] });
  });

  it('the doubling-fragment query: MAX_SELECTIONS_LIMIT with the huge measured value', () => {
    const violation = firstViolation(measure(doubling(25)), DEFAULT_OPERATION_LIMITS);
    if (!violation) throw new Error('expected the doubling-fragment query to be refused');
    const error = limitError(violation);
    expect(error.code).toBe(ErrorCode.MaxSelectionsLimit);
    expect(error.details).toEqual({ limit: DEFAULT_OPERATION_LIMITS.maxSelections, measured: 3 * 2 ** 25 - 1 });
    expect(error.message).toBe(`Operation selection count with fragments expanded (100663295) exceeds the limit of ${DEFAULT_OPERATION_LIMITS.maxSelections}`);
  });

  it('the message says "at least" once the count saturated', () => {
    expect(limitError({ limit: 'maxSelections', max: 10, measured: Number.MAX_SAFE_INTEGER }).message).toContain('at least 9007199254740991');
  });
});

describe('legitimate operations pass the default limits', () => {
  const documented = [...INTROSPECTION_QUERIES, ...readmeQueries(), ...workloadQueries()];

  it('finds the documented queries (README examples, data product pages, workloads)', () => {
    expect(readmeQueries().length).toBeGreaterThanOrEqual(12);
    expect(workloadQueries().length).toBe(5);
  });

  it.each(documented.map((d) => [d.source, d.query.replace(/\s+/g, ' ').slice(0, 60), d.query]))('%s: %s', (_source, _short, query) => {
    const document: DocumentNode = parse(query);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) expect(firstViolation(measureOperation(document, operation), DEFAULT_OPERATION_LIMITS)).toBeNull();
  });

  it('the full introspection query is well inside every default', () => {
    const measures = measure(INTROSPECTION_QUERIES[1].query);
    expect(measures).toMatchObject({ aliases: 0, rootFields: 1, directives: 0, totalDirectives: 0 });
    expect(measures.depth).toBeLessThan(DEFAULT_OPERATION_LIMITS.maxDepth);
    expect(measures.selections).toBeLessThan(DEFAULT_OPERATION_LIMITS.maxSelections);
  });
});
