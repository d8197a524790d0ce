import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { HEADER, PRODUCTS_SDL, descriptorOf, edit, projected, only, publish } from './fixtures.js';

/** The rules that decide whether a candidate is a contract at all: it parses, it is described, it composes. */

describe('sdl-parse', () => {
  it.each([
    ['a field without a type', `type Query {\n  a: Int\n  b:\n}`, 'schema.graphql:4:1: Syntax Error: Expected Name, found "}".'],
    ['an unclosed type', `${HEADER}type Query {\n  a: Int\n`, 'schema.graphql:5:1: Syntax Error: Expected Name, found <EOF>.'],
    ['a stray character', `type Query {\n  a: Int!!\n}`, 'schema.graphql:2:10: Syntax Error: Expected Name, found "!".'],
  ])('%s: one error with line and column', async (_, sdl, message) => {
    const report = await publish({ sdl });
    expect(report.results.map(({ severity, rule, message: m }) => ({ severity, rule, message: m }))).toEqual([
      { severity: 'error', rule: 'sdl-parse', message },
    ]);
    expect(report.ok).toBe(false);
    expect(report.compositionId).toBeUndefined();
    // The descriptor is still checked, so a team sees both problems in one run.
    expect(report.descriptor?.name).toBe('products');
  });
});

describe('descriptor-valid', () => {
  const valid = stringify(descriptorOf('products'));
  it.each([
    ['text that is not YAML', 'name: [unclosed', [/^products\/dataproduct\.yaml: \$: expected valid YAML, got /]],
    ['a required key missing', valid.replace(/^owner:\n(  .*\n)+/m, ''), [/\$\.owner: expected required key "owner", got nothing$/]],
    ['an availability above 100', valid.replace('availability: 99.9', 'availability: 120'), [/\$\.slo\.availability: expected a number <= 100, got 120$/]],
    [
      'a field classified twice',
      stringify(descriptorOf('products', { classification: [...descriptorOf('products').classification, ...descriptorOf('products').classification] })),
      [/\$\.classification\[1\]\.field: expected each field classified once, got "Product\.cost" again \(first at \$\.classification\[0\]\.field\)$/],
    ],
    [
      'every problem at once',
      valid.replace('availability: 99.9', 'availability: 0').replace(/channel: .*/, 'channel: #products'),
      [/\$\.owner\.channel: expected a string, got null \(an empty value; in YAML an unquoted # starts a comment\)$/, /\$\.slo\.availability: expected a number > 0, got 0$/],
    ],
  ])('%s', async (_, text, messages) => {
    const report = await publish({ descriptor: text });
    const results = only(report, 'descriptor-valid');
    expect(results.map((r) => [r.severity, r.coordinates])).toEqual(messages.map(() => ['error', []]));
    messages.forEach((pattern, i) => expect(results[i].message).toMatch(pattern));
    expect(report.ok).toBe(false);
    expect(report.descriptor).toBeUndefined();
    // Without a descriptor there is nothing to be consistent with; the SDL is still composed.
    expect(only(report, 'descriptor-consistent')).toEqual([]);
    expect(report.compositionId).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('descriptor-consistent', () => {
  it.each([
    ['the descriptor names another subgraph', { ...descriptorOf('products'), name: 'catalogue' }, [], /\$\.name: expected "products", the name this subgraph is published under, got "catalogue"/],
    [
      'a classified field the SDL lacks',
      descriptorOf('products', { classification: [...descriptorOf('products').classification, { field: 'Product.colour', level: 'internal', categories: ['commercial'], reason: 'x' }] }),
      ['Product.colour'],
      /\$\.classification\[1\]\.field: expected a field of Product in schema\.graphql \(id, name, price, cost, category\), got "Product.colour"/,
    ],
    [
      'an entity key the SDL does not declare',
      descriptorOf('products', { entities: [{ type: 'Product', keys: ['id', 'sku'], description: 'x' }] }),
      ['Product'],
      /\$\.entities\[0\]\.keys\[1\]: expected @key\(fields: "sku"\) on type Product/,
    ],
  ])('%s', async (_, descriptor, coordinates, message) => {
    const report = await publish({ descriptor });
    expect(projected(report, ['descriptor-valid', 'descriptor-consistent'])).toEqual([{ severity: 'error', rule: 'descriptor-consistent', coordinates }]);
    expect(only(report, 'descriptor-consistent')[0].message).toMatch(message);
  });
});

describe('composition', () => {
  it.each([
    [
      "a key field's type that disagrees with another subgraph",
      edit(PRODUCTS_SDL, ['"Stable id."\n  id: ID!', '"Stable id."\n  id: Int!']),
      [{ severity: 'error', rule: 'composition', coordinates: ['Product.id'] }],
      /^\[FIELD_TYPE_MISMATCH\] Type of field "Product.id" is incompatible across subgraphs/,
      /^at products:\d+:\d+, reviews:\d+:\d+$/,
    ],
    [
      'a reference to a type nobody defines',
      edit(PRODUCTS_SDL, ['category: Category!', 'category: Shelf!']),
      [{ severity: 'error', rule: 'composition', coordinates: [] }],
      /^\[INVALID_GRAPHQL\] \[products\] Unknown type Shelf/,
      /^at products:22:13$/,
    ],
    [
      'a field another subgraph already resolves, not shareable',
      `${PRODUCTS_SDL}\ntype Review @key(fields: "id") {\n  "x"\n  id: ID!\n  "x"\n  stars: Int!\n}\n`,
      [{ severity: 'error', rule: 'composition', coordinates: ['Review.id'] }, { severity: 'error', rule: 'composition', coordinates: ['Review.stars'] }],
      /^\[INVALID_FIELD_SHARING\] Non-shareable field "Review.id" is resolved from multiple subgraphs/,
      /^at /,
    ],
  ])('%s', async (_, sdl, expected, message, evidence) => {
    const report = await publish({ sdl });
    expect(projected(report, 'composition')).toEqual(expected);
    expect(only(report, 'composition')[0].message).toMatch(message);
    expect(only(report, 'composition')[0].evidence).toMatch(evidence);
    expect(report.ok).toBe(false);
    expect(report.supergraphSdl).toBeUndefined();
    expect(report.compositionId).toBeUndefined();
  });

  it('gives the supergraph and its id, the sha256 hex of its SDL', async () => {
    const report = await publish();
    expect(report.ok).toBe(true);
    expect(report.supergraphSdl).toContain('join__Graph');
    expect(report.compositionId).toBe(createHash('sha256').update(report.supergraphSdl!).digest('hex'));
  });
});
