import { stringify } from 'yaml';
import type { ClientUsage } from '../../src/checks/types.js';
import { HEADER, PRODUCTS_SDL, TODAY, WEB, descriptorOf, edit, everythingUsed, publish, usageOf, type PublishOptions } from './fixtures.js';

/** Breaking changes weighed by who used the coordinates they break, in the last N days. */

const IOS: ClientUsage = { client: 'ios', version: '2.0.1', count: 7, lastSeen: '2026-11-12' };
const WINDOW = 'between 2026-11-01 and 2026-12-01';

const withoutPrice = edit(PRODUCTS_SDL, ['"List price in EUR."\n  price: Float!\n', '']);
const withoutGames = edit(PRODUCTS_SDL, ['  GAMES\n', '']);
/** reviews without its Review type: the type, and the two fields returning it, are removed. */
const reviewsWithoutReview: PublishOptions = {
  name: 'reviews',
  sdl: `${HEADER}\ntype Product @key(fields: "id") {\n  id: ID!\n  "Average stars."\n  rating: Float\n}\n`,
  descriptor: descriptorOf('reviews', { entities: [{ type: 'Product', keys: ['id'], description: 'x' }], classification: [] }),
};

interface Row {
  severity: string;
  rule: string;
  coordinates: string[];
  clients: ClientUsage[];
}
const row = (severity: string, rule: string, coordinates: string[], clients: ClientUsage[] = []): Row => ({ severity, rule, coordinates, clients });

describe('usage decides breaking and authorization-tightened', () => {
  it.each<[string, PublishOptions, Record<string, ClientUsage[]>, Row[], RegExp[]]>([
    ['a removed field nobody used passes', { sdl: withoutPrice }, {}, [row('info', 'breaking', ['Product.price'])], [new RegExp(`^no client used Product\\.price ${WINDOW}$`)]],
    ['... unless a client used it', { sdl: withoutPrice }, { 'Product.price': [WEB] }, [row('error', 'breaking', ['Product.price'], [WEB])], [new RegExp(`^used ${WINDOW}: Product\\.price by web 1\\.4\\.0 \\(40\\)$`)]],
    ['usage of another field does not count', { sdl: withoutPrice }, { 'Product.name': [WEB] }, [row('info', 'breaking', ['Product.price'])], [/^no client used/]],
    [
      "a changed field type: every client, most requests first",
      { sdl: edit(PRODUCTS_SDL, ['price: Float!', 'price: Int!']) },
      { 'Product.price': [IOS, WEB] },
      [row('error', 'breaking', ['Product.price'], [WEB, IOS])],
      [/: Product\.price by ios 2\.0\.1 \(7\), web 1\.4\.0 \(40\)$/],
    ],
    [
      "a removed argument: its field's usage decides",
      { sdl: edit(PRODUCTS_SDL, [', category: Category)', ')']) },
      { 'Query.products': [WEB] },
      [row('error', 'breaking', ['Query.products.category'], [WEB])],
      [/: Query\.products by web/],
    ],
    [
      'a removed enum value: the fields returning or taking the enum decide',
      { sdl: withoutGames },
      { 'Product.category': [WEB] },
      [row('error', 'breaking', ['Category.GAMES'], [WEB])],
      [/: Product\.category by web/],
    ],
    [
      '... and say which fields were looked at when none was used',
      { sdl: withoutGames },
      {},
      [row('info', 'breaking', ['Category.GAMES'])],
      [new RegExp(`^no client used Category\\.GAMES ${WINDOW} \\(checked Product\\.category, Query\\.products\\)$`)],
    ],
    [
      'a removed type: the usage of any of its fields decides',
      reviewsWithoutReview,
      { 'Review.stars': [WEB], 'Review.id': [{ ...WEB, count: 2, lastSeen: '2026-11-20' }] },
      [
        row('info', 'breaking', ['Product.rating']), // the safe changes' summary
        row('info', 'breaking', ['Product.reviews']),
        row('info', 'breaking', ['Query.latestReviews']),
        row('error', 'breaking', ['Review'], [{ ...WEB, count: 42 }]),
      ],
      [/^Field 'rating' was added/, /^no client used Product\.reviews/, /^no client used Query\.latestReviews/, /: Review\.id by web 1\.4\.0 \(2\); Review\.stars by web 1\.4\.0 \(40\)$/],
    ],
    [
      'tighter authorization nobody used passes',
      { sdl: edit(PRODUCTS_SDL, ['price: Float!', 'price: Float! @authenticated']) },
      {},
      [row('info', 'authorization-tightened', ['Product.price'])],
      [new RegExp(`; no client used Product\\.price ${WINDOW}$`)],
    ],
    [
      'tighter authorization on a type: any of its fields decides',
      { sdl: edit(PRODUCTS_SDL, ['type Product @key(fields: "id")', 'type Product @key(fields: "id") @authenticated']) },
      { 'Product.reviews': [IOS] },
      [row('error', 'authorization-tightened', ['Product'], [IOS])],
      [/; used between 2026-11-01 and 2026-12-01: Product\.reviews by ios 2\.0\.1 \(7\)$/],
    ],
  ])('%s', async (_, change, records, expected, evidence) => {
    const report = await publish({ ...change, usage: usageOf(records) });
    const results = report.results.filter((r) => r.rule === 'breaking' || r.rule === 'authorization-tightened');
    const sorted = [...results].sort((a, b) => a.coordinates.join().localeCompare(b.coordinates.join()));
    expect(sorted.map(({ severity, rule, coordinates, clients }) => ({ severity, rule, coordinates, clients }))).toEqual(expected);
    evidence.forEach((pattern, i) => expect(sorted[i].evidence).toMatch(pattern));
    expect(report.ok).toBe(!expected.some((e) => e.severity === 'error'));
  });

  it('asks once, for field coordinates, since the start of the window', async () => {
    const usage = usageOf();
    await publish({ ...reviewsWithoutReview, usage });
    expect(usage.calls).toEqual([
      { coordinates: ['Product.reviews', 'Query.latestReviews', 'Review.authorEmail', 'Review.id', 'Review.stars'], sinceDay: '2026-11-01' },
    ]);
  });

  it.each([
    [7, '2026-11-24'],
    [90, '2026-09-02'],
  ])('a window of %i days starts on %s', async (usageWindowDays, sinceDay) => {
    const usage = usageOf();
    const report = await publish({ sdl: withoutPrice, usage, usageWindowDays });
    expect(usage.calls.map((c) => c.sinceDay)).toEqual([sinceDay]);
    expect(report.results.find((r) => r.rule === 'breaking')?.evidence).toBe(`no client used Product.price between ${sinceDay} and ${TODAY}`);
  });

  it('does not ask about dangerous or safe changes', async () => {
    const usage = usageOf();
    await publish({ sdl: edit(PRODUCTS_SDL, ['  GAMES\n', '  GAMES\n  TOYS\n'], ['  name: String!\n', '  name: String!\n  "x"\n  colour: String\n']), usage });
    expect(usage.calls).toEqual([]);
  });

  it('keeps the error when usage cannot be read', async () => {
    const report = await publish({
      sdl: withoutPrice,
      usage: { calls: [], usage: async () => Promise.reject(new Error('registry database unavailable')) },
    });
    const [change] = report.results.filter((r) => r.rule === 'breaking');
    expect(change.severity).toBe('error');
    expect(change.evidence).toBe('usage could not be read (registry database unavailable), so the change counts as used');
  });
});

