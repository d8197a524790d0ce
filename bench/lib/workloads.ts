/**
 * The four workloads of the side-by-side benchmark, as lists of concrete requests ("variants").
 * A load run cycles through a workload's variants, so what varies (variables, tokens, reads vs
 * writes) is fixed in advance and identical for every peer.
 *
 * (a) cross-domain: the foundation issue's analyst query, identical on every request.
 * (b) varied: the same shape with other categories, offsets, limits and product ids per request,
 *     each with one of many callers' tokens, so merging identical requests cannot carry a result.
 * (c) single-domain: an inventory-only query with varied variables (also sent to the subgraph
 *     directly: the no-gateway ceiling).
 * (d) mutation mix: reads of (b) with stock adjustments (inventory) and consent changes (marketing).
 */
import { mintToken } from '../../gateway/src/governance/dev-token.js';
import { ALL_SCOPES } from '../../test/support/tokens.js';
import { SeededRandom } from '../../shared/demo/random.js';
import { CATEGORIES } from '../../subgraphs/inventory/db/seed.js';

export type WorkloadId = 'a' | 'b' | 'c' | 'd';

export interface Variant {
  query: string;
  variables?: Record<string, unknown>;
  headers: Record<string, string>;
  /**
   * Reads have one right answer, fixed before the run (the reference gateway's, checked
   * against every peer). A write's answer depends on the order writes land in, so it is
   * checked by this predicate on the parsed `data` instead.
   */
  write?: (data: any) => boolean;
}

export interface Workload {
  id: WorkloadId;
  title: string;
  variants: Variant[];
  /** Also run straight against the inventory subgraph (no gateway). */
  direct: boolean;
}

export const CROSS_DOMAIN = `query LowStock { products(lowStock: true, limit: 10) { sku name totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore } }`;

const VARIED = `query Analyst($category: String, $limit: Int!, $offset: Int!, $id: ID!) {
  products(category: $category, limit: $limit, offset: $offset) { sku name totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore }
  product(id: $id) { sku name totalStock openTicketCount }
}`;

const SINGLE_DOMAIN = `query Stock($category: String, $limit: Int!, $offset: Int!) { products(category: $category, limit: $limit, offset: $offset) { sku name category totalStock lowStock } }`;

const ADJUST = `mutation Adjust($productId: ID!, $warehouseId: ID!, $delta: Int!) {
  adjustStock(productId: $productId, warehouseId: $warehouseId, delta: $delta, reason: CORRECTION) { stockLevel { quantity } }
}`;

const CONSENT = `mutation Consent($customerId: ID!, $granted: Boolean!) {
  setMarketingConsent(customerId: $customerId, consents: [{ channel: EMAIL, granted: $granted }]) { id }
}`;

/** Products the mutation mix writes to: reads never reach them (ids 1..800, category pages up to 550). */
export const WRITE_PRODUCTS = { from: 901, to: 1000 };

/** `Authorization` headers of `count` different analysts, each allowed everything. */
export async function analystTokens(count: number): Promise<Record<string, string>[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      authorization: `Bearer ${await mintToken({ subject: `analyst-${i + 1}`, scopes: ALL_SCOPES, roles: ['pii-reader'], ttlSeconds: 24 * 3600 })}`,
    })),
  );
}

export interface WorkloadInputs {
  /** Distinct requests per varied workload. */
  variants: number;
  /** Callers of workload (b) and the reads of (d); the first also sends (a) and (c). */
  tokens: Record<string, string>[];
  /** (productId, warehouseId) pairs with stock far above the reorder point, for the mix's ±1 adjustments. */
  stockPairs: { productId: string; warehouseId: string }[];
}

export function buildWorkloads(inputs: WorkloadInputs): Workload[] {
  // Seeded: every run (and every peer) asks the same questions.
  const random = new SeededRandom(20261124);
  const pick = <T>(values: readonly T[]) => random.pick(values);
  const int = (lo: number, hi: number) => random.int(lo, hi);
  const [analyst] = inputs.tokens;
  const variedRead = (i: number): Variant => ({
    query: VARIED,
    variables: { category: pick(CATEGORIES), limit: int(5, 15), offset: 5 * int(0, 8), id: String(int(1, 800)) },
    headers: inputs.tokens[i % inputs.tokens.length],
  });
  const varied = Array.from({ length: inputs.variants }, (_, i) => variedRead(i));
  const single = Array.from({ length: inputs.variants }, () => ({
    query: SINGLE_DOMAIN,
    variables: { category: pick(CATEGORIES), limit: int(5, 20), offset: 5 * int(0, 10) },
    headers: analyst,
  }));
  // 70 % reads, 15 % stock adjustments, 15 % consents. Adjustments come in pairs on one stock
  // level, +1 then -1, so however far the list is cycled no level drifts by more than one unit.
  const mix: Variant[] = [];
  let adjustments = 0;
  for (let i = 0; mix.length < inputs.variants; i++) {
    const slot = i % 20;
    if (slot < 14) mix.push(varied[i % varied.length]);
    else if (slot < 17) {
      const pair = inputs.stockPairs[Math.floor(adjustments / 2) % inputs.stockPairs.length];
      mix.push({
        query: ADJUST,
        variables: { ...pair, delta: adjustments++ % 2 === 0 ? 1 : -1 },
        headers: analyst,
        write: (data) => Number.isInteger(data?.adjustStock?.stockLevel?.quantity),
      });
    } else {
      const customerId = String(int(1, 10_000));
      mix.push({ query: CONSENT, variables: { customerId, granted: random.chance(0.5) }, headers: analyst, write: (data) => data?.setMarketingConsent?.id === customerId });
    }
  }
  return [
    { id: 'a', title: 'cross-domain, identical requests', variants: [{ query: CROSS_DOMAIN, headers: analyst }], direct: false },
    { id: 'b', title: `cross-domain, ${inputs.variants} variable sets x ${inputs.tokens.length} callers`, variants: varied, direct: false },
    { id: 'c', title: 'single-domain (inventory), varied variables', variants: single, direct: true },
    { id: 'd', title: 'mutation mix: 70% reads (b), 15% adjustStock, 15% setMarketingConsent', variants: mix, direct: false },
  ];
}

/** Finds (product, warehouse) pairs the mix can adjust by ±1 without ever reaching the reorder point. */
export async function findStockPairs(inventoryUrl: string): Promise<WorkloadInputs['stockPairs']> {
  const response = await fetch(inventoryUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `{ products(limit: 100, offset: ${WRITE_PRODUCTS.from - 1}) { id stockLevels { warehouse { id } quantity reorderPoint } } }`,
    }),
  });
  const body = (await response.json()) as { data?: { products: { id: string; stockLevels: { warehouse: { id: string }; quantity: number; reorderPoint: number }[] }[] } };
  const pairs = (body.data?.products ?? []).flatMap((p) =>
    p.stockLevels.filter((s) => s.quantity - s.reorderPoint >= 40).map((s) => ({ productId: p.id, warehouseId: s.warehouse.id })),
  );
  if (pairs.length < 10) throw new Error(`expected at least 10 well-stocked (product, warehouse) pairs among products ${WRITE_PRODUCTS.from}..${WRITE_PRODUCTS.to}, found ${pairs.length}: ${JSON.stringify(body).slice(0, 300)}`);
  return pairs.slice(0, 40);
}
