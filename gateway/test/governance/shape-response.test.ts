import { parse } from 'graphql';
import { collectResponseFields, operationContext, subSelections } from '../../src/governance/response-fields.js';
import { dryRunReport, rejectionResponse, shapeResponse, type ResponseData } from '../../src/governance/shape-response.js';
import { anonymous, decide, fixture, user } from '../fixtures/authorize.js';

const ERROR = (path: string[]) => ({ message: 'Unauthorized field or type', path, extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });

/** Authorizes `query` for `who`, then shapes `data` (what the filtered operation returned). */
function shape(query: string, who: typeof anonymous, data: ResponseData | null | undefined, options = {}) {
  const { denied } = decide(query, who);
  return shapeResponse(parse(query), undefined, fixture().apiSchema, data, denied, options);
}

describe('shapeResponse', () => {
  it.each<[string, string, ResponseData | null | undefined, ResponseData | null, string[][]]>([
    [
      'null at every list element, in the original key order',
      '{ products { unitCost name } }',
      { products: [{ name: 'a' }, { name: 'b' }] },
      { products: [{ unitCost: null, name: 'a' }, { unitCost: null, name: 'b' }] },
      [['products', '@', 'unitCost']],
    ],
    [
      'a removed non-null field nulls its nearest nullable parent',
      '{ publicInfo product(id: "1") { name internalCode } }',
      { publicInfo: 'p', product: { name: 'x' } },
      { publicInfo: 'p', product: null },
      [['product', 'internalCode']],
    ],
    [
      'null propagation up to data: null',
      '{ publicInfo products { name internalCode } }',
      { publicInfo: 'p', products: [{ name: 'x' }] },
      null,
      [['products', '@', 'internalCode']],
    ],
    [
      'a field removed because everything below it was: null at the field',
      '{ publicInfo latestPost { id title } }',
      { publicInfo: 'p' },
      { publicInfo: 'p', latestPost: null },
      [['latestPost', 'id'], ['latestPost', 'title']],
    ],
    ['everything removed: data null', '{ me { id } }', undefined, null, [['me']]],
    [
      'a denied key returned by an authorized fragment keeps its value',
      '{ posts { __typename ... on PublicBlog { title } ... on PrivateBlog { title } } }',
      { posts: [{ __typename: 'PublicBlog', title: 'hello' }] },
      { posts: [{ __typename: 'PublicBlog', title: 'hello' }] },
      [['posts', '@', 'title']],
    ],
    [
      'aliases are response keys',
      '{ cheap: products { price: unitCost n: name } }',
      { cheap: [{ n: 'a' }] },
      { cheap: [{ price: null, n: 'a' }] },
      [['cheap', '@', 'price']],
    ],
    ['a null list stays null', '{ products { name reviews { author body } } }', { products: [{ name: 'a', reviews: null }] }, { products: [{ name: 'a', reviews: null }] }, [['products', '@', 'reviews', '@', 'author']]],
  ])('%s', (_name, query, data, expected, paths) => {
    const shaped = shape(query, anonymous, data);
    expect(shaped.data).toEqual(expected);
    if (expected) expect(JSON.stringify(shaped.data)).toBe(JSON.stringify(expected)); // key order
    expect(shaped.errors).toEqual(paths.map(ERROR));
  });

  it('leaves objects off the denied paths untouched', () => {
    const untouched = { name: 'kept' };
    const data = { me: untouched, products: [{ name: 'a' }] };
    const shaped = shape('{ me { name } products { name unitCost } }', user(), data);
    expect((shaped.data as { me: unknown }).me).toBe(untouched);
  });

  it('returns the data as it is, with no errors, when nothing was denied', () => {
    const data = { publicInfo: 'p' };
    expect(shape('{ publicInfo }', anonymous, data)).toEqual({ data });
    expect(shape('{ publicInfo }', anonymous, data).data).toBe(data);
  });

  it.each([
    ['extensions', { data: { publicInfo: 'p', me: null }, extensions: { authorizationErrors: [ERROR(['me'])] } }],
    ['disabled', { data: { publicInfo: 'p', me: null } }],
    ['errors', { data: { publicInfo: 'p', me: null }, errors: [ERROR(['me'])] }],
  ] as const)('reports denied paths in %s mode', (mode, expected) => {
    expect(shape('{ publicInfo me { id } }', anonymous, { publicInfo: 'p' }, { errors: mode })).toEqual(expected);
  });

  it('masks returned values of classified fields and nothing else', () => {
    const mask = (coordinate: string, value: unknown) => (coordinate === 'User.email' ? `masked:${String(value)}` : undefined);
    const products = [{ name: 'a' }];
    const data = { me: { name: 'n', email: 'e@x' }, products };
    const shaped = shape('{ me { name email } products { name } }', user('read:email'), data, { mask });
    expect(shaped.data).toEqual({ me: { name: 'n', email: 'masked:e@x' }, products: [{ name: 'a' }] });
    expect((shaped.data as { products: unknown }).products).toBe(products);
    expect(data.me.email).toBe('e@x');
  });

  it('offers only maskCoordinates to the mask', () => {
    const seen: string[] = [];
    const mask = (coordinate: string) => void seen.push(coordinate);
    shape('{ me { name email } products { name sku } }', user('read:email'), { me: { name: 'n', email: 'e' }, products: [{ name: 'a', sku: 's' }] }, {
      mask,
      maskCoordinates: new Set(['Product.sku']),
    });
    expect(seen).toEqual(['Product.sku']);
  });
});

