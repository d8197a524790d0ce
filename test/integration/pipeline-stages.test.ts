import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { QueryPlanner } from '@apollo/query-planner';
import type { RunningGateway } from '../../gateway/src/server.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { postGraphQL } from '../support/http.js';
import { startTestGateway, startTestStack, type TestStack } from '../support/stack.js';

// The pipeline's stages through the real gateway, over one mesh. Persisted operations: served by
// id, planned at start-up (their first call plans nothing), the safelist refusing everything
// else, and APQ when the safelist is off. Demand control: refusing, or measuring in `extensions`.

const MANIFEST = join(REPO_ROOT, 'gateway/test/fixtures/persisted-operations/manifest.json');
const LOW_STOCK = 'query LowStock { products(lowStock: true, limit: 10) { id sku name totalStock } }';
const LOW_STOCK_ID = createHash('sha256').update(LOW_STOCK).digest('hex');
const byId = (id: string) => ({ persistedQuery: { version: 1, sha256Hash: id } });

async function send(url: string, body: Record<string, unknown>) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

describe('persisted operations, safelist enforced', () => {
  let stack: TestStack;
  const planned = jest.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
  let plannedAtStart = 0;
  beforeAll(async () => {
    stack = await startTestStack({ persistedOperations: { safelist: 'enforce', manifestPath: MANIFEST, apq: false } });
    plannedAtStart = planned.mock.calls.length;
  });
  afterAll(async () => {
    planned.mockRestore();
    await stack?.stop();
  });

  it('planned every manifest operation at start-up', () => {
    expect(plannedAtStart).toBeGreaterThanOrEqual(4);
  });

  it('serves a manifest operation by id without planning it again, named or not', async () => {
    const before = planned.mock.calls.length;
    for (const body of [{ extensions: byId(LOW_STOCK_ID) }, { extensions: byId(LOW_STOCK_ID), operationName: 'LowStock' }, { extensions: byId('warehouses-v1') }]) {
      const { status, body: answer } = await send(stack.gateway.url, body);
      expect(status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(Object.keys(answer.data)).toHaveLength(1);
    }
    expect(planned.mock.calls.length).toBe(before);
  });

  it('serves the manifest text sent in full, and refuses any other operation with 403 QUERY_NOT_IN_SAFELIST', async () => {
    expect((await postGraphQL(stack.gateway.url, LOW_STOCK)).body.data?.products.length).toBeGreaterThan(0);
    const refused = await postGraphQL(stack.gateway.url, '{ products(limit: 1) { sku } }');
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([{ message: 'The operation body was not found in the persisted query safelist', extensions: { code: 'QUERY_NOT_IN_SAFELIST' } }]);
  });

  it('refuses an id the manifest does not hold, and never learns one (no APQ under a safelist)', async () => {
    const query = '{ warehouses { id } }';
    const id = createHash('sha256').update(query).digest('hex');
    expect((await send(stack.gateway.url, { query, extensions: byId(id) })).status).toBe(400);
    const { status, body } = await send(stack.gateway.url, { extensions: byId(id) });
    expect(status).toBe(404);
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  describe('APQ, on a gateway without a safelist', () => {
    let apq: RunningGateway;
    beforeAll(async () => {
      apq = await startTestGateway(stack.subgraphs);
    });
    afterAll(() => apq?.stop());

    it('asks for the text of an unknown hash, learns it, then serves the hash alone', async () => {
      const query = '{ categories }';
      const id = createHash('sha256').update(query).digest('hex');
      const miss = await send(apq.url, { extensions: byId(id) });
      expect(miss).toEqual({ status: 200, body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] } });
      expect((await send(apq.url, { query, extensions: byId(id) })).body.data.categories.length).toBeGreaterThan(0);
      const hit = await send(apq.url, { extensions: byId(id) });
      expect(hit.status).toBe(200);
      expect(hit.body.data.categories.length).toBeGreaterThan(0);
    });

    it('refuses a hash that does not match its text, and stores nothing under it', async () => {
      const wrong = createHash('sha256').update('something else').digest('hex');
      expect((await send(apq.url, { query: '{ categories }', extensions: byId(wrong) })).status).toBe(400);
      expect((await send(apq.url, { extensions: byId(wrong) })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });
  });

  describe('demand control', () => {
    const ANALYST = '{ products(lowStock: true, limit: 10) { sku name totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore } }';
    let measuring: RunningGateway;
    let enforcing: RunningGateway;
    beforeAll(async () => {
      [measuring, enforcing] = await Promise.all([
        startTestGateway(stack.subgraphs, { demandControl: { mode: 'measure', maxCost: 100, defaultListSize: 10 } }),
        startTestGateway(stack.subgraphs, { demandControl: { mode: 'enforce', maxCost: 100, defaultListSize: 10 } }),
      ]);
    });
    afterAll(() => Promise.all([measuring?.stop(), enforcing?.stop()]));

    it('measure mode serves the operation and reports its estimate in extensions', async () => {
      const { status, body } = await postGraphQL(measuring.url, ANALYST);
      expect(status).toBe(200);
      expect(body.data?.products.length).toBeGreaterThan(0);
      expect(body.extensions).toEqual({ cost: { estimated: 190, max: 100, mode: 'measure' } });
    });

    it('enforce mode refuses it before any subgraph is asked', async () => {
      for (const s of Object.values(stack.subgraphs)) s.resetStatements();
      const { status, body } = await postGraphQL(enforcing.url, ANALYST);
      expect(status).toBe(400);
      expect(body.errors).toEqual([{ message: 'Operation estimated cost 190 exceeds the maximum of 100', extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', estimatedCost: 190, maxCost: 100 } }]);
      expect(Object.values(stack.subgraphs).flatMap((s) => s.statements)).toEqual([]);
    });
  });
});
