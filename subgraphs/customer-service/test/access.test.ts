import type { Principal } from '../../../shared/principal.js';
import { ANONYMOUS } from '../../../shared/principal.js';
import { demoCustomerService, type TicketSeedRow } from '../db/seed.js';
import type { GraphQLError } from 'graphql';
import { accessScope, checkMayOpenTicketFor, checkMayResolveTickets, rowFilter, type AccessScope } from '../src/access.js';
import type { RowFilter } from '../src/store.js';
import { customerService } from '../src/server.js';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/subgraphs.js';

// The row-level rule "a customer may read their own tickets", checked over real HTTP with
// principals signed as the gateway signs them. Expectations come from the demo rows as generated.
const demo = demoCustomerService();
const isResolved = (status: string) => status === 'RESOLVED' || status === 'CLOSED';
const newestFirst = (a: TicketSeedRow, b: TicketSeedRow) => b.opened_at.getTime() - a.opened_at.getTime() || b.id - a.id;
const ticketsOf = (customerId: number) => demo.tickets.filter((t) => t.customer_id === customerId).sort(newestFirst);
const ticketsAbout = (productId: number) => demo.tickets.filter((t) => t.product_id === productId).sort(newestFirst);
const ids = (tickets: readonly TicketSeedRow[]) => tickets.map((t) => ({ id: String(t.id) }));

/** A product that `customerId` and at least one other customer opened tickets about. */
const sharedProductOf = (customerId: number) =>
  ticketsOf(customerId).find((t) => t.product_id !== null && ticketsAbout(t.product_id).some((o) => o.customer_id !== customerId))?.product_id ?? null;
// ME: several tickets, one still unresolved, one about a product others complained about too.
const ME = demo.customers.find((c) => {
  const tickets = ticketsOf(c.id);
  return tickets.length >= 4 && tickets.some((t) => !isResolved(t.status)) && sharedProductOf(c.id) !== null;
})!.id;
const OTHER = demo.customers.find((c) => c.id !== ME && ticketsOf(c.id).length >= 2)!.id;
const SHARED_PRODUCT = sharedProductOf(ME)!;
const myTickets = ticketsOf(ME);
const myTicket = myTickets[0];
const myOpenTicket = myTickets.find((t) => !isResolved(t.status))!;
const otherTicket = ticketsOf(OTHER)[0];
const myTier = demo.customers.find((c) => c.id === ME)!.tier;
const otherTier = (['STANDARD', 'SILVER', 'GOLD', 'PLATINUM'] as const).find((tier) => tier !== myTier)!;
// Mutations write to customers the read cases do not look at.
const WRITER = 9988;
const WRITER_VICTIM = 9989;

const principal = (sub: string, claims: Record<string, unknown>): Principal => ({
  authenticated: true,
  subject: sub,
  scopes: ['support:read', 'support:write'],
  claims: { sub, ...claims },
});
const STAFF = principal('agent-7', { roles: ['support-agent'] });
const CUSTOMER = principal('me', { roles: ['customer'], customer_id: String(ME) });
const WRITING_CUSTOMER = principal('writer', { roles: 'customer', customer_id: WRITER });
const NO_ID_CUSTOMER = principal('no-id', { roles: ['customer'] });
const BAD_ID_CUSTOMER = principal('bad-id', { roles: 'customer', customer_id: `${ME}a` });

const entities = (typename: string, keys: readonly (string | number)[]) =>
  `_entities(representations: [${keys.map((id) => `{ __typename: "${typename}", id: "${id}" }`).join(', ')}])`;

/** Callers who may see no row: no valid customer id, or no credential at all. */
const NOBODY: [string, Principal][] = [
  ['a customer without customer_id', NO_ID_CUSTOMER],
  ['a customer with a malformed customer_id', BAD_ID_CUSTOMER],
  ['an anonymous caller', ANONYMOUS],
];
/** Every kind of row read (by id, lists, references), and what a caller who may see no row gets. */
const EVERY_ROW_READ = {
  query: `{ customer(id: "${ME}") { id } customers(limit: 100) { id } tickets(limit: 100) { id } ticket(id: "${myTicket.id}") { id }
    c: ${entities('Customer', [ME])} { ... on Customer { id } } t: ${entities('SupportTicket', [myTicket.id])} { ... on SupportTicket { id } } }`,
  nothing: { customer: null, customers: [], tickets: [], ticket: null, c: [null], t: [null] },
};

