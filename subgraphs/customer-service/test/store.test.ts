import { demoCustomerService, type TicketSeedRow } from '../db/seed.js';
import { customerService } from '../src/server.js';
import { createCustomerServiceStore, EVERY_ROW, type CustomerServiceStore, type CustomerTier, type TicketRow, type TicketSlice, type TicketStatus } from '../src/store.js';
import { observeQueries } from '../../../shared/db/observe.js';
import { openTestDatabase, testBackends, type TestDatabase } from '../../../test/support/databases.js';

// The demo rows as generated, to check the SQL against a computation that does not use SQL.
const demo = demoCustomerService();
const isResolved = (status: string) => status === 'RESOLVED' || status === 'CLOSED';
const newestFirst = (a: TicketSeedRow, b: TicketSeedRow) => b.opened_at.getTime() - a.opened_at.getTime() || b.id - a.id;
const demoTicketsOf = (owner: 'customer_id' | 'product_id', id: number, status?: TicketStatus) =>
  demo.tickets.filter((t) => t[owner] === id && (status === undefined || t.status === status)).sort(newestFirst);
const firstDemoTicket = (where: (t: TicketSeedRow) => boolean, skip = 0) => demo.tickets.filter(where)[skip];

// Products and customers the mutation tests write to, kept apart from those the read tests check.
const WRITTEN_PRODUCT = 977;
const WRITTEN_CUSTOMER = 9977;

