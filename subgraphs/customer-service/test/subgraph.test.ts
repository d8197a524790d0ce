import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLObjectType, Kind, parse, print } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { subgraphDir } from '../../../shared/paths.js';
import type { Principal } from '../../../shared/principal.js';
import { demoCustomerService, type TicketSeedRow } from '../db/seed.js';
import { customerService } from '../src/server.js';
import { startTestSubgraph, type TestSubgraph, statementCounts } from '../../../test/support/subgraphs.js';

const demo = demoCustomerService();
const newestFirst = (a: TicketSeedRow, b: TicketSeedRow) => b.opened_at.getTime() - a.opened_at.getTime() || b.id - a.id;
const demoTicket = (where: (t: TicketSeedRow) => boolean) => demo.tickets.find(where)!;
const ratedTicket = demoTicket((t) => t.satisfaction !== null && t.product_id !== null);
const generalTicket = demoTicket((t) => t.product_id === null);
const closedTicket = demoTicket((t) => t.status === 'CLOSED');
const openTicket = demoTicket((t) => t.status === 'OPEN' && t.product_id !== null);
// Tickets that name a product, so every batch size exercises the product loaders too.
const ticketsAboutProducts = demo.tickets.filter((t) => t.product_id !== null).map((t) => String(t.id));
const STAFF: Principal = { authenticated: true, subject: 'agent-1', scopes: ['support:read', 'support:write'], claims: { sub: 'agent-1', roles: ['support-agent'] } };
const entities = (typename: string, ids: readonly string[]) =>
  `_entities(representations: [${ids.map((id) => `{ __typename: "${typename}", id: "${id}" }`).join(', ')}])`;