describe('accessScope', () => {
  it.each<[string, Record<string, unknown>, AccessScope]>([
    ['no roles claim', {}, { kind: 'staff' }],
    ['other roles only', { roles: ['support-agent', 'pii-reader'], customer_id: '42' }, { kind: 'staff' }],
    ['a role that only contains the word', { roles: ['customers', 'customer-admin'], customer_id: '42' }, { kind: 'staff' }],
    ['a roles claim of the wrong type', { roles: { customer: true }, customer_id: '42' }, { kind: 'staff' }],
    ['an array of roles', { roles: ['customer'], customer_id: '42' }, { kind: 'customer', customerId: 42 }],
    ['a space-separated string', { roles: 'pii-reader customer', customer_id: '42' }, { kind: 'customer', customerId: 42 }],
    ['a comma-separated string', { roles: 'pii-reader, customer', customer_id: 42 }, { kind: 'customer', customerId: 42 }],
    ['an array with non-strings', { roles: [7, null, 'customer'], customer_id: 42 }, { kind: 'customer', customerId: 42 }],
    ['another spelling (errs towards restriction)', { roles: ['Customer'], customer_id: '42' }, { kind: 'customer', customerId: 42 }],
    ['customer and staff roles (the customer rule wins)', { roles: ['support-agent', 'customer'], customer_id: '42' }, { kind: 'customer', customerId: 42 }],
    ['no customer_id', { roles: ['customer'] }, { kind: 'customer', customerId: null }],
    ['an empty customer_id', { roles: ['customer'], customer_id: '' }, { kind: 'customer', customerId: null }],
    ['a customer_id with letters', { roles: ['customer'], customer_id: '42a' }, { kind: 'customer', customerId: null }],
    ['a customer_id with blanks', { roles: ['customer'], customer_id: ' 42' }, { kind: 'customer', customerId: null }],
    ['a fractional customer_id', { roles: ['customer'], customer_id: 4.2 }, { kind: 'customer', customerId: null }],
    ['a negative customer_id', { roles: ['customer'], customer_id: -42 }, { kind: 'customer', customerId: null }],
    ['a customer_id out of range', { roles: ['customer'], customer_id: '12345678901' }, { kind: 'customer', customerId: null }],
    ['a customer_id in an array', { roles: ['customer'], customer_id: ['42'] }, { kind: 'customer', customerId: null }],
    ['a boolean customer_id', { roles: ['customer'], customer_id: true }, { kind: 'customer', customerId: null }],
  ])('reads %s', (_name, claims, expected) => {
    expect(accessScope(principal('someone', claims))).toEqual(expected);
  });

  // Fails closed: the gateway's @authenticated on Customer is not the only thing between an
  // anonymous call and every row. Whatever claims an unauthenticated principal carries, they count for nothing.
  it.each<[string, Principal]>([
    ['the anonymous principal', ANONYMOUS],
    ['an unauthenticated principal with staff-like claims', { ...principal('agent-7', { roles: ['support-agent'] }), authenticated: false }],
    ['an unauthenticated principal with customer claims', { ...principal('me', { roles: ['customer'], customer_id: '42' }), authenticated: false }],
  ])('reads %s as anonymous, never as staff', (_name, who) => {
    expect(accessScope(who)).toEqual({ kind: 'anonymous' });
  });
});

describe('what each scope may do', () => {
  const refusal = (check: () => void) => {
    try {
      check();
    } catch (error) {
      return { message: (error as GraphQLError).message, extensions: (error as GraphQLError).extensions };
    }
    return 'allowed';
  };
  it.each<[string, AccessScope, RowFilter | null, unknown, unknown]>([
    ['anonymous', { kind: 'anonymous' }, null,
      { message: 'Opening a ticket needs a signed-in caller (staff, or the customer themselves), got an anonymous request (no credential)', extensions: { code: 'FORBIDDEN', argument: 'customerId' } },
      { message: 'Only customer-service staff may resolve tickets; an anonymous caller (no credential) may not', extensions: { code: 'FORBIDDEN' } }],
    ['staff', { kind: 'staff' }, {}, 'allowed', 'allowed'],
    ['a customer (opening for themselves)', { kind: 'customer', customerId: 42 }, { customerId: 42 }, 'allowed',
      { message: 'Only customer-service staff may resolve tickets; a customer may not', extensions: { code: 'FORBIDDEN' } }],
    ['a customer without customer id', { kind: 'customer', customerId: null }, null,
      { message: 'A customer may open tickets only for themselves, and this token carries no valid customer_id claim', extensions: { code: 'FORBIDDEN', argument: 'customerId' } },
      { message: 'Only customer-service staff may resolve tickets; a customer may not', extensions: { code: 'FORBIDDEN' } }],
  ])('%s: rows, opening a ticket for customer 42, resolving', (_name, scope, rows, open, resolve) => {
    expect(rowFilter(scope)).toEqual(rows);
    expect(refusal(() => checkMayOpenTicketFor(scope, 42))).toEqual(open);
    expect(refusal(() => checkMayResolveTickets(scope))).toEqual(resolve);
  });
});