// The same SQL must behave the same on embedded PGlite and on a PostgreSQL server.
describe.each(testBackends())('customer-service store on %s', (backend) => {
  let database: TestDatabase;
  let store: CustomerServiceStore;
  const statements: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(customerService, backend);
    store = createCustomerServiceStore(observeQueries(database.db, (sql) => statements.push(sql)));
  });
  beforeEach(() => {
    statements.length = 0;
  });
  afterAll(() => database?.dispose());

  const ticketCount = async () => (await database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets'))[0].n;

  it('holds the deterministic demo data', async () => {
    const [counts] = await database.db.query<{ customers: number; tickets: number }>(
      'SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM tickets)::int AS tickets',
    );
    expect(counts).toEqual({ customers: 10_000, tickets: 30_000 });
    const [first] = await store.customersByIds([1], EVERY_ROW);
    const seeded = demo.customers[0];
    expect(first).toEqual({ id: 1, name: seeded.name, email: seeded.email, phone: seeded.phone, tier: seeded.tier, createdAt: seeded.created_at });
    expect(first.email).toMatch(/^[a-z]+\.[a-z]+1@example\.com$/);
    expect(first.email.startsWith(first.name.toLowerCase().replace(' ', '.'))).toBe(true);
  });

  it('seeds a realistic mix: every status, most tickets about a product, ratings only on resolved tickets', async () => {
    const rows = await database.db.query<{ status: string; n: number; rated: number; withProduct: number; withResolvedAt: number }>(
      `SELECT status, count(*)::int AS n, count(satisfaction)::int AS rated, count(product_id)::int AS "withProduct",
              count(resolved_at)::int AS "withResolvedAt"
       FROM tickets GROUP BY status ORDER BY status`,
    );
    expect(rows.map((r) => r.status)).toEqual(['CLOSED', 'IN_PROGRESS', 'OPEN', 'RESOLVED', 'WAITING_ON_CUSTOMER']);
    const total = rows.reduce((sum, r) => sum + r.n, 0);
    const resolved = rows.filter((r) => isResolved(r.status));
    const resolvedCount = resolved.reduce((sum, r) => sum + r.n, 0);
    expect(resolvedCount / total).toBeGreaterThan(0.5);
    expect(rows.find((r) => r.status === 'OPEN')!.n / total).toBeGreaterThan(0.05);
    expect(resolved.reduce((sum, r) => sum + r.rated, 0) / resolvedCount).toBeGreaterThan(0.4);
    expect(rows.reduce((sum, r) => sum + r.withProduct, 0) / total).toBeGreaterThan(0.7);
    for (const row of rows) {
      expect(row.withResolvedAt).toBe(isResolved(row.status) ? row.n : 0);
      if (!isResolved(row.status)) expect(row.rated).toBe(0);
    }
  });

  it.each([
    [{ limit: 5, offset: 0 }, [1, 2, 3, 4, 5]],
    [{ limit: 3, offset: 10 }, [11, 12, 13]],
    [{ limit: 4, offset: 0, tier: 'PLATINUM' as const }, demo.customers.filter((c) => c.tier === 'PLATINUM').slice(0, 4).map((c) => c.id)],
    [{ limit: 2, offset: 1, tier: 'GOLD' as const }, demo.customers.filter((c) => c.tier === 'GOLD').slice(1, 3).map((c) => c.id)],
    [{ limit: 5, offset: 10_000 }, []],
  ])('lists customers %j in id order', async (filter, ids) => {
    expect((await store.listCustomers(filter, EVERY_ROW)).map((c) => c.id)).toEqual(ids);
  });

  it('finds customers and tickets by id, leaving out unknown ids', async () => {
    expect((await store.customersByIds([3, 424_242, 1], EVERY_ROW)).map((c) => c.id).sort()).toEqual([1, 3]);
    expect((await store.ticketsByIds([30_000, 0, 7], EVERY_ROW)).map((t) => t.id).sort((a, b) => a - b)).toEqual([7, 30_000]);
  });

  it.each([
    [{ limit: 6, offset: 0 }, () => true],
    [{ limit: 4, offset: 3, status: 'OPEN' as const }, (t: TicketSeedRow) => t.status === 'OPEN'],
    [{ limit: 5, offset: 0, priority: 'URGENT' as const }, (t: TicketSeedRow) => t.priority === 'URGENT'],
    [
      { limit: 5, offset: 0, status: 'WAITING_ON_CUSTOMER' as const, priority: 'LOW' as const },
      (t: TicketSeedRow) => t.status === 'WAITING_ON_CUSTOMER' && t.priority === 'LOW',
    ],
  ])('lists tickets %j newest first', async (filter, keep) => {
    const expected = demo.tickets.filter(keep).sort(newestFirst).slice(filter.offset, filter.offset + filter.limit);
    expect((await store.listTickets(filter, EVERY_ROW)).map((t) => t.id)).toEqual(expected.map((t) => t.id));
  });

  it.each<['customer_id' | 'product_id', number[], TicketSlice]>([
    ['customer_id', [1, 2, 3, 424_242], { limit: 100 }],
    ['customer_id', [5, 6, 7], { limit: 1 }],
    ['customer_id', [8, 9, 10, 11], { limit: 100, status: 'CLOSED' }],
    ['product_id', [1, 2, 3, 5000], { limit: 3 }],
    ['product_id', [4, 5], { limit: 100 }],
    ['product_id', [6, 7], { limit: 2, status: 'OPEN' }],
  ])('fetches the newest tickets per %s for %j (%j) in one statement, grouped by owner', async (owner, ids, slice) => {
    const rows =
      owner === 'customer_id' ? await store.ticketsByCustomerIds(ids, slice, EVERY_ROW) : await store.ticketsByProductIds(ids, slice, EVERY_ROW);
    const expected = [...ids]
      .sort((a, b) => a - b)
      .flatMap((id) => demoTicketsOf(owner, id, slice.status ?? undefined).slice(0, slice.limit))
      .map((t) => t.id);
    expect(rows.map((t) => t.id)).toEqual(expected);
    expect(statements).toHaveLength(1);
  });

  // The access rule's RowFilter is one more condition in the same single statement per batch.
  describe('restricted to one customer\'s rows', () => {
    const owner = demo.tickets[0].customer_id;
    const others = [...new Set(demo.tickets.filter((t) => t.customer_id !== owner).map((t) => t.customer_id))].slice(0, 3);
    const ownerProducts = [...new Set(demoTicketsOf('customer_id', owner).flatMap((t) => (t.product_id === null ? [] : [t.product_id])))];
    const rows = { customerId: owner };
    const byId = (a: number, b: number) => a - b;

    it.each<[string, () => Promise<{ id: number }[]>, number[]]>([
      ['lists customers', () => store.listCustomers({ limit: 100, offset: 0 }, rows), [owner]],
      ['lists customers past the owner', () => store.listCustomers({ limit: 100, offset: 1 }, rows), []],
      ['lists customers of the owner\'s tier', () => store.listCustomers({ limit: 100, offset: 0, tier: demo.customers.find((c) => c.id === owner)!.tier as CustomerTier }, rows), [owner]],
      ['finds customers by id', () => store.customersByIds([...others, owner], rows), [owner]],
      ['lists tickets', () => store.listTickets({ limit: 100, offset: 0 }, rows), demoTicketsOf('customer_id', owner).map((t) => t.id)],
      ['finds tickets by id', () => store.ticketsByIds(demo.tickets.slice(0, 50).map((t) => t.id), rows),
        demo.tickets.slice(0, 50).filter((t) => t.customer_id === owner).map((t) => t.id)],
      // Another customer's own tickets come back empty, not as theirs.
      ['fetches tickets per customer', () => store.ticketsByCustomerIds([...others, owner], { limit: 100 }, rows),
        demoTicketsOf('customer_id', owner).map((t) => t.id)],
      ['fetches tickets per product', () => store.ticketsByProductIds(ownerProducts, { limit: 100 }, rows),
        [...ownerProducts].sort(byId).flatMap((p) => demoTicketsOf('product_id', p).filter((t) => t.customer_id === owner)).map((t) => t.id)],
    ])('%s in one statement', async (_name, read, expected) => {
      const found = await read();
      expect(found.map((r) => r.id)).toEqual(expected);
      expect(statements).toHaveLength(1);
    });

    it('still finds other customers\' rows without a restriction (the test above is not vacuous)', async () => {
      expect((await store.customersByIds(others, EVERY_ROW)).length).toBe(others.length);
      expect((await store.ticketsByCustomerIds(others, { limit: 100 }, EVERY_ROW)).length).toBeGreaterThan(0);
    });
  });

  it('aggregates open tickets and satisfaction per product in one statement', async () => {
    const ids = [1, 2, 3, 5000];
    const stats = await store.ticketStatsByProductIds(ids);
    expect(statements).toHaveLength(1);
    const expected = [1, 2, 3].map((productId) => {
      const tickets = demo.tickets.filter((t) => t.product_id === productId);
      const ratings = tickets.flatMap((t) => (t.satisfaction === null ? [] : [t.satisfaction]));
      return {
        productId,
        openTicketCount: tickets.filter((t) => !isResolved(t.status)).length,
        ratedTicketCount: ratings.length,
        satisfactionScore: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
      };
    });
    const sorted = [...stats].sort((a, b) => a.productId - b.productId);
    expect(sorted.map(({ satisfactionScore, ...rest }) => rest)).toEqual(expected.map(({ satisfactionScore, ...rest }) => rest));
    sorted.forEach((row, i) => expect(row.satisfactionScore).toBeCloseTo(expected[i].satisfactionScore!, 10));
  });

  it('returns instants as Dates and ids, counts and ratings as numbers on every backend', async () => {
    const rated = firstDemoTicket((t) => t.satisfaction !== null);
    const [ticket] = await store.ticketsByIds([rated.id], EVERY_ROW);
    expect(ticket).toEqual({
      id: rated.id,
      customerId: rated.customer_id,
      productId: rated.product_id,
      subject: rated.subject,
      status: rated.status,
      priority: rated.priority,
      channel: rated.channel,
      openedAt: rated.opened_at,
      resolvedAt: rated.resolved_at,
      satisfaction: rated.satisfaction,
    });
    expect(ticket.openedAt).toBeInstanceOf(Date);
    expect(typeof ticket.satisfaction).toBe('number');
  });

  it('opens a ticket: OPEN, numbered after the demo data, first in its customer and product lists', async () => {
    const before = (await store.ticketStatsByProductIds([WRITTEN_PRODUCT]))[0];
    const result = await store.openTicket({
      customerId: WRITTEN_CUSTOMER,
      productId: WRITTEN_PRODUCT,
      subject: 'Screen flickers',
      priority: 'HIGH',
      channel: 'CHAT',
    });
    expect(result).toMatchObject({
      ok: true,
      ticket: { customerId: WRITTEN_CUSTOMER, productId: WRITTEN_PRODUCT, status: 'OPEN', priority: 'HIGH', channel: 'CHAT', resolvedAt: null, satisfaction: null },
    });
    if (!result.ok) return;
    expect(result.ticket.id).toBeGreaterThan(30_000);
    expect(result.ticket.openedAt).toBeInstanceOf(Date);
    expect((await store.ticketsByCustomerIds([WRITTEN_CUSTOMER], { limit: 1 }, EVERY_ROW))[0].id).toBe(result.ticket.id);
    expect((await store.ticketsByProductIds([WRITTEN_PRODUCT], { limit: 1 }, EVERY_ROW))[0].id).toBe(result.ticket.id);
    expect((await store.ticketStatsByProductIds([WRITTEN_PRODUCT]))[0].openTicketCount).toBe(before.openTicketCount + 1);
  });

  it('opens a ticket about no product', async () => {
    const result = await store.openTicket({ customerId: WRITTEN_CUSTOMER, productId: null, subject: 'Invoice question', priority: 'LOW', channel: 'EMAIL' });
    expect(result).toMatchObject({ ok: true, ticket: { productId: null, subject: 'Invoice question' } });
  });

  it('refuses to open a ticket for an unknown customer and writes nothing', async () => {
    const before = await ticketCount();
    expect(
      await store.openTicket({ customerId: 424_242, productId: 1, subject: 'Hello', priority: 'MEDIUM', channel: 'WEB' }),
    ).toEqual({ ok: false, refusal: 'unknown-customer' });
    expect(await ticketCount()).toBe(before);
  });

  it.each([
    ['with a rating', 4],
    ['without a rating', null],
  ])('resolves an open ticket %s', async (_name, satisfaction) => {
    const open = firstDemoTicket((t) => t.status === 'IN_PROGRESS' && t.product_id !== null, satisfaction === null ? 1 : 0);
    const [statsBefore] = await store.ticketStatsByProductIds([open.product_id!]);
    const result = await store.resolveTicket({ ticketId: open.id, satisfaction });
    expect(result).toMatchObject({ ok: true, ticket: { id: open.id, status: 'RESOLVED', satisfaction } });
    if (!result.ok) return;
    expect(result.ticket.resolvedAt).toBeInstanceOf(Date);
    expect(result.ticket.resolvedAt!.getTime()).toBeGreaterThanOrEqual(result.ticket.openedAt.getTime());
    const [statsAfter] = await store.ticketStatsByProductIds([open.product_id!]);
    expect(statsAfter.openTicketCount).toBe(statsBefore.openTicketCount - 1);
    expect(statsAfter.ratedTicketCount).toBe(statsBefore.ratedTicketCount + (satisfaction === null ? 0 : 1));
  });

  it.each([
    ['an unknown ticket', () => 424_242, { ok: false, refusal: 'unknown-ticket' }],
    ['a RESOLVED ticket', () => firstDemoTicket((t) => t.status === 'RESOLVED').id, { ok: false, refusal: 'already-resolved', status: 'RESOLVED' }],
    ['a CLOSED ticket', () => firstDemoTicket((t) => t.status === 'CLOSED').id, { ok: false, refusal: 'already-resolved', status: 'CLOSED' }],
  ])('refuses to resolve %s and changes nothing', async (_name, ticketId, refusal) => {
    const before = await store.ticketsByIds([ticketId()], EVERY_ROW);
    expect(await store.resolveTicket({ ticketId: ticketId(), satisfaction: 1 })).toEqual(refusal);
    expect(await store.ticketsByIds([ticketId()], EVERY_ROW)).toEqual(before);
  });

  it('resolves a ticket once when two resolutions race', async () => {
    const open = firstDemoTicket((t) => t.status === 'WAITING_ON_CUSTOMER');
    const results = await Promise.all([
      store.resolveTicket({ ticketId: open.id, satisfaction: 2 }),
      store.resolveTicket({ ticketId: open.id, satisfaction: 5 }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, refusal: 'already-resolved', status: 'RESOLVED' }]);
    const winner = results.find((r): r is { ok: true; ticket: TicketRow } => r.ok)!;
    expect((await store.ticketsByIds([open.id], EVERY_ROW))[0].satisfaction).toBe(winner.ticket.satisfaction);
  });

  it('backs the resolvers with constraints: a rating outside 1..5 is rejected by the database and rolled back', async () => {
    const open = firstDemoTicket((t) => t.status === 'OPEN');
    await expect(store.resolveTicket({ ticketId: open.id, satisfaction: 6 })).rejects.toThrow(/check constraint/);
    expect((await store.ticketsByIds([open.id], EVERY_ROW))[0]).toMatchObject({ status: 'OPEN', resolvedAt: null, satisfaction: null });
  });
});
