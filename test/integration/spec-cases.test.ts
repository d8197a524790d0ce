import type { DirectiveNames } from '../../gateway/test/fixtures/security-supergraph.js';
import { startFixtureMesh, type FixtureMesh } from '../support/fixture-mesh.js';
import { postGraphQL } from '../support/http.js';
import { bearer } from '../support/tokens.js';

// The authorization spec (spec/authorization.md) end to end for the cases the demo domains cannot
// show, over the fixture supergraph the pure filter's table tests use
// (gateway/test/fixtures/security-supergraph.ts): real JWTs, the real gateway loading a supergraph
// file, and real subgraph servers over HTTP that verify the gateway's signature.

const UNAUTHORIZED = (path: string) => ({
  message: 'Unauthorized field or type',
  path: path.split('/'),
  extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
});

type Who = 'anonymous' | { subject?: string; scopes?: string[]; roles?: string[] };

interface Case {
  name: string;
  who: Who;
  query: string;
  variables?: Record<string, unknown>;
  /** The response's `data`, exactly. */
  data: Record<string, unknown> | null;
  /** Denied paths ("/"-separated), in order; each must be exactly one UNAUTHORIZED_FIELD_OR_TYPE error. */
  denied: string[];
  /** Requests each subgraph must have received for this operation (0 = not called). */
  calls: { catalog: number; reviews: number };
  /** Names that must not appear in any operation sent to a subgraph (removed before planning). */
  notSent?: string[];
}

const USER = { subject: 'u1' };
const W1 = { name: 'Widget' };
const W2 = { name: 'Gadget' };

