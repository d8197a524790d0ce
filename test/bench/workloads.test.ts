import { buildWorkloads, WRITE_PRODUCTS } from '../../bench/lib/workloads.js';

// The benchmark's workloads are data: check the promises they make (see bench/README.md).
const tokens = Array.from({ length: 5 }, (_, i) => ({ authorization: `Bearer t${i}` }));
const stockPairs = Array.from({ length: 12 }, (_, i) => ({ productId: String(WRITE_PRODUCTS.from + i), warehouseId: String((i % 8) + 1) }));
const build = (variants: number) => Object.fromEntries(buildWorkloads({ variants, tokens, stockPairs }).map((w) => [w.id, w]));

describe('benchmark workloads', () => {
  it.each([20, 60, 200])('with %i variants: (a) is one request, (b), (c) and (d) have that many', (variants) => {
    const w = build(variants);
    expect(w.a.variants).toHaveLength(1);
    expect([w.b.variants.length, w.c.variants.length, w.d.variants.length]).toEqual([variants, variants, variants]);
    expect(Object.values(w).filter((x) => x.direct).map((x) => x.id)).toEqual(['c']);
  });

  it('is the same on every run (seeded)', () => {
    expect(JSON.stringify(build(60))).toBe(JSON.stringify(build(60)));
  });

  it('(b) varies variables and callers: merging identical requests cannot carry it', () => {
    const { b } = build(200);
    expect(new Set(b.variants.map((v) => JSON.stringify(v.variables))).size).toBeGreaterThan(190);
    expect(new Set(b.variants.map((v) => v.headers.authorization)).size).toBe(tokens.length);
  });

  it('(d) mixes 70% reads with writes of two domains, and its reads never touch the products it writes', () => {
    const { d } = build(200);
    const writes = d.variants.filter((v) => v.write);
    expect(writes).toHaveLength(60);
    expect(new Set(writes.map((v) => v.query.match(/(adjustStock|setMarketingConsent)/)![1]))).toEqual(new Set(['adjustStock', 'setMarketingConsent']));
    for (const read of d.variants.filter((v) => !v.write)) {
      const { id, offset, limit } = read.variables as { id: string; offset: number; limit: number };
      expect(Number(id)).toBeLessThan(WRITE_PRODUCTS.from);
      // Ten categories take turns in id order: a page of one category ends below id 10 * (offset + limit) + 10.
      expect(10 * (offset + limit) + 10).toBeLessThan(WRITE_PRODUCTS.from);
    }
  });

  it.each([20, 60, 200, 333])('(d) with %i variants: one pass over the list moves no stock level by more than +1, and never down', (variants) => {
    const net = new Map<string, number>();
    let low = 0;
    for (const v of build(variants).d.variants.filter((x) => x.query.includes('adjustStock'))) {
      const { productId, warehouseId, delta } = v.variables as { productId: string; warehouseId: string; delta: number };
      const key = `${productId}/${warehouseId}`;
      net.set(key, (net.get(key) ?? 0) + delta);
      low = Math.min(low, net.get(key)!);
    }
    expect(Math.max(...net.values())).toBeLessThanOrEqual(1);
    expect(low).toBe(0);
  });
});