describe('rejection and dry run', () => {
  const { denied } = decide('{ publicInfo me { id } secretCode }', anonymous);

  it('rejectUnauthorized: data null and every failing path listed', () => {
    expect(rejectionResponse(denied)).toEqual({ data: null, errors: [ERROR(['me']), ERROR(['secretCode'])] });
  });

  it('dry run: would-be-denied paths under extensions, nothing when all is allowed', () => {
    expect(dryRunReport(denied)).toEqual({ authorizationDryRun: [ERROR(['me']), ERROR(['secretCode'])] });
    expect(dryRunReport([])).toBeUndefined();
  });

  describe('fragments that double at every level', () => {
    const levels = 12;
    const fragments = ['fragment F0 on Product { name unitCost }'];
    for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Product { ...F${i - 1} ...F${i - 1} }`);
    const query = `{ products { ...F${levels} } } ${fragments.join(' ')}`;

    it('are shaped like any other fragment', () => {
      const shaped = shape(query, anonymous, { products: [{ name: 'a' }, { name: 'b' }] });
      expect(shaped.data).toEqual({ products: [{ name: 'a', unitCost: null }, { name: 'b', unitCost: null }] });
      expect(shaped.errors).toEqual([ERROR(['products', '@', 'unitCost'])]);
    });

    it('are read once each when collecting response fields, not once per spread (2^12)', () => {
      const context = operationContext(fixture().apiSchema, parse(query), undefined)!;
      let reads = 0;
      const counting = new Map(context.fragments);
      const get = counting.get.bind(counting);
      counting.get = (name) => (reads++, get(name));
      const products = collectResponseFields({ ...context, fragments: counting }, [context.operation.selectionSet], 'Query').get('products')!;
      const fields = collectResponseFields({ ...context, fragments: counting }, subSelections(products), 'Product', 'Product');
      expect([...fields.keys()]).toEqual(['name', 'unitCost']);
      expect(reads).toBeLessThanOrEqual(2 * (levels + 1));
    });
  });

  it('keeps a "__proto__" alias as data: the key survives and no prototype is set from the response (CVE-2026-32621)', () => {
    const data = JSON.parse('{"__proto__":[{"name":"a","polluted":true}],"constructor":"Welcome"}') as ResponseData;
    const shaped = shape('{ __proto__: products { name unitCost } constructor: publicInfo }', anonymous, data);
    expect(Object.getPrototypeOf(shaped.data)).toBe(Object.prototype);
    expect(Object.keys(shaped.data!)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(shaped.data)).toBe('{"__proto__":[{"name":"a","unitCost":null,"polluted":true}],"constructor":"Welcome"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
