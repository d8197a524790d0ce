import { behaviours, startHostileServer, until, type HostileServer } from '../../../test/support/hostile-server.js';
import { captureLogs } from '../../../test/support/logs.js';
import { createFreshnessPoller, parseReport, type FreshnessPoller } from '../../src/promises/freshness-poller.js';

const REPORT = { lastChangedAt: '2026-03-02T11:59:00.000Z', tables: { products: '2026-03-02T11:59:00.000Z', warehouses: '2026-03-01T08:00:00.000Z' } };

describe('the freshness poller', () => {
  let product: HostileServer;
  let poller: FreshnessPoller | undefined;
  let t = Date.parse('2026-03-02T12:00:00.000Z');
  const { logger, lines } = captureLogs('info');
  const paths: string[] = [];

  beforeAll(async () => {
    product = await startHostileServer(behaviours.status(200, REPORT));
  });
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });
  afterAll(() => product?.stop());

  // The routing URL's path is not where /freshness is: it is at the origin.
  const start = (over: Partial<Parameters<typeof createFreshnessPoller>[0]> = {}) =>
    (poller = createFreshnessPoller({ targets: () => [{ name: 'inventory', url: `${product.url.replace('/graphql', '/some/prefix/graphql')}` }], intervalMs: 1000, timeoutMs: 200, logger, now: () => t, ...over }));

  it('reads GET /freshness at the origin of the routing URL and keeps the report', async () => {
    product.behave((req, res) => {
      paths.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(REPORT));
    });
    await start().pollOnce();
    expect(paths).toEqual(['GET /freshness']);
    expect(poller!.reading('inventory')).toEqual({ known: true, ...REPORT, checkedAt: new Date(t).toISOString() });
    expect(poller!.reading('marketing')).toBeUndefined();
  });

  it('a product that starts failing keeps its last report, is logged once, and is unknown after 3 intervals', async () => {
    product.behave(behaviours.status(200, REPORT));
    const p = start();
    await p.pollOnce();
    const before = lines.length;
    product.behave(behaviours.status(500));
    for (let i = 0; i < 3; i++) {
      t += 1000;
      await p.pollOnce();
    }
    expect(p.reading('inventory')).toMatchObject({ known: true, lastChangedAt: REPORT.lastChangedAt, failing: 'answered HTTP 500' });
    t += 1;
    expect(p.reading('inventory')).toMatchObject({ known: false, lastChangedAt: REPORT.lastChangedAt });
    const logged = lines.slice(before);
    expect(logged).toEqual([expect.objectContaining({ level: 40, product: 'inventory', reason: 'answered HTTP 500', msg: 'freshness of "inventory" could not be read: answered HTTP 500; its last report is kept' })]);
    product.behave(behaviours.status(200, REPORT));
    await p.pollOnce();
    expect(p.reading('inventory')).toMatchObject({ known: true });
    expect(p.reading('inventory')).not.toHaveProperty('failing');
    expect(lines.slice(before + 1)).toEqual([expect.objectContaining({ level: 30, msg: 'freshness of "inventory" is reported again' })]);
  });

  it.each<[string, Parameters<HostileServer['behave']>[0], string]>([
    ['no answer within the deadline', behaviours.hang(), 'no answer within 200 ms'],
    ['a trickle that never ends', behaviours.trickle(20), 'no answer within 200 ms'],
    ['an answer larger than the bound', behaviours.oversized(1024 * 1024), 'answered more than the 65536 bytes a freshness report may have'],
    ['a declared size larger than the bound', behaviours.oversized(1024 * 1024, true), 'answered 1048576 bytes, more than the 65536 a freshness report may have'],
    ['an HTML page', behaviours.html(200), 'answered something that is not JSON: expected { "lastChangedAt": ISO time or null, "tables": { name: ISO time } }'],
    ['a product without /freshness', behaviours.status(404, { errors: [] }), 'it serves no /freshness (HTTP 404)'],
    ['a time that is not one', behaviours.status(200, { lastChangedAt: 'yesterday', tables: {} }), 'answered lastChangedAt "yesterday": expected { "lastChangedAt": ISO time or null, "tables": { name: ISO time } }'],
  ])('refuses %s, within its deadline', async (_name, behaviour, reason) => {
    product.behave(behaviour);
    const p = start();
    const started = Date.now();
    await p.pollOnce();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(p.reading('inventory')).toEqual({ known: false, lastChangedAt: null, tables: {}, checkedAt: null, failing: reason });
  });

  it('forgets a subgraph the supergraph no longer routes to', async () => {
    product.behave(behaviours.status(200, REPORT));
    let targets = [{ name: 'inventory', url: product.url }, { name: 'marketing', url: product.url }];
    const p = start({ targets: () => targets });
    await p.pollOnce();
    targets = [{ name: 'marketing', url: product.url }];
    await p.pollOnce();
    expect([p.reading('inventory'), p.reading('marketing')?.known]).toEqual([undefined, true]);
  });

  it('start polls at once and then every interval; stop ends it', async () => {
    let polls = 0;
    product.behave((req, res, hit, body) => {
      polls++;
      behaviours.status(200, REPORT)(req, res, hit, body);
    });
    const p = start({ intervalMs: 50, now: Date.now });
    p.start();
    await until(() => polls >= 3, 'three polls');
    await p.stop();
    const after = polls;
    await new Promise((r) => setTimeout(r, 150));
    expect(polls).toBe(after);
  });
});

describe('parseReport', () => {
  it.each<[string, unknown, string]>([
    ['an array', [], 'answered an array'],
    ['tables missing', { lastChangedAt: null }, 'answered tables undefined'],
    ['a table time that is a number', { lastChangedAt: null, tables: { t: 5 } }, 'answered table "t" with number 5'],
    ['too many tables', { lastChangedAt: null, tables: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`t${i}`, REPORT.lastChangedAt])) }, 'answered 1001 tables, more than 1000'],
  ])('refuses %s', (_name, value, message) => {
    expect(() => parseReport(JSON.stringify(value))).toThrow(message);
  });

  it('normalises the times to ISO', () => {
    expect(parseReport(JSON.stringify({ lastChangedAt: '2026-03-02T12:00:00+01:00', tables: {} }))).toEqual({ lastChangedAt: '2026-03-02T11:00:00.000Z', tables: {} });
  });
});