describe('force (an admin accepts what breaks consumers, never what the gateway would refuse)', () => {
  const weaker = descriptorOf('products', { slo: { ...descriptorOf('products').slo, availability: 99 } });
  it.each<[string, PublishOptions, string, 'warning' | 'error']>([
    ['a breaking change in use', { sdl: withoutPrice, usage: everythingUsed() }, 'breaking', 'warning'],
    ['tighter authorization in use', { sdl: edit(PRODUCTS_SDL, ['price: Float!', 'price: Float! @authenticated']), usage: everythingUsed() }, 'authorization-tightened', 'warning'],
    ['a weakened promise', { descriptor: weaker }, 'promise-weakened', 'warning'],
    ['an SDL that does not parse', { sdl: 'type Query {' }, 'sdl-parse', 'error'],
    ['an invalid descriptor', { descriptor: stringify({ ...descriptorOf('products'), slo: undefined }) }, 'descriptor-valid', 'error'],
    ['an inconsistent descriptor', { descriptor: { ...descriptorOf('products'), name: 'other' } }, 'descriptor-consistent', 'error'],
    ['a composition error', { sdl: edit(PRODUCTS_SDL, ['category: Category!', 'category: Shelf!']) }, 'composition', 'error'],
    ['an unguarded classified field', { sdl: edit(PRODUCTS_SDL, [' @requiresScopes(scopes: [["finance:read"]])', '']) }, 'classified-restricted', 'error'],
    ['a lint error', { sdl: edit(PRODUCTS_SDL, ['name: String!', 'name: String! @deprecated']) }, 'lint:deprecation-reason', 'error'],
  ])('%s: %s stays %s', async (_, change, rule, severity) => {
    const unforced = await publish(change);
    const forced = await publish({ ...change, force: true });
    expect(unforced.results.filter((r) => r.rule === rule).map((r) => r.severity)).toEqual(['error']);
    const [result] = forced.results.filter((r) => r.rule === rule);
    expect(result.severity).toBe(severity);
    if (severity === 'warning') {
      expect(result.evidence).toMatch(/(^|; )forced by an admin$/);
      expect(forced.ok).toBe(true);
    } else {
      expect(forced.ok).toBe(false);
    }
  });
});