const CASES: Case[] = [
  // Interface with one restricted implementer (PrivateBlog is @authenticated).
  {
    name: '`... on PublicBlog` passes, `... on PrivateBlog` is removed (anonymous)',
    who: 'anonymous',
    query: '{ posts { ... on PublicBlog { id title } ... on PrivateBlog { title } } }',
    data: { posts: [{ id: 'pub-1', title: 'Open post' }, { title: null }] },
    denied: ['posts/@/title'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['PrivateBlog'],
  },
  {
    name: 'both blog kinds for an authenticated caller',
    who: USER,
    query: '{ posts { ... on PublicBlog { id title } ... on PrivateBlog { title } } }',
    data: { posts: [{ id: 'pub-1', title: 'Open post' }, { title: 'Private post' }] },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },
  {
    name: 'a field selected on the interface is removed because one implementer\'s would be, even for a PublicBlog',
    who: 'anonymous',
    query: '{ publicInfo latestPost { __typename title } }',
    data: { publicInfo: 'Welcome', latestPost: { __typename: 'PublicBlog', title: null } },
    denied: ['latestPost/title'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['title'],
  },
  {
    name: 'the interface field for an authenticated caller',
    who: USER,
    query: '{ publicInfo latestPost { __typename title } }',
    data: { publicInfo: 'Welcome', latestPost: { __typename: 'PublicBlog', title: 'Open post' } },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },
  {
    name: 'every interface field removed: the field left without selections is null',
    who: 'anonymous',
    query: '{ publicInfo latestPost { id title } }',
    data: { publicInfo: 'Welcome', latestPost: null },
    denied: ['latestPost/id', 'latestPost/title'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['latestPost'],
  },
  {
    // Judged on its parent type (Post, whose title one implementer restricts) it would lose `title`.
    name: 'a named fragment on PublicBlog, spread into the interface, is judged by PublicBlog alone (anonymous)',
    who: 'anonymous',
    query: '{ posts { ...Pub } } fragment Pub on PublicBlog { title }',
    data: { posts: [{ title: 'Open post' }, {}] },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },
  {
    name: 'a named fragment on PrivateBlog is removed with its spread, the one on PublicBlog kept (anonymous)',
    who: 'anonymous',
    query: '{ posts { ...Pub ...Priv } } fragment Pub on PublicBlog { id title } fragment Priv on PrivateBlog { title }',
    data: { posts: [{ id: 'pub-1', title: 'Open post' }, { title: null }] },
    denied: ['posts/@/title'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['PrivateBlog', 'Priv'],
  },
  {
    name: '__typename on the interface is always allowed',
    who: 'anonymous',
    query: '{ posts { __typename } }',
    data: { posts: [{ __typename: 'PublicBlog' }, { __typename: 'PrivateBlog' }] },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },

  // Directive on a scalar (Secret: read:secret) and on an enum (Level: policy risk_viewer).
  {
    name: '@requiresScopes on a scalar: scope missing',
    who: USER,
    query: '{ publicInfo secretCode }',
    data: { publicInfo: 'Welcome', secretCode: null },
    denied: ['secretCode'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['secretCode'],
  },
  {
    name: '@requiresScopes on a scalar: scope granted',
    who: { scopes: ['read:secret'] },
    query: '{ publicInfo secretCode }',
    data: { publicInfo: 'Welcome', secretCode: 'S3CR3T' },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },
  {
    name: '@policy on an enum: policy false',
    who: { roles: ['internal'] },
    query: '{ publicInfo riskLevel }',
    data: { publicInfo: 'Welcome', riskLevel: null },
    denied: ['riskLevel'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['riskLevel'],
  },
  {
    name: '@policy on an enum: policy true',
    who: { roles: ['risk_viewer'] },
    query: '{ publicInfo riskLevel }',
    data: { publicInfo: 'Welcome', riskLevel: 'HIGH' },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },

  // OR of alternatives, AND inside one: adminStats needs [["admin"], ["ops", "read:stats"]].
  ...([
    [[], true],
    [['admin'], false],
    [['ops'], true],
    [['read:stats'], true],
    [['ops', 'read:stats'], false],
  ] as const).map(
    ([scopes, denied]): Case => ({
      name: `adminStats = admin OR (ops AND read:stats), scopes ${JSON.stringify(scopes)}`,
      who: { scopes: [...scopes] },
      query: '{ publicInfo adminStats { count } }',
      data: { publicInfo: 'Welcome', adminStats: denied ? null : { count: 42 } },
      denied: denied ? ['adminStats'] : [],
      calls: { catalog: 1, reviews: 0 },
      ...(denied ? { notSent: ['adminStats'] } : {}),
    }),
  ),

  // A restricted @key field (Product.id is @authenticated) still joins catalog to reviews.
  {
    name: 'restricted @key used for the join but not returned: the caller gets the joined data',
    who: 'anonymous',
    query: '{ products { name rating } }',
    data: { products: [{ ...W1, rating: 4.5 }, { ...W2, rating: 3 }] },
    denied: [],
    calls: { catalog: 1, reviews: 1 },
  },
  {
    name: 'restricted @key join for one product, with a list below it',
    who: 'anonymous',
    query: '{ product(id: "2") { name rating reviews { body } } }',
    data: { product: { ...W2, rating: 3, reviews: [{ body: 'Meh' }, { body: 'Fine' }] } },
    denied: [],
    calls: { catalog: 1, reviews: 1 },
  },
  {
    name: 'restricted @key selected: it is removed, and being non-null it nulls its product; the join still ran',
    who: 'anonymous',
    query: '{ publicInfo product(id: "1") { id name rating } }',
    data: { publicInfo: 'Welcome', product: null },
    denied: ['product/id'],
    calls: { catalog: 1, reviews: 1 },
  },

  // A restricted non-null field nulls its nearest nullable parent.
  {
    name: 'non-null field under a policy nulls the nullable product',
    who: USER,
    query: '{ publicInfo product(id: "1") { name internalCode } }',
    data: { publicInfo: 'Welcome', product: null },
    denied: ['product/internalCode'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['internalCode'],
  },
  {
    name: 'non-null field under a policy, policy true',
    who: { roles: ['internal'] },
    query: '{ publicInfo product(id: "1") { name internalCode } }',
    data: { publicInfo: 'Welcome', product: { ...W1, internalCode: 'W-INT' } },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },
  {
    name: 'non-null field of an @authenticated object type nulls the nullable product',
    who: 'anonymous',
    query: '{ publicInfo product(id: "1") { name supplier { name } } }',
    data: { publicInfo: 'Welcome', product: null },
    denied: ['product/supplier'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['supplier'],
  },
  {
    name: 'non-null field in a non-null list of non-null items: null propagates up to data',
    who: USER,
    query: '{ publicInfo products { name internalCode } }',
    data: null,
    denied: ['products/@/internalCode'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['internalCode'],
  },

  // Lists of entities with a restricted field: "@" paths.
  {
    name: 'list of entities with a restricted field',
    who: 'anonymous',
    query: '{ products { sku unitCost } }',
    data: { products: [{ sku: 'SKU-1', unitCost: null }, { sku: 'SKU-2', unitCost: null }] },
    denied: ['products/@/unitCost'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['unitCost'],
  },
  {
    name: 'list of entities with a restricted field, scope granted',
    who: { scopes: ['read:cost'] },
    query: '{ products { sku unitCost } }',
    data: { products: [{ sku: 'SKU-1', unitCost: 2.5 }, { sku: 'SKU-2', unitCost: 4 }] },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },
  {
    name: 'nested lists across the join, field AND-merged from two directives: authenticated without read:pii',
    who: USER,
    query: '{ products { name reviews { body author } } }',
    data: {
      products: [
        { ...W1, reviews: [{ body: 'Great', author: null }] },
        { ...W2, reviews: [{ body: 'Meh', author: null }, { body: 'Fine', author: null }] },
      ],
    },
    denied: ['products/@/reviews/@/author'],
    calls: { catalog: 1, reviews: 1 },
    notSent: ['author'],
  },
  {
    name: 'nested lists across the join: authenticated with read:pii',
    who: { scopes: ['read:pii'] },
    query: '{ products { name reviews { body author } } }',
    data: {
      products: [
        { ...W1, reviews: [{ body: 'Great', author: 'ann' }] },
        { ...W2, reviews: [{ body: 'Meh', author: 'bob' }, { body: 'Fine', author: 'cy' }] },
      ],
    },
    denied: [],
    calls: { catalog: 1, reviews: 1 },
  },
  {
    name: 'a subgraph that owns only removed fields is not called',
    who: 'anonymous',
    query: '{ products { name reviews { author } } }',
    data: { products: [{ ...W1, reviews: null }, { ...W2, reviews: null }] },
    denied: ['products/@/reviews/@/author'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['reviews', 'author'],
  },

  // Fragments and aliases.
  {
    name: 'a named fragment is judged where it is spread (twice)',
    who: 'anonymous',
    query: '{ one: product(id: "1") { ...P } all: products { ...P } } fragment P on Product { name unitCost }',
    data: {
      one: { ...W1, unitCost: null },
      all: [
        { ...W1, unitCost: null },
        { ...W2, unitCost: null },
      ],
    },
    denied: ['one/unitCost', 'all/@/unitCost'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['unitCost'],
  },
  {
    name: 'a named fragment on the interface',
    who: 'anonymous',
    query: '{ latestPost { ...T } } fragment T on Post { __typename title }',
    data: { latestPost: { __typename: 'PublicBlog', title: null } },
    denied: ['latestPost/title'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['title'],
  },
  {
    name: 'an inline fragment without type condition',
    who: 'anonymous',
    query: '{ products { ... { name unitCost } } }',
    data: { products: [{ ...W1, unitCost: null }, { ...W2, unitCost: null }] },
    denied: ['products/@/unitCost'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['unitCost'],
  },
  {
    name: 'an inline fragment on the entity type, across the join',
    who: 'anonymous',
    query: '{ product(id: "1") { ... on Product { name rating unitCost } } }',
    data: { product: { ...W1, rating: 4.5, unitCost: null } },
    denied: ['product/unitCost'],
    calls: { catalog: 1, reviews: 1 },
    notSent: ['unitCost'],
  },
  {
    name: 'aliases do not hide a field, and the path uses the alias',
    who: 'anonymous',
    query: '{ cheap: products { price: unitCost label: name } }',
    data: { cheap: [{ price: null, label: 'Widget' }, { price: null, label: 'Gadget' }] },
    denied: ['cheap/@/price'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['unitCost'],
  },

  // Everything filtered; variables of removed fields.
  {
    name: 'everything filtered: data null, one error per path, no subgraph called',
    who: 'anonymous',
    query: '{ me { id } adminStats { count } }',
    data: null,
    denied: ['me', 'adminStats'],
    calls: { catalog: 0, reviews: 0 },
  },
  {
    name: 'everything filtered across both subgraphs',
    who: USER,
    query: '{ secretCode products { reviews { author } } }',
    data: null,
    denied: ['secretCode', 'products/@/reviews/@/author'],
    calls: { catalog: 0, reviews: 0 },
  },
  {
    name: 'an operation left with an unused variable still executes',
    who: 'anonymous',
    query: 'query Q($limit: Int, $id: ID!) { audit(limit: $limit) product(id: $id) { name } }',
    variables: { limit: 2, id: '1' },
    data: { audit: null, product: W1 },
    denied: ['audit'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['audit', 'limit'],
  },
  {
    name: 'the same operation with the scope keeps its variable',
    who: { scopes: ['audit'] },
    query: 'query Q($limit: Int, $id: ID!) { audit(limit: $limit) product(id: $id) { name } }',
    variables: { limit: 2, id: '1' },
    data: { audit: ['a1', 'a2'], product: W1 },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },
  {
    name: 'the caller\'s identity reaches the subgraph only signed: `me` resolves to the token\'s subject',
    who: { subject: 'zed' },
    query: '{ me { id name } }',
    data: { me: { id: 'zed', name: 'Me' } },
    denied: [],
    calls: { catalog: 1, reviews: 0 },
  },
  {
    name: '@authenticated field for an anonymous caller, beside an allowed one',
    who: 'anonymous',
    query: '{ publicInfo me { id } }',
    data: { publicInfo: 'Welcome', me: null },
    denied: ['me'],
    calls: { catalog: 1, reviews: 0 },
    notSent: ['me'],
  },
];

const RENAMED: DirectiveNames = { authenticated: 'authn', requiresScopes: 'scopes', policy: 'policy' };

/** Names (fields, types, variables) in an operation's text. */
const namesIn = (query: string) => new Set(query.match(/[_A-Za-z][_0-9A-Za-z]*/g) ?? []);

describe.each([
  ['plain directive names', undefined],
  ['imports renamed: @authenticated as @authn, @requiresScopes as @scopes', RENAMED],
])('authorization spec end to end, %s', (_title, names) => {
  let mesh: FixtureMesh;
  beforeAll(async () => {
    mesh = await startFixtureMesh({ names });
  });
  afterAll(() => mesh?.stop());

  if (names) {
    it('serves a supergraph whose security directives really carry the renamed names', () => {
      expect(mesh.supergraphSdl).toMatch(/import: \[\{name: "@authenticated", as: "@authn"\}\]/);
      expect(mesh.supergraphSdl).toMatch(/import: \[\{name: "@requiresScopes", as: "@scopes"\}\]/);
      expect(mesh.supergraphSdl).toMatch(/\bme: User .*@authn\b/);
      expect(mesh.supergraphSdl).toMatch(/\badminStats: Stats .*@scopes\(scopes:/);
      expect(mesh.supergraphSdl).not.toMatch(/@authenticated\b(?!")|@requiresScopes\(/);
    });
  }

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const auth = c.who === 'anonymous' ? {} : await bearer(c.who);
    mesh.resetCalls();
    const { status, body } = await postGraphQL(mesh.gateway.url, c.query, c.variables, auth);

    expect(status).toBe(200);
    expect(body.data).toEqual(c.data);
    expect(body.errors).toEqual(c.denied.length ? c.denied.map(UNAUTHORIZED) : undefined);

    const sent = { catalog: mesh.subgraphs.catalog.calls, reviews: mesh.subgraphs.reviews.calls };
    expect({ catalog: sent.catalog.length, reviews: sent.reviews.length }).toEqual(c.calls);
    for (const call of [...sent.catalog, ...sent.reviews]) {
      const names = namesIn(call.query);
      for (const removed of c.notSent ?? []) expect({ query: call.query, has: names.has(removed) }).toEqual({ query: call.query, has: false });
      // The subgraph learned the caller from the gateway's signature, as the token says.
      expect(call.principal.subject).toBe(c.who === 'anonymous' ? undefined : (c.who.subject ?? 'tester'));
    }
  });

  // Spec: "The response keeps the shape of the original operation". For the PublicBlog element the
  // original operation selects only `id`: the response must not gain a `title` it never asked for.
  // The filtered operation asks each abstract selection for its concrete type under an alias
  // (type-probe.ts), so shaping applies each element's own fragments, and the alias never shows.
  it('keeps each element\'s own fragment shape when a fragment on another implementer is removed', async () => {
    const { body } = await postGraphQL(mesh.gateway.url, '{ posts { ... on PublicBlog { id } ... on PrivateBlog { title } } }');
    expect(body).toEqual({
      data: { posts: [{ id: 'pub-1' }, { title: null }] },
      errors: [UNAUTHORIZED('posts/@/title')],
    });
  });
});
