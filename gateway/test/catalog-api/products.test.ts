import { buildCatalogView, catalogViewOf } from '../../src/catalog-api/catalog-view.js';
import type { CatalogField, CatalogView } from '../../src/catalog-api/types.js';
import { demoGeneration, generationOf, shopGeneration, shopSupergraph, SHOP_DESCRIPTORS } from './fixtures.js';

const fieldOf = (view: CatalogView, product: string, coordinate: string): CatalogField | undefined =>
  view.byName.get(product)?.types.flatMap((t) => t.fields).find((f) => f.coordinate === coordinate);

describe('the products view of a small mesh', () => {
  const view = buildCatalogView(shopGeneration());

  it('lists every subgraph, described or not, by name', () => {
    expect(view.products.map((p) => [p.name, p.described])).toEqual([
      ['reviews', false],
      ['shop', true],
    ]);
    expect(view.byName.get('shop')?.descriptor?.owner.team).toBe('Shop team');
  });

  it('lists each product\'s own types, roots first, and only what clients can select', () => {
    expect(view.byName.get('shop')?.types.map((t) => `${t.name}:${t.kind}`)).toEqual(['Query:OBJECT', 'Item:OBJECT', 'ItemKind:ENUM']);
    expect(view.byName.get('reviews')?.types.map((t) => t.name)).toEqual(['Item', 'Review']);
    // @inaccessible fields and federation internals are not served, so not listed.
    expect(view.byName.get('shop')?.types.find((t) => t.name === 'Query')?.fields.map((f) => f.name)).toEqual(['items']);
    expect(view.byName.get('shop')?.types.find((t) => t.name === 'Item')?.fields.map((f) => f.name)).toEqual(['id', 'title', 'oldTitle', 'cost', 'kind']);
    // The entity another product extends: only the fields that product contributes (and the key).
    expect(view.byName.get('reviews')?.types.find((t) => t.name === 'Item')?.fields.map((f) => f.name)).toEqual(['id', 'reviews']);
    expect(view.byName.get('shop')?.types.find((t) => t.name === 'ItemKind')?.values).toEqual(['BOOK', 'GAME']);
  });

  it.each<[string, string, string, Partial<CatalogField>]>([
    ['a described field', 'shop', 'Item.title', { type: 'String!', description: 'What it is called.', deprecated: false, deprecationReason: null, classification: null, requirement: null }],
    ['a deprecated field', 'shop', 'Item.oldTitle', { type: 'String', deprecated: true, deprecationReason: 'Use title', requirement: null }],
    [
      'a classified field with a scope',
      'shop',
      'Item.cost',
      { classification: expect.objectContaining({ level: 'confidential', categories: ['financial'], reason: 'What it costs us.' }), requirement: 'needs the scope finance:read' },
    ],
    ['a root field', 'shop', 'Query.items', { type: '[Item!]!', description: 'Every item, newest first.', requirement: null }],
    ['a field needing authentication, from an undescribed product', 'reviews', 'Item.reviews', { type: '[Review!]', requirement: 'needs authentication', classification: null }],
    ['a field with a policy', 'reviews', 'Review.author', { requirement: 'needs the policy pii' }],
  ])('%s: %s', (_name, product, coordinate, expected) => {
    expect(fieldOf(view, product, coordinate)).toMatchObject({ coordinate, authorized: true, ...expected });
  });
});

describe('the products view of the demo mesh', () => {
  let view: CatalogView;
  beforeAll(async () => {
    view = buildCatalogView(await demoGeneration());
  });

  it('has the three demo products with their descriptors', () => {
    expect(view.products.map((p) => [p.name, p.descriptor?.lifecycle, p.descriptor?.owner.team])).toEqual([
      ['customer-service', 'active', 'Customer Service Operations'],
      ['inventory', expect.any(String), expect.any(String)],
      ['marketing', expect.any(String), expect.any(String)],
    ]);
  });

  it.each<[string, string, string | null, string | null]>([
    ['inventory', 'Product.unitCost', 'needs the scope finance:read', 'confidential'],
    ['inventory', 'Product.name', null, null],
    ['customer-service', 'Customer.email', 'needs authentication; needs the policy pii', 'confidential'],
    ['customer-service', 'Query.tickets', 'needs the scope support:read', null],
    ['customer-service', 'Product.openTicketCount', null, 'internal'],
    ['marketing', 'Campaign.budget', 'needs the scope finance:read, or the scope marketing:budget', 'confidential'],
    ['marketing', 'Customer.segments', 'needs authentication', 'confidential'],
  ])('%s %s: requirement %p, classification %p', (product, coordinate, requirement, level) => {
    const field = fieldOf(view, product, coordinate);
    expect(field?.requirement).toBe(requirement);
    expect(field?.classification?.level ?? null).toBe(level);
  });

  it('lists no federation internals anywhere', () => {
    const names = view.products.flatMap((p) => p.types.flatMap((t) => [t.name, ...t.fields.map((f) => f.coordinate)]));
    expect(names.filter((n) => /(^|\.)_|__/.test(n))).toEqual([]);
  });
});

describe('the view cache', () => {
  it('builds a generation\'s view once, and a new one for another generation of the same supergraph', () => {
    const first = generationOf(shopSupergraph(), SHOP_DESCRIPTORS);
    const again = generationOf(shopSupergraph(), SHOP_DESCRIPTORS);
    expect(catalogViewOf(first)).toBe(catalogViewOf(first));
    expect(catalogViewOf(again)).not.toBe(catalogViewOf(first));
    expect(catalogViewOf(again).generationId).toBe(first.id);
  });
});
