import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createAuthorizer } from '../../src/governance/authorizer.js';
import {
  explainCoordinate,
  explainInPlainWords,
  explainOperation,
  type CoordinateExplanation,
  type DeniedFieldExplanation,
} from '../../src/governance/explain-access.js';
import { prepareSupergraph, type PreparedSupergraph } from '../../src/supergraph/security-features.js';
import type { Principal } from '../../../shared/principal.js';
import { anonymous, user } from '../fixtures/authorize.js';

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])`;

const SHOP = `${LINK}
type Query {
  products: [Product!]!
  customers: [Customer!]!
  latestTicket: SupportTicket
  items: [Item!]!
  me: String @authenticated
}
type Product @key(fields: "id") { id: ID! name: String }
type Customer @authenticated { id: ID! name: String email: String @policy(policies: [["pii-reader"]]) }
type SupportTicket @requiresScopes(scopes: [["support:read", "pii:read"], ["admin"]]) { id: ID! body: String }
interface Item { id: ID! }
type Book implements Item { id: ID! title: String }
type Invoice implements Item @requiresScopes(scopes: [["finance:read"]]) { id: ID! total: Float }
`;

const FINANCE = `${LINK}
type Product @key(fields: "id") { id: ID! unitCost: Float @requiresScopes(scopes: [["finance:read"]]) }
`;

function prepare(): PreparedSupergraph {
  const composed = composeServices([
    { name: 'shop', url: 'http://shop.invalid/graphql', typeDefs: parse(SHOP) },
    { name: 'finance', url: 'http://finance.invalid/graphql', typeDefs: parse(FINANCE) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('; '));
  return prepareSupergraph(composed.supergraphSdl);
}

const prepared = prepare();
const policies = (results: Record<string, boolean> = {}) => new Map(Object.entries(results));

const FINANCE_READ = { kind: 'scopes', anyOf: [['finance:read']] } as const;
// The index stores alternatives sorted (see requirements.ts), so they come back in that order.
const TICKET_SCOPES = [['admin'], ['pii:read', 'support:read']];

describe('explainCoordinate', () => {
  it.each<[string, string, Principal, Record<string, boolean>, CoordinateExplanation, string]>([
    ['unrestricted field', 'Product.name', anonymous, {}, { coordinate: 'Product.name', readable: true }, 'readable'],
    [
      'field scope, anonymous',
      'Product.unitCost',
      anonymous,
      {},
      { coordinate: 'Product.unitCost', readable: false, missing: [{ ...FINANCE_READ, because: 'field Product.unitCost' }] },
      'needs the scope finance:read',
    ],
    ['field scope, granted', 'Product.unitCost', user('finance:read'), {}, { coordinate: 'Product.unitCost', readable: true }, 'readable'],
    [
      'type coordinate',
      'Customer',
      anonymous,
      {},
      { coordinate: 'Customer', readable: false, missing: [{ kind: 'authenticated', because: 'type Customer' }] },
      'needs authentication',
    ],
    [
      'parent type requirement',
      'Customer.name',
      anonymous,
      {},
      { coordinate: 'Customer.name', readable: false, missing: [{ kind: 'authenticated', because: 'type Customer' }] },
      'needs authentication',
    ],
    [
      'returned type requirement',
      'Query.customers',
      anonymous,
      {},
      { coordinate: 'Query.customers', readable: false, missing: [{ kind: 'authenticated', because: 'returned type Customer' }] },
      'needs authentication',
    ],
    ['parent type requirement, signed in', 'Customer.name', user(), {}, { coordinate: 'Customer.name', readable: true }, 'readable'],
    [
      'policy undecided',
      'Customer.email',
      user(),
      {},
      { coordinate: 'Customer.email', readable: false, missing: [{ kind: 'policy', anyOf: [['pii-reader']], because: 'field Customer.email' }] },
      'needs the policy pii-reader',
    ],
    [
      'policy decided false',
      'Customer.email',
      user(),
      { 'pii-reader': false },
      { coordinate: 'Customer.email', readable: false, missing: [{ kind: 'policy', anyOf: [['pii-reader']], because: 'field Customer.email' }] },
      'needs the policy pii-reader',
    ],
    ['policy decided true', 'Customer.email', user(), { 'pii-reader': true }, { coordinate: 'Customer.email', readable: true }, 'readable'],
    [
      'two requirements, anonymous',
      'Customer.email',
      anonymous,
      {},
      {
        coordinate: 'Customer.email',
        readable: false,
        missing: [
          { kind: 'authenticated', because: 'type Customer' },
          { kind: 'policy', anyOf: [['pii-reader']], because: 'field Customer.email' },
        ],
      },
      'needs authentication; needs the policy pii-reader',
    ],
    [
      'OR of AND scopes, none held',
      'Query.latestTicket',
      user(),
      {},
      { coordinate: 'Query.latestTicket', readable: false, missing: [{ kind: 'scopes', anyOf: TICKET_SCOPES, because: 'returned type SupportTicket' }] },
      'needs the scope admin, or the scopes pii:read and support:read',
    ],
    [
      'OR of AND scopes, one of an AND-set held',
      'SupportTicket.body',
      user('pii:read'),
      {},
      { coordinate: 'SupportTicket.body', readable: false, missing: [{ kind: 'scopes', anyOf: [['admin'], ['support:read']], because: 'type SupportTicket' }] },
      'needs the scope admin, or the scope support:read',
    ],
    ['OR of AND scopes, other alternative held', 'SupportTicket.body', user('admin'), {}, { coordinate: 'SupportTicket.body', readable: true }, 'readable'],
    [
      'interface field with a restricted implementer',
      'Item.id',
      user(),
      {},
      { coordinate: 'Item.id', readable: false, missing: [{ ...FINANCE_READ, because: 'type Invoice' }] },
      'needs the scope finance:read',
    ],
    ['unrestricted implementer', 'Book.id', anonymous, {}, { coordinate: 'Book.id', readable: true }, 'readable'],
    [
      'field requirement on a root field',
      'Query.me',
      anonymous,
      {},
      { coordinate: 'Query.me', readable: false, missing: [{ kind: 'authenticated', because: 'field Query.me' }] },
      'needs authentication',
    ],
  ])('%s: %s', (_name, coordinate, principal, results, expected, words) => {
    const explained = explainCoordinate(prepared, coordinate, principal, policies(results));
    expect(explained).toEqual(expected);
    expect(explainInPlainWords(explained)).toBe(words);
  });

  it.each([
    ['Nope', /Unknown coordinate "Nope"/],
    ['Product.nope', /Unknown coordinate "Product.nope"/],
    ['Product.name.extra', /Unknown coordinate "Product.name.extra"/],
  ])('unknown coordinate %s is an error naming it', (coordinate, message) => {
    expect(() => explainCoordinate(prepared, coordinate, anonymous)).toThrow(message);
  });
});

describe('explainOperation', () => {
  const unitCost = { path: ['products', '@', 'unitCost'], coordinate: 'Product.unitCost', missing: [{ ...FINANCE_READ, because: 'field Product.unitCost' }] };
  it.each<[string, string, Principal, Record<string, boolean>, DeniedFieldExplanation[]]>([
    ['everything readable', '{ products { name unitCost } customers { name } }', user('finance:read'), {}, []],
    [
      'field and returned-type denials, anonymous',
      '{ products { name unitCost } customers { name } }',
      anonymous,
      {},
      [unitCost, { path: ['customers'], coordinate: 'Query.customers', missing: [{ kind: 'authenticated', because: 'returned type Customer' }] }],
    ],
    [
      'alias and named fragment',
      '{ t: latestTicket { ...T } } fragment T on SupportTicket { body }',
      user('support:read'),
      {},
      [{ path: ['t'], coordinate: 'Query.latestTicket', missing: [{ kind: 'scopes', anyOf: [['admin'], ['pii:read']], because: 'returned type SupportTicket' }] }],
    ],
    [
      'policy below a readable field',
      '{ customers { name email } }',
      user(),
      { 'pii-reader': false },
      [{ path: ['customers', '@', 'email'], coordinate: 'Customer.email', missing: [{ kind: 'policy', anyOf: [['pii-reader']], because: 'field Customer.email' }] }],
    ],
  ])('%s', (_name, query, principal, results, expected) => {
    expect(explainOperation(prepared, parse(query), principal, policies(results))).toEqual(expected);
  });

  it('agrees with the gateway authorizer on the denied paths', () => {
    const query = `query Q { products { id name unitCost } customers { name email } latestTicket { body }
      items { id ... on Book { title } ... on Invoice { total } } me }`;
    const document = parse(query);
    const authorizer = createAuthorizer(prepared);
    const principals: [Principal, Record<string, boolean>][] = [
      [anonymous, {}],
      [user(), {}],
      [user('finance:read', 'pii:read'), { 'pii-reader': true }],
      [user('admin', 'finance:read'), { 'pii-reader': true }],
    ];
    const seen = new Set<string>();
    for (const [principal, results] of principals) {
      const satisfied = prepared.index.satisfiedSet(principal, policies(results));
      const gateway = authorizer.authorize(document, 'hash-q', 'Q', satisfied.key, satisfied.isSatisfied);
      const explained = explainOperation(prepared, document, principal, policies(results), 'Q');
      const gatewayPaths = gateway.denied.map((d) => `${d.coordinate}@${d.path.join('/')}`);
      expect(explained.map((d) => `${d.coordinate}@${d.path.join('/')}`)).toEqual(gatewayPaths);
      for (const denied of explained) expect(denied.missing.length).toBeGreaterThan(0);
      seen.add(gatewayPaths.join(','));
    }
    expect(seen.size).toBeGreaterThan(2); // the principals really see different verdicts
    expect(seen.has('')).toBe(true); // and one of them reads everything
  });

  it('refuses an invalid or ambiguous document', () => {
    expect(() => explainOperation(prepared, parse('{ nope }'), anonymous)).toThrow(/not valid/);
    expect(() => explainOperation(prepared, parse('query A { me } query B { me }'), anonymous)).toThrow(/several operations/);
  });
});
