import { ApolloGateway } from '@apollo/gateway';
import { parse } from 'graphql';
import { listDataProductFolders } from '../../../shared/dataproduct/folders.js';
import { createLogger } from '../../../shared/logging.js';
import { CROSS_DOMAIN } from '../../../bench/lib/workloads.js';
import { loadDemandControlConfig } from '../../src/demand-control/demand-control-config.js';
import { createCostEstimator, type CostEstimator } from '../../src/demand-control/estimate-cost.js';
import { composeContracts } from '../../src/supergraph/compose-source.js';
import { prepareSupergraph, stripSupergraph } from '../../src/supergraph/security-features.js';

// bench/lib/workloads.ts keeps its varied query private; this is its text.
const VARIED = `query Analyst($category: String, $limit: Int!, $offset: Int!, $id: ID!) {
  products(category: $category, limit: $limit, offset: $offset) { sku name totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore }
  product(id: $id) { sku name totalStock openTicketCount }
}`;
const ANALYST = '{ products(lowStock: true, limit: 10) { sku name totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore } }';

let sdl: string;
let estimator: CostEstimator;
beforeAll(async () => {
  sdl = await composeContracts(
    (await listDataProductFolders()).map((f) => ({ name: f.name, url: `http://${f.name}.invalid/graphql`, schemaPath: f.schemaPath })),
  );
  // As the gateway does: the whole supergraph for the directives, the planner's API schema for the types.
  estimator = createCostEstimator(stripSupergraph(sdl).document, prepareSupergraph(sdl).apiSchema, { defaultListSize: 10 });
});

const estimate = (query: string, variables: Record<string, unknown> = {}) => estimator.estimate(parse(query), null, variables);

describe('the demo supergraph', () => {
  it("links the cost spec for the domains' @listSize and @cost, not as a SECURITY feature", () => {
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])');
  });

  it('still loads in stock @apollo/gateway once stripped of its SECURITY features, cost link included', async () => {
    const { plannerSdl } = stripSupergraph(sdl);
    expect(plannerSdl).toContain('https://specs.apollo.dev/cost/v0.1');
    const gateway = new ApolloGateway({ supergraphSdl: plannerSdl, logger: createLogger('test', 'silent') });
    try {
      const loaded = await gateway.load();
      expect(loaded.schema.getQueryType()?.getFields().products).toBeDefined();
    } finally {
      await gateway.stop();
    }
  });

  // Each row: where the query comes from, its expected cost and how that number comes about.
  it.each<[string, number, string, Record<string, unknown>]>([
    // 10 products x (1 + 7 promotions x (1 + campaign 1) + openTicketCount 2 + satisfactionScore 2)
    ["README: the analyst's low-stock query", 190, ANALYST, {}],
    ['bench workload (a), the same query', 190, CROSS_DOMAIN, {}],
    // 15 products x 19, as above + product 1 + openTicketCount 2
    ['bench workload (b) at its largest limit', 15 * 19 + (1 + 2), VARIED, { category: 'Audio', limit: 15, offset: 0, id: '7' }],
    // 1 + segments 12 + consent 1 + 5 tickets x (1 + product 1)
    ["README: a customer's tickets", 24, '{ customer(id: "17") { name tier segments { name } marketingConsent { grantedChannels } tickets(limit: 5) { subject status product { sku name totalStock } } } }', {}],
    // 5 campaigns x (1 + 3 segments x (1 + size 5) + 40 promotions x (1 + product 1))
    ['marketing README: active campaigns', 495, '{ campaigns(status: ACTIVE, limit: 5) { name channel startsAt endsAt budget segments { name size } promotions { discountPercent product { id } } } }', {}],
    // 3 products x (1 + 8 stock levels x (1 + warehouse 1))
    ['inventory README: low stock per warehouse', 51, '{ products(lowStock: true, limit: 3) { id sku name category unitPrice totalStock stockLevels { warehouse { name } quantity reorderPoint } } }', {}],
    // 10 + adjustStock 1 + stockLevel 1
    ['README: a stock adjustment', 12, 'mutation { adjustStock(productId: "5", warehouseId: "1", delta: 10, reason: RECEIVED) { stockLevel { quantity } } }', {}],
    // 10 + customer 1 + marketingConsent 1 + the consents argument: 2 input objects x 1
    ['marketing README: consent', 14, 'mutation { setMarketingConsent(customerId: "42", consents: [{ channel: EMAIL, granted: true }, { channel: SMS, granted: false }]) { id marketingConsent { grantedChannels updatedAt } } }', {}],
  ])('%s costs %i', (_where, expected, query, variables) => {
    expect(estimate(query, variables)).toBe(expected);
  });

  it('keeps the default COST_MAX ample above every example query', () => {
    const config = loadDemandControlConfig({});
    if (config.mode === 'off') throw new Error('expected demand control on by default');
    expect(estimate(ANALYST) * 10).toBeLessThanOrEqual(config.maxCost);
    expect(estimate('{ campaigns(status: ACTIVE, limit: 5) { name segments { name size } promotions { product { id } } } }') * 10).toBeLessThanOrEqual(config.maxCost);
  });

  it('reads the same directives from the planner SDL as from the whole supergraph', () => {
    const fromPlanner = createCostEstimator(parse(stripSupergraph(sdl).plannerSdl), prepareSupergraph(sdl).apiSchema, { defaultListSize: 10 });
    expect(fromPlanner.estimate(parse(ANALYST), null, {})).toBe(190);
  });
});
