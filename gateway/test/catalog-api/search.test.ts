import { buildCatalogView } from '../../src/catalog-api/catalog-view.js';
import { MAX_SEARCH_TEXT, searchCatalog } from '../../src/catalog-api/search.js';
import type { CatalogView } from '../../src/catalog-api/types.js';
import { demoGeneration, shopGeneration } from './fixtures.js';

describe('search over the small mesh', () => {
  const view: CatalogView = buildCatalogView(shopGeneration());
  const search = (text: string, limit?: number) => searchCatalog(view, text, limit).map((h) => `${h.kind} ${h.product} ${h.coordinate}`);

  it.each<[string, string, string[]]>([
    ['a product by name', 'shop', ['product shop shop']],
    ['a type by exact name, then names starting with it', 'Review', ['type reviews Review', 'product reviews reviews', 'field reviews Item.reviews']],
    ['a field by name, case-insensitively', 'TITLE', ['field shop Item.title', 'field shop Item.oldTitle']],
    ['a field by its coordinate', 'item.cost', ['field shop Item.cost']],
    ['words in descriptions, every word required', 'newest first', ['field reviews Item.reviews', 'field shop Query.items']],
    ['words anywhere, in any order', 'called what', ['field shop Item.title']],
    ['nothing', 'warehouse', []],
    ['blank text', '   ', []],
  ])('finds %s', (_name, text, expected) => {
    expect(search(text)).toEqual(expected);
  });

  it('ranks exact names first, then prefixes, then names containing the text, then descriptions; products, types, fields', () => {
    expect(search('item')).toEqual(['type reviews Item', 'type shop Item', 'type shop ItemKind', 'field shop Query.items']);
    expect(search('it')).toEqual(['type reviews Item', 'type shop Item', 'type shop ItemKind', 'field shop Query.items', 'field shop Item.oldTitle', 'field shop Item.title']);
  });

  it('returns at most `limit` hits', () => {
    expect(search('i', 2)).toHaveLength(2);
  });

  it.each<[string, string, number, string]>([
    ['text over the bound', 'x'.repeat(MAX_SEARCH_TEXT + 1), 20, `text: expected at most ${MAX_SEARCH_TEXT} characters, got ${MAX_SEARCH_TEXT + 1}`],
    ['a limit of 0', 'item', 0, 'limit: expected a whole number from 1 to 100, got 0'],
    ['a limit over 100', 'item', 101, 'limit: expected a whole number from 1 to 100, got 101'],
  ])('refuses %s as BAD_USER_INPUT', (_name, text, limit, message) => {
    expect(() => searchCatalog(view, text, limit)).toThrow(expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT' } }));
  });
});

describe('search over the demo mesh', () => {
  it('finds the classified cost field and the products mentioning tickets', async () => {
    const view = buildCatalogView(await demoGeneration());
    expect(searchCatalog(view, 'unitCost').map((h) => h.coordinate)).toEqual(['Product.unitCost']);
    expect(searchCatalog(view, 'support ticket', 100).map((h) => `${h.kind}:${h.coordinate}`)).toEqual(expect.arrayContaining(['type:SupportTicket', 'product:customer-service']));
  });
});