describe('customer-service subgraph over HTTP', () => {
  let service: TestSubgraph;
  beforeAll(async () => {
    service = await startTestSubgraph(customerService);
  });
  afterAll(() => service?.stop());

  // Signed as staff, who may read and change every row (an anonymous caller reads none: test/access.test.ts).
  const query = (q: string, variables?: Record<string, unknown>) => service.query(q, variables, STAFF);
  const productStats = async (productId: number) => {
    const { body } = await query(`{ ${entities('Product', [String(productId)])} { ... on Product { openTicketCount satisfactionScore } } }`);
    expect(body.errors).toBeUndefined();
    return body.data!._entities[0] as { openTicketCount: number; satisfactionScore: number | null };
  };

  it('serves a customer with their tickets, newest first', async () => {
    const { body } = await query('{ customer(id: "1") { id name email phone tier createdAt tickets { id status openedAt customer { id } } } }');
    expect(body.errors).toBeUndefined();
    const seeded = demo.customers[0];
    const tickets = demo.tickets.filter((t) => t.customer_id === 1).sort(newestFirst);
    expect(body.data!.customer).toEqual({
      id: '1',
      name: seeded.name,
      email: seeded.email,
      phone: seeded.phone,
      tier: seeded.tier,
      createdAt: seeded.created_at.toISOString(),
      tickets: tickets.map((t) => ({ id: String(t.id), status: t.status, openedAt: t.opened_at.toISOString(), customer: { id: '1' } })),
    });
  });

  it('filters a customer\'s tickets by status', async () => {
    const customer = demo.tickets.find((t) => t.status === 'CLOSED')!.customer_id;
    const { body } = await query(`{ customer(id: "${customer}") { tickets(status: CLOSED) { id status } } }`);
    expect(body.errors).toBeUndefined();
    const expected = demo.tickets.filter((t) => t.customer_id === customer && t.status === 'CLOSED').sort(newestFirst);
    expect(body.data!.customer.tickets).toEqual(expected.map((t) => ({ id: String(t.id), status: 'CLOSED' })));
  });

  it.each([
    ['customers by tier', '{ customers(limit: 3, tier: GOLD) { id tier } }', 'customers',
      demo.customers.filter((c) => c.tier === 'GOLD').slice(0, 3).map((c) => ({ id: String(c.id), tier: 'GOLD' }))],
    ['a page of customers', '{ customers(limit: 2, offset: 5) { id } }', 'customers', [{ id: '6' }, { id: '7' }]],
    ['tickets by status and priority, newest first', '{ tickets(status: OPEN, priority: HIGH, limit: 4) { id status priority } }', 'tickets',
      demo.tickets.filter((t) => t.status === 'OPEN' && t.priority === 'HIGH').sort(newestFirst).slice(0, 4)
        .map((t) => ({ id: String(t.id), status: 'OPEN', priority: 'HIGH' }))],
    ['the newest tickets', '{ tickets(limit: 3) { id } }', 'tickets', [...demo.tickets].sort(newestFirst).slice(0, 3).map((t) => ({ id: String(t.id) }))],
  ])('lists %s', async (_name, q, field, expected) => {
    const { body } = await query(q);
    expect(body.errors).toBeUndefined();
    expect(body.data![field]).toEqual(expected);
  });

  it.each([
    ['a rated ticket about a product', `{ ticket(id: "${ratedTicket.id}") { id satisfaction resolvedAt product { id } customer { id } } }`, 'ticket',
      { id: String(ratedTicket.id), satisfaction: ratedTicket.satisfaction, resolvedAt: ratedTicket.resolved_at!.toISOString(),
        product: { id: String(ratedTicket.product_id) }, customer: { id: String(ratedTicket.customer_id) } }],
    ['a ticket about no product', `{ ticket(id: "${generalTicket.id}") { id product { id } } }`, 'ticket', { id: String(generalTicket.id), product: null }],
    ['an unknown ticket', '{ ticket(id: "424242") { id } }', 'ticket', null],
    ['a non-numeric ticket id', '{ ticket(id: "T-1") { id } }', 'ticket', null],
    ['an unknown customer', '{ customer(id: "424242") { id } }', 'customer', null],
    ['a non-numeric customer id', '{ customer(id: "abc") { id } }', 'customer', null],
  ])('finds %s', async (_name, q, field, expected) => {
    const { body } = await query(q);
    expect(body.errors).toBeUndefined();
    expect(body.data![field]).toEqual(expected);
  });

  it.each([
    ['a limit too large', '{ customers(limit: 1000) { id } }', 'limit must be between 1 and 100, got 1000'],
    ['a negative offset', '{ tickets(offset: -1) { id } }', 'offset must be 0 or more, got -1'],
    ['a nested limit of 0', '{ customer(id: "1") { tickets(limit: 0) { id } } }', 'limit must be between 1 and 100, got 0'],
    ['a blank subject', 'mutation { openTicket(customerId: "1", subject: "   ") { id } }', 'subject must say in a few words what the customer needs, got an empty string'],
    ['a subject of two lines', 'mutation { openTicket(customerId: "1", subject: "Broken\\nPlease help") { id } }', 'subject must be one line'],
    ['a subject too long', `mutation { openTicket(customerId: "1", subject: "${'x'.repeat(201)}") { id } }`, 'subject must be at most 200 characters, got 201'],
    ['a non-numeric customer id', 'mutation { openTicket(customerId: "abc", subject: "Hi") { id } }', 'customerId must be a numeric id such as "42", got "abc"'],
    ['a non-numeric product id', 'mutation { openTicket(customerId: "1", productId: "SKU-1", subject: "Hi") { id } }', 'productId must be a numeric id such as "42", got "SKU-1"'],
    ['an unknown customer', 'mutation { openTicket(customerId: "424242", subject: "Hi") { id } }', 'No customer with id "424242"'],
    ['a rating of 0', `mutation { resolveTicket(ticketId: "${openTicket.id}", satisfaction: 0) { id } }`, 'satisfaction must be a whole number from 1 (poor) to 5 (excellent), got 0'],
    ['a rating of 6', `mutation { resolveTicket(ticketId: "${openTicket.id}", satisfaction: 6) { id } }`, 'got 6'],
    ['a non-numeric ticket id', 'mutation { resolveTicket(ticketId: "T-1") { id } }', 'ticketId must be a numeric id such as "42", got "T-1"'],
    ['an unknown ticket', 'mutation { resolveTicket(ticketId: "424242") { id } }', 'No ticket with id "424242"'],
    ['a closed ticket', `mutation { resolveTicket(ticketId: "${closedTicket.id}", satisfaction: 3) { id } }`,
      `Ticket ${closedTicket.id} is already CLOSED: only an OPEN, IN_PROGRESS or WAITING_ON_CUSTOMER ticket can be resolved`],
  ])('rejects %s with a clear BAD_USER_INPUT error and writes nothing', async (_name, q, message) => {
    service.resetStatements();
    const { body } = await query(q);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT' } });
    expect(service.statements.filter((sql) => /^\s*(INSERT|UPDATE)\b/.test(sql))).toEqual([]);
  });

  it('opens a ticket and resolves it, and the product\'s open count follows', async () => {
    const before = await productStats(977);
    const opened = await query(
      `mutation { openTicket(customerId: "42", productId: "977", subject: "  Lid does not close  ", priority: URGENT) {
         id status priority channel subject resolvedAt satisfaction customer { id tickets(limit: 1) { id } } product { id openTicketCount } } }`,
    );
    expect(opened.body.errors).toBeUndefined();
    const ticket = opened.body.data!.openTicket;
    expect(ticket).toMatchObject({
      status: 'OPEN',
      priority: 'URGENT',
      channel: 'WEB',
      subject: 'Lid does not close',
      resolvedAt: null,
      satisfaction: null,
      product: { id: '977', openTicketCount: before.openTicketCount + 1 },
    });
    expect(ticket.customer).toEqual({ id: '42', tickets: [{ id: ticket.id }] });

    const resolved = await query(
      `mutation { resolveTicket(ticketId: "${ticket.id}", satisfaction: 5) { id status satisfaction resolvedAt product { openTicketCount } } }`,
    );
    expect(resolved.body.errors).toBeUndefined();
    expect(resolved.body.data!.resolveTicket).toEqual({
      id: ticket.id,
      status: 'RESOLVED',
      satisfaction: 5,
      resolvedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      product: { openTicketCount: before.openTicketCount },
    });

    const again = await query(`mutation { resolveTicket(ticketId: "${ticket.id}") { id } }`);
    expect(again.body.errors?.[0]).toMatchObject({
      message: `Ticket ${ticket.id} is already RESOLVED: only an OPEN, IN_PROGRESS or WAITING_ON_CUSTOMER ticket can be resolved`,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('shows each mutation\'s effect to the fields selected after it in the same request', async () => {
    const { body } = await query(
      `mutation {
         first: openTicket(customerId: "43", productId: "978", subject: "First") { id product { openTicketCount } customer { tickets { id } } }
         second: openTicket(customerId: "43", productId: "978", subject: "Second") { id product { openTicketCount } customer { tickets { id } } }
       }`,
    );
    expect(body.errors).toBeUndefined();
    const { first, second } = body.data!;
    expect(second.product.openTicketCount).toBe(first.product.openTicketCount + 1);
    expect(second.customer.tickets.slice(0, 2)).toEqual([{ id: second.id }, { id: first.id }]);
  });

  it('resolves entity references of every type, in order, with null for unknown ones', async () => {
    const { body } = await query(
      `query($r: [_Any!]!) { _entities(representations: $r) {
         ... on Customer { id email }
         ... on SupportTicket { id subject }
         ... on Product { id openTicketCount satisfactionScore tickets(limit: 1) { id } }
       } }`,
      {
        r: [
          { __typename: 'SupportTicket', id: String(ratedTicket.id) },
          { __typename: 'Customer', id: '2' },
          { __typename: 'Customer', id: '424242' },
          { __typename: 'Product', id: '5000' },
          { __typename: 'SupportTicket', id: '424242' },
          { __typename: 'Customer', id: 'abc' },
          { __typename: 'Product', id: 'SKU-1' },
          { __typename: 'Product', id: String(ratedTicket.product_id) },
        ],
      },
    );
    expect(body.errors).toBeUndefined();
    const productTickets = demo.tickets.filter((t) => t.product_id === ratedTicket.product_id);
    expect(body.data!._entities).toEqual([
      { id: String(ratedTicket.id), subject: ratedTicket.subject },
      { id: '2', email: demo.customers[1].email },
      null,
      // Inventory decides whether product 5000 exists; here it is a product nobody complained about.
      { id: '5000', openTicketCount: 0, satisfactionScore: null, tickets: [] },
      null,
      null,
      null,
      {
        id: String(ratedTicket.product_id),
        openTicketCount: productTickets.filter((t) => t.status !== 'RESOLVED' && t.status !== 'CLOSED').length,
        satisfactionScore: expect.any(Number),
        tickets: [{ id: String([...productTickets].sort(newestFirst)[0].id) }],
      },
    ]);
  });

  // The N+1 guard: the statement count of one request must not grow with the number of items.
  it.each([
    ['customer lists', (n: number) => `{ customers(limit: ${n}) { id tickets(limit: 3) { id customer { tier } product { id openTicketCount satisfactionScore } } } }`],
    // CLOSED: untouched by the mutation tests, so the data under the guard is the demo data.
    ['ticket lists', (n: number) => `{ tickets(status: CLOSED, limit: ${n}) { id customer { name tickets(limit: 2) { id } } product { openTicketCount tickets(limit: 2) { customer { email } } } } }`],
    ['customer references', (n: number) => `{ ${entities('Customer', Array.from({ length: n }, (_, i) => String(i + 1)))} { ... on Customer { email tickets { status } } } }`],
    ['ticket references', (n: number) => `{ ${entities('SupportTicket', ticketsAboutProducts.slice(0, n))} { ... on SupportTicket { subject customer { name } product { satisfactionScore } } } }`],
    ['product references', (n: number) => `{ ${entities('Product', Array.from({ length: n }, (_, i) => String(i + 1)))} { ... on Product { openTicketCount satisfactionScore tickets(status: OPEN, limit: 5) { customer { tier } } } } }`],
  ])('runs a constant number of SQL statements for %s of any length', async (_name, build) => {
    const counts = await statementCounts(service, (n) => query(build(n)));
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });
});

describe('customer-service contract', () => {
  it('composes with the inventory data product, contributing its fields to Product', () => {
    const service = (dir: string) => ({ name: dir, url: `http://${dir}.invalid/graphql`, typeDefs: parse(readFileSync(`${subgraphDir(dir)}/schema.graphql`, 'utf8')) });
    const result = composeServices([service('inventory'), service('customer-service')]);
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    // A hint here is a real problem, e.g. this schema's description of a shared type replacing the owner's.
    expect(result.hints?.map((h) => h.toString())).toEqual([]);
    expect(result.supergraphSdl).toMatch(/openTicketCount: Int @join__field\(graph: CUSTOMER_SERVICE\)/);
  });

  it('describes in dataproduct.yaml only fields and keys the schema has', () => {
    const root = subgraphDir('customer-service');
    const typeDefs = parse(readFileSync(`${root}/schema.graphql`, 'utf8'));
    const schema = buildSubgraphSchema([{ typeDefs }]);
    const descriptor = parseYaml(readFileSync(`${root}/dataproduct.yaml`, 'utf8')) as {
      name: string;
      entities: { type: string; keys: string[] }[];
      classification: { field: string }[];
    };
    expect(descriptor.name).toBe(customerService.name);
    for (const { field } of descriptor.classification) {
      const [typeName, fieldName] = field.split('.');
      const type = schema.getType(typeName);
      expect({ field, exists: type instanceof GraphQLObjectType && fieldName in type.getFields() }).toEqual({ field, exists: true });
    }
    const keysOf = (typeName: string) =>
      typeDefs.definitions.flatMap((d) =>
        d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === typeName
          ? (d.directives ?? []).filter((x) => x.name.value === 'key').map((x) => print(x.arguments![0].value).replace(/"/g, ''))
          : [],
      );
    expect(descriptor.entities.map((e) => [e.type, e.keys])).toEqual([
      ['Customer', keysOf('Customer')],
      ['SupportTicket', keysOf('SupportTicket')],
    ]);
  });
});
