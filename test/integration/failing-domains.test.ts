import { behaviours, startHostileServer, type Behaviour, type HostileServer } from '../support/hostile-server.js';
import { captureLogs } from '../support/logs.js';
import { postGraphQL } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const QUERY = '{ products(limit: 3) { sku totalStock promotions { discountPercent } } }';

/**
 * The real gateway over a real mesh, with marketing's traffic sent to a server that misbehaves
 * in turn. One stack for the whole file: the cases run in order, and the circuit breaker's
 * count (5 consecutive failures by default) carries from one to the next on purpose.
 */
describe('a marketing domain that misbehaves', () => {
  let stack: TestStack;
  let marketing: HostileServer;
  const { logger, lines } = captureLogs('info');
  beforeAll(async () => {
    marketing = await startHostileServer(behaviours.hang());
    // `expose`, so the test can see that a 500's GraphQL body is what reaches the client.
    stack = await startTestStack({ subgraphTimeoutMs: 300, subgraphErrors: 'expose', subgraphUrls: { marketing: marketing.url } }, { logger });
  });
  afterAll(async () => {
    await stack?.stop();
    await marketing?.stop();
  });

  const unavailable = (reason: string) => ({
    message: `Subgraph "marketing" is unavailable: ${reason}`,
    path: ['products', '@'],
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'marketing' },
  });

  /** Inventory's part of the answer arrived whole; marketing's is null. */
  function expectInventoryOnly(data: Record<string, any> | null | undefined) {
    expect(data?.products).toHaveLength(3);
    for (const p of data?.products ?? []) {
      expect(p).toEqual({ sku: expect.stringMatching(/^SKU-/), totalStock: expect.any(Number), promotions: null });
    }
  }

  it.each<[string, Behaviour, string]>([
    ['trickling (1 byte every 100 ms)', behaviours.trickle(100), 'no complete answer within 300 ms'],
    ['an HTML error page', behaviours.html(200), 'answered HTTP 200 without a GraphQL response'],
    ['JSON that is not GraphQL', behaviours.jsonNotGraphQL(), 'answered HTTP 200 without a GraphQL response'],
    ['HTTP 500 without a GraphQL body', behaviours.status(500), 'answered HTTP 500 without a GraphQL response'],
  ])('%s: inventory data and one SUBGRAPH_UNAVAILABLE error for marketing', async (_label, behaviour, reason) => {
    marketing.behave(behaviour);
    const hits = marketing.hits;
    const { status, body } = await postGraphQL(stack.gateway.url, QUERY);
    expect(status).toBe(200);
    expectInventoryOnly(body.data);
    expect(body.errors).toEqual([unavailable(reason)]);
    expect(marketing.hits).toBe(hits + 1);
  });

  it("HTTP 500 with a GraphQL body: marketing's own error is passed on, and still counts as a failure", async () => {
    marketing.behave(behaviours.status(500, { data: null, errors: [{ message: 'promotion store is down' }] }));
    const { status, body } = await postGraphQL(stack.gateway.url, QUERY);
    expect(status).toBe(200);
    expectInventoryOnly(body.data);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0].message).toBe('promotion store is down');
  });

  it('after 5 failures the circuit opens: callers get the fast error and marketing hears nothing more', async () => {
    marketing.behave(behaviours.status(500));
    const hits = marketing.hits;
    const answers = await Promise.all([1, 2, 3, 4].map(() => postGraphQL(stack.gateway.url, QUERY)));
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      expectInventoryOnly(body.data);
      expect(body.errors).toEqual([{ ...unavailable(''), message: expect.stringMatching(/^Subgraph "marketing" is unavailable: circuit open after 5 failures; next probe in \d+ ms$/) }]);
    }
    expect(marketing.hits).toBe(hits);
  });

  it('logged each failure once, at warn, naming marketing and the reason, and the circuit opening', () => {
    const failures = lines.filter((l) => l.level === 40 && l.subgraph === 'marketing' && typeof l.reason === 'string');
    expect(failures.map((l) => l.reason)).toEqual([
      'no complete answer within 300 ms',
      'answered HTTP 200 without a GraphQL response',
      'answered HTTP 200 without a GraphQL response',
      'answered HTTP 500 without a GraphQL response',
      'answered HTTP 500',
    ]);
    expect(lines.filter((l) => l.level === 40 && l.subgraph === 'marketing' && String(l.msg).startsWith('circuit open'))).toHaveLength(1);
  });
});
