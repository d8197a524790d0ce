import { PRODUCTS_SDL, REVIEWS_SDL, edit, everythingUsed, projected, publish, subgraph, type Expected } from './fixtures.js';

/** What a change does to the clients of the served supergraph: the schema diff and tighter authorization. */

const error = (coordinates: string[]): Expected => ({ severity: 'error', rule: 'breaking', coordinates });
const warning = (coordinates: string[]): Expected => ({ severity: 'warning', rule: 'breaking', coordinates });
const info = (coordinates: string[]): Expected => ({ severity: 'info', rule: 'breaking', coordinates });

describe('breaking (graphql-inspector), every coordinate in use', () => {
  it.each([
    ['a field removed', edit(PRODUCTS_SDL, ['"List price in EUR."\n  price: Float!\n', '']), [error(['Product.price'])]],
    ["a field's type changed", edit(PRODUCTS_SDL, ['price: Float!', 'price: Int!']), [error(['Product.price'])]],
    ['an output field made nullable', edit(PRODUCTS_SDL, ['price: Float!', 'price: Float']), [error(['Product.price'])]],
    ['an argument removed', edit(PRODUCTS_SDL, [', category: Category)', ')']), [error(['Query.products.category'])]],
    // The inspector reports the type change (breaking) and the lost default (dangerous).
    ['an argument made required', edit(PRODUCTS_SDL, ['limit: Int = 20', 'limit: Int!']), [error(['Query.products.limit']), warning(['Query.products.limit'])]],
    ['an enum value removed', edit(PRODUCTS_SDL, ['  GAMES\n', '']), [error(['Category.GAMES'])]],
    [
      'a type removed with every field using it',
      edit(PRODUCTS_SDL, [', category: Category)', ')'], ['"Where the shop lists it."\n  category: Category!\n', ''], ['"A shelf of the shop."\nenum Category {\n  BOOKS\n  GAMES\n}\n', '']),
      [error(['Category']), error(['Product.category']), error(['Query.products.category'])],
    ],
    ['an enum value added: dangerous', edit(PRODUCTS_SDL, ['  GAMES\n', '  GAMES\n  TOYS\n']), [warning(['Category.TOYS'])]],
    ['an argument default changed: dangerous', edit(PRODUCTS_SDL, ['limit: Int = 20', 'limit: Int = 10']), [warning(['Query.products.limit'])]],
    ['a field added: one info summary', edit(PRODUCTS_SDL, ['  name: String!\n', '  name: String!\n  "Colour."\n  colour: String\n']), [info(['Product.colour'])]],
    [
      'several safe changes: still one summary',
      edit(PRODUCTS_SDL, ['cost: Float @', 'cost: Float! @'], ['"Display name."', '"The name shown in the shop."']),
      [info(['Product.name', 'Product.cost'])],
    ],
    ['nothing changed', PRODUCTS_SDL, []],
  ])('%s', async (_, sdl, expected) => {
    const report = await publish({ sdl, usage: everythingUsed() });
    expect(projected(report, 'breaking').sort(byCoordinates)).toEqual([...expected].sort(byCoordinates));
    expect(report.results.filter((r) => r.rule === 'breaking' && r.severity === 'error').every((r) => r.clients.length > 0)).toBe(true);
    expect(report.ok).toBe(!expected.some((e) => e.severity === 'error'));
  });

  it('names the change, and why a dangerous one is dangerous', async () => {
    const report = await publish({ sdl: edit(PRODUCTS_SDL, ['product(id: ID!)', 'product(id: Int!)']), usage: everythingUsed() });
    const [change] = report.results.filter((r) => r.rule === 'breaking');
    expect(change.message).toBe("Type for argument 'id' on field 'Query.product' changed from 'ID!' to 'Int!'");
    expect(change.evidence).toBe('used between 2026-11-01 and 2026-12-01: Query.product by web 1.4.0 (40)');
    const dangerous = await publish({ sdl: edit(PRODUCTS_SDL, ['  GAMES\n', '  GAMES\n  TOYS\n']) });
    expect(dangerous.results.find((r) => r.rule === 'breaking')).toEqual({
      severity: 'warning',
      rule: 'breaking',
      message: "Enum value 'TOYS' was added to enum 'Category'",
      coordinates: ['Category.TOYS'],
      clients: [],
      evidence: expect.stringMatching(/^Adding an enum value may break existing clients/),
    });
  });

  it('summarises many safe changes, listing the first ten', async () => {
    const added = Array.from({ length: 12 }, (_, i) => `  "x"\n  extra${i}: Int\n`).join('');
    const report = await publish({ sdl: edit(PRODUCTS_SDL, ['  name: String!\n', `  name: String!\n${added}`]) });
    const [summary] = report.results.filter((r) => r.rule === 'breaking');
    // Each field added, and its description added.
    expect(summary.message).toBe('24 non-breaking changes');
    expect(summary.coordinates).toHaveLength(12);
    expect(summary.evidence?.split('; ')).toHaveLength(11);
    expect(summary.evidence).toMatch(/^Field 'extra0' was added to object type 'Product'; .*; and 14 more$/);
  });

  it('has nothing to compare before the first supergraph is served', async () => {
    const report = await publish({ sdl: edit(PRODUCTS_SDL, ['price: Float!', 'price: Int!']), servedSdl: null, usage: everythingUsed() });
    expect(projected(report, ['breaking', 'authorization-tightened'])).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

const tightened = (coordinates: string[]): Expected => ({ severity: 'error', rule: 'authorization-tightened', coordinates });
const loosened = (coordinates: string[]): Expected => ({ severity: 'info', rule: 'authorization-tightened', coordinates });
const COST = '@requiresScopes(scopes: [["finance:read"]])';

describe('authorization-tightened, every coordinate in use', () => {
  it.each([
    ['@authenticated added to a field', PRODUCTS_SDL, edit(PRODUCTS_SDL, ['price: Float!', 'price: Float! @authenticated']), [tightened(['Product.price'])]],
    [
      '@authenticated added to a type: reported once, on the type',
      PRODUCTS_SDL,
      edit(PRODUCTS_SDL, ['type Product @key(fields: "id")', 'type Product @key(fields: "id") @authenticated']),
      [tightened(['Product'])],
    ],
    ['@requiresScopes added to an enum type', PRODUCTS_SDL, edit(PRODUCTS_SDL, ['enum Category', 'enum Category @requiresScopes(scopes: [["catalogue:read"]])']), [tightened(['Category'])]],
    ['@policy added to a field', PRODUCTS_SDL, edit(PRODUCTS_SDL, ['name: String!', 'name: String! @policy(policies: [["staff"]])']), [tightened(['Product.name'])]],
    ['a scope added to the AND-set', PRODUCTS_SDL, edit(PRODUCTS_SDL, [COST, '@requiresScopes(scopes: [["finance:read", "finance:audit"]])']), [tightened(['Product.cost'])]],
    ['an alternative removed', edit(PRODUCTS_SDL, [COST, '@requiresScopes(scopes: [["finance:read"], ["admin"]])']), PRODUCTS_SDL, [tightened(['Product.cost'])]],
    ['an alternative replaced', PRODUCTS_SDL, edit(PRODUCTS_SDL, [COST, '@requiresScopes(scopes: [["finance:write"]])']), [tightened(['Product.cost'])]],
    ['a policy added to the AND-set', edit(PRODUCTS_SDL, ['name: String!', 'name: String! @policy(policies: [["staff"]])']), edit(PRODUCTS_SDL, ['name: String!', 'name: String! @policy(policies: [["staff", "gdpr"]])']), [tightened(['Product.name'])]],
    ['a second directive of the same kind', PRODUCTS_SDL, edit(PRODUCTS_SDL, [COST, `${COST} @policy(policies: [["finance"]])`]), [tightened(['Product.cost'])]],
    ['an alternative added: loosened', PRODUCTS_SDL, edit(PRODUCTS_SDL, [COST, '@requiresScopes(scopes: [["finance:read"], ["admin"]])']), [loosened(['Product.cost'])]],
    ['a scope dropped from the AND-set: loosened', edit(PRODUCTS_SDL, [COST, '@requiresScopes(scopes: [["finance:read", "finance:audit"]])']), PRODUCTS_SDL, [loosened(['Product.cost'])]],
    ['@authenticated removed from a type: loosened, on the type', edit(PRODUCTS_SDL, ['enum Category', 'enum Category @authenticated']), PRODUCTS_SDL, [loosened(['Category'])]],
    ['the same requirement written in another order', edit(PRODUCTS_SDL, [COST, '@requiresScopes(scopes: [["a", "b"], ["c"]])']), edit(PRODUCTS_SDL, [COST, '@requiresScopes(scopes: [["c"], ["b", "a"]])']), []],
    ['@authenticated added where scopes are already required', PRODUCTS_SDL, edit(PRODUCTS_SDL, [COST, `${COST} @authenticated`]), []],
    [
      'a field requirement moved to its type, where it already applies',
      edit(PRODUCTS_SDL, ['"Stable id."\n  id: ID!', '"Stable id."\n  id: ID! @authenticated'], ['name: String!', 'name: String! @authenticated'], ['price: Float!', 'price: Float! @authenticated'], [COST, `${COST} @authenticated`], ['category: Category!', 'category: Category! @authenticated']),
      edit(PRODUCTS_SDL, ['type Product @key(fields: "id")', 'type Product @key(fields: "id") @authenticated']),
      // The type now also guards the fields other subgraphs add (reviews' Product.reviews): that is the tightening.
      [tightened(['Product'])],
    ],
  ])('%s', async (_, before, after, expected) => {
    const current = [subgraph('products', before), subgraph('reviews', REVIEWS_SDL)];
    const report = await publish({ current, sdl: after, usage: everythingUsed() });
    expect(projected(report, 'authorization-tightened')).toEqual(expected);
  });

  it('says what is now required, and what was before', async () => {
    const report = await publish({ sdl: edit(PRODUCTS_SDL, [COST, '@requiresScopes(scopes: [["finance:read", "finance:audit"]])']), usage: everythingUsed() });
    const [change] = report.results.filter((r) => r.rule === 'authorization-tightened');
    expect(change.message).toBe('field Product.cost now requires @requiresScopes([["finance:audit","finance:read"]]): callers that could read it before may be refused');
    expect(change.evidence).toMatch(/^before: @requiresScopes\(\[\["finance:read"\]\]\); after: @requiresScopes\(\[\["finance:audit","finance:read"\]\]\); used between/);
  });

  it('is no change for the schema diff, which sees no directive', async () => {
    const report = await publish({ sdl: edit(PRODUCTS_SDL, ['price: Float!', 'price: Float! @authenticated']), usage: everythingUsed() });
    expect(projected(report, 'breaking')).toEqual([]);
  });
});

function byCoordinates(a: Expected, b: Expected): number {
  return `${a.coordinates.join(',')} ${a.severity}`.localeCompare(`${b.coordinates.join(',')} ${b.severity}`);
}
