import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { buildCatalogView, type CatalogGeneration } from '../../src/catalog-api/catalog-view.js';
import type { CatalogExample } from '../../src/catalog-api/types.js';
import { DEFAULT_OPERATION_LIMITS, firstViolation, measureOperation } from '../../src/limits/operation-limits.js';
import { explainOperation } from '../../src/governance/explain-access.js';
import { demoGeneration, shopGeneration, ANONYMOUS_CALLER } from './fixtures.js';

const cases: [string, () => Promise<CatalogGeneration> | CatalogGeneration][] = [
  ['the demo mesh', demoGeneration],
  ['the small mesh', shopGeneration],
];

describe.each(cases)('examples of %s', (_name, load) => {
  let generation: CatalogGeneration;
  let examples: [string, CatalogExample][];
  beforeAll(async () => {
    generation = await load();
    examples = buildCatalogView(generation).products.flatMap((p) => p.examples.map((e) => [p.name, e] as [string, CatalogExample]));
  });

  it('are valid against the API schema, within the gateway\'s limits, and take no variables', () => {
    expect(examples.length).toBeGreaterThan(0);
    for (const [product, example] of examples) {
      const document = parse(example.query);
      expect({ product, title: example.title, errors: validate(generation.prepared.apiSchema, document).map((e) => e.message) }).toEqual({ product, title: example.title, errors: [] });
      const [operation] = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      expect(document.definitions).toHaveLength(1);
      expect(operation.operation).toBe('query');
      expect(firstViolation(measureOperation(document, operation), DEFAULT_OPERATION_LIMITS)).toBeNull();
      expect(example.variables).toBeNull();
    }
  });

  it('have distinct operation names', () => {
    const names = examples.map(([, e]) => (parse(e.query).definitions[0] as OperationDefinitionNode).name?.value);
    expect(names.every(Boolean)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('say what an anonymous caller lacks, as the gateway would deny it', () => {
    for (const [, example] of examples) {
      const denied = explainOperation(generation.prepared, parse(example.query), ANONYMOUS_CALLER);
      expect(example.requirement === null).toBe(denied.length === 0);
    }
  });

  it('include one that needs a scope, so running it without a token shows a denial', () => {
    expect(examples.filter(([, e]) => e.requirement?.includes('the scope'))).not.toHaveLength(0);
  });
});

describe('examples of the demo mesh', () => {
  it('cover every product, with its own root fields and the entities it extends', async () => {
    const view = buildCatalogView(await demoGeneration());
    expect(view.products.every((p) => p.examples.length > 0)).toBe(true);
    const titles = view.products.flatMap((p) => p.examples.map((e) => e.title));
    expect(titles).toEqual(expect.arrayContaining([expect.stringMatching(/^inventory: products with .*unitCost/), expect.stringMatching(/^customer-service: openTicketCount.* on Product, through inventory's products$/)]));
    const inventoryProducts = view.byName.get('inventory')!.examples.find((e) => e.title.startsWith('inventory: products'))!;
    expect(inventoryProducts.requirement).toBe('needs the scope finance:read');
    expect(inventoryProducts.query).toContain('products(limit: 3) {');
  });
});

describe('examples of the small mesh', () => {
  it('show no deprecated field and reach the entity another product extends', () => {
    const view = buildCatalogView(shopGeneration());
    const queries = view.products.flatMap((p) => p.examples.map((e) => e.query));
    expect(queries.join('\n')).not.toContain('oldTitle');
    expect(view.byName.get('reviews')!.examples.map((e) => [e.title, e.requirement])).toEqual([["reviews: reviews on Item, through shop's items", 'needs authentication']]);
  });
});
