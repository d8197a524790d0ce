import { chartGeometry, niceCeiling, type ChartPoint } from './chart-geometry.js';
import { formatMeasured, formatValue } from './format.js';
import { ideParams } from './graphiql/ide-params.js';
import { parseRoute, productHref, searchHref } from './routes.js';

// The catalog's pure parts as tables, under Node (the pages themselves are tested in Chromium,
// test/browser/): its addresses, what the IDE opens with, how values read, and the chart's geometry.

describe('catalog addresses', () => {
  it.each([
    ['/catalog/', '', '', { page: 'home', search: '' }],
    ['/catalog', '', '', { page: 'home', search: '' }],
    ['/catalog/', '?q=unit%20cost', '', { page: 'home', search: 'unit cost' }],
    ['/catalog/products/customer-service', '', '', { page: 'product', name: 'customer-service', anchor: '' }],
    ['/catalog/products/inventory/', '', '#Product.unitCost', { page: 'product', name: 'inventory', anchor: 'Product.unitCost' }],
    ['/catalog/products/bad%', '', '#%', { page: 'product', name: 'bad%', anchor: '%' }],
    ['/catalog/products/a/b', '', '', { page: 'not-found', path: '/catalog/products/a/b' }],
  ])('%s%s%s', (pathname, search, hash, route) => {
    expect(parseRoute({ pathname, search, hash })).toEqual(route);
  });

  it('builds the addresses it parses', () => {
    const href = new URL(productHref('a b', 'Type.field'), 'http://x');
    expect(parseRoute(href)).toEqual({ page: 'product', name: 'a b', anchor: 'Type.field' });
    expect(parseRoute(new URL(searchHref('stock & price'), 'http://x'))).toEqual({ page: 'home', search: 'stock & price' });
    expect(searchHref('')).toBe('/catalog/');
  });
});

describe('what the IDE opens with', () => {
  const search = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;
  it.each([
    ['nothing, anonymously', '', null, { query: undefined, variables: undefined, headers: undefined }],
    ['the operation and variables of the address', search({ query: '{ a }', variables: '{"x":1}' }), null, { query: '{ a }', variables: '{"x":1}', headers: undefined }],
    ['the catalog token as Authorization', search({ query: '{ a }' }), 'tok', { query: '{ a }', variables: undefined, headers: '{\n  "Authorization": "Bearer tok"\n}' }],
    ['headers of the address over the token', search({ headers: '{"x-a":"1"}' }), 'tok', { query: undefined, variables: undefined, headers: '{"x-a":"1"}' }],
    ['not a value longer than the gateway would take', search({ query: 'x'.repeat(64 * 1024 + 1) }), null, { query: undefined, variables: undefined, headers: undefined }],
  ])('%s', (_name, address, token, expected) => {
    expect(ideParams(address, token)).toEqual(expected);
  });
});

describe('values in their units', () => {
  it.each([
    ['availability', 99.9, '99.9 %'],
    ['availability', 99.94999, '99.95 %'],
    ['latencyP99Ms', 182.4, '182 ms'],
    ['latencyP50Ms', 3.14, '3.1 ms'],
    ['errorRate', 0.31, '0.31 %'],
    ['freshnessSeconds', 0, 'read-your-writes'],
    ['freshnessSeconds', 90, '90 s'],
    ['freshnessSeconds', 900, '15 min'],
    ['freshnessSeconds', 10_800, '3 h'],
    ['latencyP99Ms', null, '—'],
  ])('%s %p', (property, value, text) => {
    expect(formatValue(property, value)).toBe(text);
  });

  it.each([
    ['freshnessSeconds', 0.4, 'changed just now'],
    ['freshnessSeconds', 420, 'changed 7 min ago'],
    ['freshnessSeconds', null, '—'],
    ['availability', 99.97, '99.97 %'],
  ])('measured %s %p', (property, value, text) => {
    expect(formatMeasured(property, value)).toBe(text);
  });
});

describe('the chart', () => {
  const point = (i: number, over: Partial<ChartPoint> = {}): ChartPoint => ({ start: new Date(Date.UTC(2026, 0, 1, 12, i)).toISOString(), requests: 10, errors: 0, timeouts: 0, p50Ms: 5, p99Ms: 20, ...over });

  it('breaks the lines where a bucket had no requests, and draws a bar per bucket with failures', () => {
    const g = chartGeometry([point(0), point(1, { requests: 0, p50Ms: null, p99Ms: null }), point(2), point(3, { errors: 1, timeouts: 1 })], 30, 'HOUR');
    expect(g.p99.match(/M/g)).toHaveLength(2);
    expect(g.errorBars).toEqual([expect.objectContaining({ share: 0.2 })]);
    expect(g.requests).toBe(30);
    expect(g.ticks.map((t) => t.anchor)).toEqual(['start', 'middle', 'end']);
  });

  it('draws a dot for a point with no neighbour to join', () => {
    const g = chartGeometry([point(0), point(1, { requests: 0 }), point(2), point(3)], null, 'HOUR');
    expect(g.dots.map((d) => d.line)).toEqual(['p50', 'p99']);
    expect(g.dots[0].x).toBe(g.ticks[0].x);
    expect(chartGeometry([point(0), point(1)], null, 'HOUR').dots).toEqual([]);
  });

  it('draws the promised p99 only when it is near what was measured', () => {
    expect(chartGeometry([point(0), point(1)], 30, 'HOUR').promisedY).not.toBeNull();
    expect(chartGeometry([point(0), point(1)], 5000, 'HOUR').promisedY).toBeNull();
    expect(chartGeometry([point(0), point(1)], null, 'HOUR').promisedY).toBeNull();
  });

  it('puts a lone point in the middle and draws nothing for no points', () => {
    expect(chartGeometry([point(0)], null, 'DAY').ticks).toEqual([expect.objectContaining({ anchor: 'middle' })]);
    expect(chartGeometry([], null, 'WEEK')).toMatchObject({ p50: '', p99: '', errorBars: [], ticks: [], requests: 0 });
  });

  it.each([
    [0.7, 0.8],
    [1, 1],
    [1.1, 1.5],
    [180, 200],
    [218, 250],
    [420, 500],
    [999, 1000],
  ])('rounds an axis maximum of %p up to %p', (value, nice) => {
    expect(niceCeiling(value)).toBeCloseTo(nice);
  });
});