describe('customer-service access rules over HTTP', () => {
  let service: TestSubgraph;
  beforeAll(async () => {
    service = await startTestSubgraph(customerService);
  });
  afterAll(() => service?.stop());

  const query = (as: Principal, q: string, variables?: Record<string, unknown>) => service.query(q, variables, as);
  const writes = () => service.statements.filter((sql) => /^\s*(INSERT|UPDATE|DELETE)\b/.test(sql));

  const productAsSeenBy = `{ ${entities('Product', [SHARED_PRODUCT])} { ... on Product { openTicketCount satisfactionScore tickets(limit: 100) { id } } } }`;
  const productStats = {
    openTicketCount: ticketsAbout(SHARED_PRODUCT).filter((t) => !isResolved(t.status)).length,
    satisfactionScore: ticketsAbout(SHARED_PRODUCT).some((t) => t.satisfaction !== null) ? expect.any(Number) : null,
  };

  it.each<[string, Principal, string, unknown]>([
    // Staff: everything, as before.
    ['staff reads any customer with their tickets', STAFF, `{ customer(id: "${OTHER}") { id tickets(limit: 100) { id } } }`,
      { customer: { id: String(OTHER), tickets: ids(ticketsOf(OTHER)) } }],
    ['staff reads any ticket', STAFF, `{ ticket(id: "${otherTicket.id}") { id customer { id } } }`,
      { ticket: { id: String(otherTicket.id), customer: { id: String(OTHER) } } }],
    ['staff lists every customer', STAFF, '{ customers(limit: 3) { id } }', { customers: [{ id: '1' }, { id: '2' }, { id: '3' }] }],
    ['staff lists everyone\'s tickets', STAFF, '{ tickets(limit: 5) { id } }', { tickets: ids([...demo.tickets].sort(newestFirst).slice(0, 5)) }],
    ['staff sees every ticket about a product', STAFF, productAsSeenBy,
      { _entities: [{ ...productStats, tickets: ids(ticketsAbout(SHARED_PRODUCT).slice(0, 100)) }] }],

    // A customer: their own rows only.
    ['a customer reads themselves with their tickets', CUSTOMER, `{ customer(id: "${ME}") { id tier tickets(limit: 100) { id customer { id } } } }`,
      { customer: { id: String(ME), tier: myTier, tickets: myTickets.map((t) => ({ id: String(t.id), customer: { id: String(ME) } })) } }],
    ['a customer\'s tickets by status', CUSTOMER, `{ customer(id: "${ME}") { tickets(status: ${myTicket.status}) { id } } }`,
      { customer: { tickets: ids(myTickets.filter((t) => t.status === myTicket.status)) } }],
    ['a customer asking for another customer', CUSTOMER, `{ customer(id: "${OTHER}") { id tickets { id } } }`, { customer: null }],
    ['a customer listing customers', CUSTOMER, '{ customers(limit: 100) { id } }', { customers: [{ id: String(ME) }] }],
    ['a customer listing customers of their tier', CUSTOMER, `{ customers(limit: 100, tier: ${myTier}) { id } }`, { customers: [{ id: String(ME) }] }],
    ['a customer listing customers of another tier', CUSTOMER, `{ customers(limit: 100, tier: ${otherTier}) { id } }`, { customers: [] }],
    ['a customer listing customers past the first', CUSTOMER, '{ customers(limit: 100, offset: 1) { id } }', { customers: [] }],
    ['a customer listing tickets', CUSTOMER, '{ tickets(limit: 100) { id customer { id } } }',
      { tickets: myTickets.map((t) => ({ id: String(t.id), customer: { id: String(ME) } })) }],
    ['a customer listing tickets by status', CUSTOMER, `{ tickets(status: ${myTicket.status}, limit: 100) { id } }`,
      { tickets: ids(myTickets.filter((t) => t.status === myTicket.status)) }],
    ['a customer listing a page of tickets', CUSTOMER, '{ tickets(limit: 2, offset: 1) { id } }', { tickets: ids(myTickets.slice(1, 3)) }],
    ['a customer reading their own ticket', CUSTOMER, `{ ticket(id: "${myTicket.id}") { id customer { id } } }`,
      { ticket: { id: String(myTicket.id), customer: { id: String(ME) } } }],
    ['a customer reading another customer\'s ticket', CUSTOMER, `{ ticket(id: "${otherTicket.id}") { id } }`, { ticket: null }],
    // Product statistics stay aggregate over everyone's tickets: they are not personal data.
    ['a customer reading a product', CUSTOMER, productAsSeenBy,
      { _entities: [{ ...productStats, tickets: ids(ticketsAbout(SHARED_PRODUCT).filter((t) => t.customer_id === ME)) }] }],
    ['a customer resolving customer references', CUSTOMER, `{ ${entities('Customer', [OTHER, ME])} { ... on Customer { id tickets(limit: 100) { id } } } }`,
      { _entities: [null, { id: String(ME), tickets: ids(myTickets) }] }],
    ['a customer resolving ticket references', CUSTOMER, `{ ${entities('SupportTicket', [otherTicket.id, myTicket.id])} { ... on SupportTicket { id } } }`,
      { _entities: [null, { id: String(myTicket.id) }] }],

    // A customer token without a valid customer_id, or no credential at all: nothing, never everything.
    ...NOBODY.flatMap(([who, as]): [string, Principal, string, unknown][] => [
      [`${who} reading a customer`, as, `{ customer(id: "${ME}") { id } }`, { customer: null }],
      [`${who} listing customers`, as, '{ customers(limit: 100) { id } }', { customers: [] }],
      [`${who} listing tickets`, as, '{ tickets(limit: 100) { id } }', { tickets: [] }],
      [`${who} reading a ticket`, as, `{ ticket(id: "${myTicket.id}") { id } }`, { ticket: null }],
      [`${who} reading a product`, as, productAsSeenBy, { _entities: [{ ...productStats, tickets: [] }] }],
      [`${who} resolving references`, as,
        `{ ${entities('Customer', [ME])} { ... on Customer { id } } t: ${entities('SupportTicket', [myTicket.id])} { ... on SupportTicket { id } } }`,
        { _entities: [null], t: [null] }],
    ]),
  ])('%s', async (_name, as, q, expected) => {
    const { body } = await query(as, q);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(expected);
  });

  it.each(NOBODY)('runs no SQL at all for the rows %s asks for', async (_who, as) => {
    service.resetStatements();
    const { body } = await query(as, EVERY_ROW_READ.query);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(EVERY_ROW_READ.nothing);
    expect(service.statements).toEqual([]);
  });

  it.each<[string, Principal, number]>([
    ['staff for any customer', STAFF, WRITER_VICTIM],
    ['a customer for themselves', WRITING_CUSTOMER, WRITER],
  ])('lets %s open a ticket', async (_name, as, customerId) => {
    const { body } = await query(as, `mutation { openTicket(customerId: "${customerId}", subject: "Parcel never arrived") { id status customer { id } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.openTicket).toMatchObject({ status: 'OPEN', customer: { id: String(customerId) } });
    const mine = await query(as, `{ customer(id: "${customerId}") { tickets(limit: 1) { id } } }`);
    expect(mine.body.data!.customer.tickets).toEqual([{ id: body.data!.openTicket.id }]);
  });

  it.each<[string, Principal, string, string]>([
    ['a customer opening a ticket for another customer', WRITING_CUSTOMER,
      `mutation { openTicket(customerId: "${WRITER_VICTIM}", subject: "Not mine") { id } }`,
      `A customer may open tickets only for themselves (customer ${WRITER}), got customerId "${WRITER_VICTIM}"`],
    ['a customer without customer_id opening a ticket', NO_ID_CUSTOMER,
      `mutation { openTicket(customerId: "${WRITER}", subject: "Whose?") { id } }`,
      'A customer may open tickets only for themselves, and this token carries no valid customer_id claim'],
    ['a customer with a malformed customer_id opening a ticket', BAD_ID_CUSTOMER,
      `mutation { openTicket(customerId: "${ME}", subject: "Whose?") { id } }`,
      'A customer may open tickets only for themselves, and this token carries no valid customer_id claim'],
    ['an anonymous caller opening a ticket', ANONYMOUS,
      `mutation { openTicket(customerId: "${WRITER}", subject: "Who am I?") { id } }`,
      'Opening a ticket needs a signed-in caller (staff, or the customer themselves), got an anonymous request (no credential)'],
    ['an anonymous caller resolving a ticket', ANONYMOUS,
      `mutation { resolveTicket(ticketId: "${myOpenTicket.id}", satisfaction: 5) { id } }`,
      'Only customer-service staff may resolve tickets; an anonymous caller (no credential) may not'],
    ['a customer resolving their own ticket', CUSTOMER,
      `mutation { resolveTicket(ticketId: "${myOpenTicket.id}", satisfaction: 5) { id } }`,
      'Only customer-service staff may resolve tickets; a customer may not'],
    ['a customer resolving another customer\'s ticket', CUSTOMER,
      `mutation { resolveTicket(ticketId: "${otherTicket.id}") { id } }`,
      'Only customer-service staff may resolve tickets; a customer may not'],
  ])('refuses %s with FORBIDDEN and writes nothing', async (_name, as, mutation, message) => {
    service.resetStatements();
    const { body } = await query(as, mutation);
    expect(body.errors?.[0]).toMatchObject({ message, extensions: { code: 'FORBIDDEN' } });
    expect(body.data).toBeNull();
    expect(writes()).toEqual([]);
  });

  it('leaves a ticket a customer tried to resolve as it was', async () => {
    await query(CUSTOMER, `mutation { resolveTicket(ticketId: "${myOpenTicket.id}", satisfaction: 1) { id } }`);
    const { body } = await query(STAFF, `{ ticket(id: "${myOpenTicket.id}") { status resolvedAt satisfaction } }`);
    expect(body.data!.ticket).toEqual({ status: myOpenTicket.status, resolvedAt: null, satisfaction: null });
  });

  // The N+1 guard holds for a customer too: the rule is one more condition in the same batched
  // statements. Every build puts the customer's own rows first so that nested fields resolve.
  const myProducts = [...new Set(myTickets.flatMap((t) => (t.product_id === null ? [] : [t.product_id])))];
  const firstN = <T>(mine: readonly T[], rest: (i: number) => T, n: number) => [...mine, ...Array.from({ length: n }, (_, i) => rest(i + 1))].slice(0, n);
  const othersTickets = demo.tickets.filter((t) => t.customer_id !== ME && t.product_id !== null);
  it.each<[string, (n: number) => string]>([
    ['customer lists', (n) => `{ customers(limit: ${n}) { id tickets(limit: 3) { id customer { tier } product { id openTicketCount satisfactionScore } } } }`],
    ['ticket lists', (n) => `{ tickets(limit: ${n}) { id customer { name tickets(limit: 2) { id } } product { openTicketCount tickets(limit: 2) { customer { email } } } } }`],
    ['customer references', (n) => `{ ${entities('Customer', firstN([ME], (i) => (i >= ME ? i + 1 : i), n))} { ... on Customer { email tickets { status } } } }`],
    ['ticket references', (n) =>
      `{ ${entities('SupportTicket', firstN(myTickets.map((t) => t.id), (i) => othersTickets[i].id, n))} { ... on SupportTicket { subject customer { name } product { satisfactionScore } } } }`],
    ['product references', (n) =>
      `{ ${entities('Product', firstN(myProducts, (i) => 1000 - i, n))} { ... on Product { openTicketCount satisfactionScore tickets(limit: 5) { customer { tier } } } } }`],
  ])('runs a constant number of SQL statements for a customer\'s %s of any length', async (_name, build) => {
    const counts: number[] = [];
    for (const n of [2, 20, 100]) {
      service.resetStatements();
      const { body } = await query(CUSTOMER, build(n));
      expect(body.errors).toBeUndefined();
      // The customer's own rows are there, so the nested fields were resolved.
      expect(JSON.stringify(body.data)).toMatch(/"(id|email|subject|tier)":/);
      counts.push(service.statements.length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });
});
