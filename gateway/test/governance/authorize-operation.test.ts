import { Kind, parse, validate } from 'graphql';
import { authorizeOperation } from '../../src/governance/authorize-operation.js';
import { anonymous, decide, fixture, normalize, user } from '../fixtures/authorize.js';

type Case = [name: string, query: string, who: ReturnType<typeof user>, policies: Record<string, boolean>, expected: string | null, deniedPaths: string[]];

const SAME = 'unchanged';

describe('authorizeOperation: which selections are unauthorized', () => {
  const cases: Case[] = [
    ['anonymous caller loses an @authenticated field', '{ publicInfo me { name } }', anonymous, {}, '{ publicInfo }', ['me']],
    ['authenticated caller keeps it', '{ publicInfo me { name } }', user(), {}, SAME, []],
    ['OR alternatives: no scope', '{ publicInfo adminStats { count } }', user(), {}, '{ publicInfo }', ['adminStats']],
    ['OR alternatives: first alternative', '{ publicInfo adminStats { count } }', user('admin'), {}, SAME, []],
    ['AND inside an alternative: half of it', '{ publicInfo adminStats { count } }', user('ops'), {}, '{ publicInfo }', ['adminStats']],
    ['AND inside an alternative: all of it', '{ publicInfo adminStats { count } }', user('ops', 'read:stats'), {}, SAME, []],
    ['directive on a field, under a list', '{ products { name unitCost } }', user(), {}, '{ products { name } }', ['products/@/unitCost']],
    ['directive on a field, scope granted', '{ products { name unitCost } }', user('read:cost'), {}, SAME, []],
    ['directive on an object type (return type)', '{ product(id: "1") { name supplier { name } } }', anonymous, { internal: true }, '{ product(id: "1") { name } }', ['product/supplier']],
    ['directive on an object type, authenticated', '{ product(id: "1") { name supplier { name } } }', user(), {}, SAME, []],
    ['directive on a scalar', '{ publicInfo secretCode }', user(), {}, '{ publicInfo }', ['secretCode']],
    ['directive on a scalar, scope granted', '{ publicInfo secretCode }', user('read:secret'), {}, SAME, []],
    ['policy on an enum, policy false', '{ publicInfo riskLevel }', user(), { risk_viewer: false }, '{ publicInfo }', ['riskLevel']],
    ['policy on an enum, unknown policy is false', '{ publicInfo riskLevel }', user(), { other: true }, '{ publicInfo }', ['riskLevel']],
    ['policy on an enum, policy true', '{ publicInfo riskLevel }', anonymous, { risk_viewer: true }, SAME, []],
    ['fields on an interface with one restricted implementer', '{ publicInfo posts { id title } }', anonymous, {}, '{ publicInfo }', ['posts/@/id', 'posts/@/title']],
    ['__typename on that interface is always allowed', '{ posts { __typename } }', anonymous, {}, SAME, []],
    [
      '... on PublicBlog passes, ... on PrivateBlog is removed',
      '{ posts { ... on PublicBlog { title } ... on PrivateBlog { title } } }',
      anonymous, {}, '{ posts { ... on PublicBlog { title } } }', ['posts/@/title'],
    ],
    ['both blog kinds for an authenticated caller', '{ posts { ... on PublicBlog { title } ... on PrivateBlog { id } } }', user(), {}, SAME, []],
    [
      'named fragment judged where it is spread (twice)',
      '{ one: product(id: "1") { ...P } all: products { ...P } } fragment P on Product { name unitCost }',
      anonymous, {}, '{ one: product(id: "1") { ...P } all: products { ...P } } fragment P on Product { name }',
      ['one/unitCost', 'all/@/unitCost'],
    ],
    [
      // The spec's interface example: judged on Post (its parent) instead, title would be removed.
      'a named fragment is judged on its own type condition, not on the type it is spread into',
      '{ posts { ...Pub } } fragment Pub on PublicBlog { title }',
      anonymous, {}, SAME, [],
    ],
    [
      'a named fragment on the restricted implementer is removed with its spread',
      '{ posts { ...Pub ...Priv } } fragment Pub on PublicBlog { title } fragment Priv on PrivateBlog { title }',
      anonymous, {}, '{ posts { ...Pub } } fragment Pub on PublicBlog { title }', ['posts/@/title'],
    ],
    [
      'fragments spreading fragments report paths under every spread',
      '{ product(id: "1") { ...Outer } } fragment Outer on Product { name ...Inner reviews { ...Inner2 } } fragment Inner on Product { unitCost } fragment Inner2 on Review { body author }',
      anonymous, {}, '{ product(id: "1") { ...Outer } } fragment Outer on Product { name reviews { ...Inner2 } } fragment Inner2 on Review { body }',
      ['product/unitCost', 'product/reviews/@/author'],
    ],
    [
      'a fragment left empty takes its spread and its definition with it',
      '{ publicInfo products { name ...Cost } } fragment Cost on Product { unitCost }',
      anonymous, {}, '{ publicInfo products { name } }', ['products/@/unitCost'],
    ],
    ['inline fragment without type condition', '{ products { ... { name unitCost } } }', anonymous, {}, '{ products { ... { name } } }', ['products/@/unitCost']],
    ['an alias does not hide a field', '{ cheap: products { price: unitCost name } }', anonymous, {}, '{ cheap: products { name } }', ['cheap/@/price']],
    ['restricted @key field not selected: the join is the planner\'s business', '{ products { name rating } }', anonymous, {}, SAME, []],
    ['restricted @key field selected', '{ products { id name } }', anonymous, {}, '{ products { name } }', ['products/@/id']],
    ['field merged with AND across directives: authenticated without scope', '{ products { name reviews { body author } } }', user(), {}, '{ products { name reviews { body } } }', ['products/@/reviews/@/author']],
    ['field merged with AND across directives: both', '{ products { name reviews { body author } } }', user('read:pii'), {}, SAME, []],
    ['everything filtered', '{ me { id } adminStats { count } }', anonymous, {}, null, ['me', 'adminStats']],
    ['a selection set left empty removes its field', '{ publicInfo products { unitCost } }', anonymous, {}, '{ publicInfo }', ['products/@/unitCost']],
  ];

  it.each(cases)('%s', (_name, query, who, policies, expected, deniedPaths) => {
    const result = decide(query, who, policies);
    expect(result.printed).toBe(expected === SAME ? normalize(query) : expected === null ? null : normalize(expected));
    expect(result.paths).toEqual(deniedPaths);
  });

  it('returns the very same document when nothing is denied', () => {
    const document = parse('{ publicInfo products { name } }');
    const { apiSchema, index } = fixture();
    const result = authorizeOperation(apiSchema, index, document, undefined, index.satisfiedSet(anonymous, new Map()).isSatisfied);
    expect(result.document).toBe(document);
    expect(result.denied).toEqual([]);
  });

  it('names the removed field by its schema coordinate, judged on the concrete type of the fragment', () => {
    expect(decide('{ posts { ... on PrivateBlog { title } ... on PublicBlog { id } } }', anonymous).coordinates).toEqual(['PrivateBlog.title']);
    expect(decide('{ posts { title } me { id } }', anonymous).coordinates).toEqual(['Post.title', 'Query.me']);
  });

  it('records for each path position whether null may stand there', () => {
    const [denied] = decide('{ products { name internalCode } }', anonymous).denied;
    expect(denied).toEqual({ path: ['products', '@', 'internalCode'], coordinate: 'Product.internalCode', nullable: [false, false, false] });
  });

  it('drops arguments and variables of a removed field, and the result still validates', () => {
    const query = 'query Q($limit: Int, $id: ID!) { audit(limit: $limit) product(id: $id) { name } }';
    const result = decide(query, anonymous, {}, 'Q');
    expect(result.printed).toBe(normalize('query Q($id: ID!) { product(id: $id) { name } }'));
    expect(validate(fixture().apiSchema, result.document!)).toEqual([]);
  });

  it('drops variables that only a removed field inside a fragment used', () => {
    const query = 'query Q($limit: Int, $id: ID!) { ...Root } fragment Root on Query { audit(limit: $limit) product(id: $id) { name } }';
    const result = decide(query, anonymous, {}, 'Q');
    expect(result.printed).toBe(normalize('query Q($id: ID!) { ...Root } fragment Root on Query { product(id: $id) { name } }'));
    expect(validate(fixture().apiSchema, result.document!)).toEqual([]);
  });

  // 12 levels keep a regression to copying (2^12 copies) quick to fail rather than hang the suite.
  it('judges each fragment once: fragments that double at every level stay linear (2^12 copies if inlined)', () => {
    const levels = 12;
    const fragments = ['fragment F0 on Product { name unitCost }'];
    for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Product { ...F${i - 1} ...F${i - 1} }`);
    const query = `{ products { ...F${levels} } } ${fragments.join(' ')}`;
    const result = decide(query, anonymous);
    // One denied path (the doubling spreads land on the same position), every fragment kept once.
    expect(result.paths).toEqual(['products/@/unitCost']);
    const definitions = result.document!.definitions;
    expect(definitions).toHaveLength(levels + 2);
    expect(normalize({ kind: Kind.DOCUMENT, definitions: [definitions[definitions.length - 1]] })).toBe(normalize('fragment F0 on Product { name }'));
    expect(validate(fixture().apiSchema, result.document!)).toEqual([]);
  });

  it('keeps only the named operation of a multi-operation document', () => {
    const result = decide('query A { me { id } publicInfo } query B { me { id } }', anonymous, {}, 'A');
    expect(result.printed).toBe(normalize('query A { publicInfo }'));
  });
});
