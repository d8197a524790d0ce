import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  validate,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { fieldAccess, operationAccess, type OperationBounds } from '../../src/catalog-api/access.js';
import { catalogLimits } from '../../src/catalog-api/catalog-api.js';
import { buildCatalogView } from '../../src/catalog-api/catalog-view.js';
import type { CatalogGeneration } from '../../src/catalog-api/catalog-view.js';
import type { CatalogView } from '../../src/catalog-api/types.js';
import { authorizeOperation } from '../../src/governance/authorize-operation.js';
import { loadConfigModule } from '../../src/governance/config-module.js';
import { evaluatePolicies } from '../../src/governance/policies.js';
import { DEFAULT_OPERATION_LIMITS } from '../../src/limits/operation-limits.js';
import { DEFAULT_PARSE_OPTIONS } from '../../src/pipeline/parse.js';
import type { Principal } from '../../../shared/principal.js';
import { ANONYMOUS_CALLER, caller, demoGeneration } from './fixtures.js';

const BOUNDS: OperationBounds = { parse: DEFAULT_PARSE_OPTIONS, limits: catalogLimits(DEFAULT_OPERATION_LIMITS) };

/** Callers the demo's requirements tell apart; their policies are decided by the gateway's own config module. */
const PRINCIPALS: [string, Principal][] = [
  ['anonymous', ANONYMOUS_CALLER],
  ['signed in, no scopes', caller()],
  ['finance', caller(['finance:read'])],
  ['support with the pii-reader role', caller(['support:read'], ['pii-reader'])],
  ['marketing budget', caller(['marketing:budget', 'marketing:write'])],
  ['everything', caller(['finance:read', 'support:read', 'support:write', 'inventory:write', 'marketing:write', 'marketing:budget'], ['pii-reader'])],
];

let generation: CatalogGeneration;
let view: CatalogView;
let policiesOf: (principal: Principal) => Promise<Map<string, boolean>>;
beforeAll(async () => {
  generation = await demoGeneration();
  view = buildCatalogView(generation);
  const { policies } = await loadConfigModule('gateway/meshgate.config.ts');
  policiesOf = (principal) => evaluatePolicies([...generation.prepared.policyNames], policies ?? {}, { principal, headers: {} });
});

describe('field access in plain words', () => {
  it.each<[string, string, boolean, string[], Principal]>([
    ['anonymous', 'Product.unitCost', false, ['needs the scope finance:read'], ANONYMOUS_CALLER],
    ['finance', 'Product.unitCost', true, [], caller(['finance:read'])],
    ['anonymous', 'Customer.email', false, ['needs authentication', 'needs the policy pii'], ANONYMOUS_CALLER],
    ['signed in, no role', 'Customer.email', false, ['needs the policy pii'], caller()],
    ['pii-reader', 'Customer.email', true, [], caller([], ['pii-reader'])],
    ['signed in', 'SupportTicket.subject', false, ['needs the scope support:read'], caller()],
    ['marketing budget', 'Campaign.budget', true, [], caller(['marketing:budget'])],
    ['anonymous', 'Campaign.budget', false, ['needs the scope finance:read, or the scope marketing:budget'], ANONYMOUS_CALLER],
    ['anonymous', 'Product.name', true, [], ANONYMOUS_CALLER],
  ])('%s reading %s: readable %p, missing %p', async (_who, coordinate, readable, missing, principal) => {
    const answers = fieldAccess(view, generation.prepared, { principal, policyResults: await policiesOf(principal) });
    expect(answers.find((a) => a.coordinate === coordinate)).toMatchObject({ coordinate, readable, missing });
  });

  it('says where each missing requirement sits', async () => {
    const [answer] = fieldAccess(view, generation.prepared, { principal: ANONYMOUS_CALLER, policyResults: new Map() }, 'customer-service').filter((a) => a.coordinate === 'Customer.email');
    expect(answer.details).toEqual([
      { requirement: 'needs authentication', because: 'type Customer' },
      { requirement: 'needs the policy pii', because: 'field Customer.email' },
    ]);
  });

  it('lists one product\'s fields when named, each shared key once when not', () => {
    const caller = { principal: ANONYMOUS_CALLER, policyResults: new Map() };
    const inventory = fieldAccess(view, generation.prepared, caller, 'inventory').map((a) => a.coordinate);
    const all = fieldAccess(view, generation.prepared, caller).map((a) => a.coordinate);
    expect(inventory).toContain('Product.unitCost');
    expect(inventory).not.toContain('Customer.email');
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((c) => c === 'Product.id')).toHaveLength(1);
  });

  it('refuses an unknown product, naming the ones there are', () => {
    expect(() => fieldAccess(view, generation.prepared, { principal: ANONYMOUS_CALLER, policyResults: new Map() }, 'nope')).toThrow(
      'product: no data product named "nope"; the catalog has customer-service, inventory, marketing',
    );
  });
});

describe('field access agrees with the gateway\'s authorizer', () => {
  it.each(PRINCIPALS)('for %s, on every field an operation can reach', async (_who, principal) => {
    const policyResults = await policiesOf(principal);
    const answers = fieldAccess(view, generation.prepared, { principal, policyResults });
    const readable = new Map(answers.map((a) => [a.coordinate, a.readable]));
    const satisfied = generation.prepared.index.satisfiedSet(principal, policyResults);
    let compared = 0;
    for (const answer of answers) {
      const query = operationReaching(generation, answer.coordinate, (c) => readable.get(c) === true);
      if (!query) continue;
      const document = parse(query);
      expect(validate(generation.prepared.apiSchema, document)).toEqual([]);
      const { denied } = authorizeOperation(generation.prepared.apiSchema, generation.prepared.index, document, undefined, satisfied.isSatisfied);
      // The path to it is readable, so the gateway denies the field itself or nothing.
      expect({ query, denied: denied.map((d) => d.coordinate) }).toEqual({ query, denied: answer.readable ? [] : [answer.coordinate] });
      // explainOperation, through the catalog, says the same of the whole operation.
      const explained = operationAccess(generation.prepared, { principal, policyResults }, query, undefined, BOUNDS);
      expect(explained).toMatchObject({ readable: answer.readable, errors: [] });
      expect(explained.denied.map((d) => [d.coordinate, d.missing])).toEqual(answer.readable ? [] : [[answer.coordinate, answer.missing]]);
      compared += 1;
    }
    // Every field of the demo is reachable through readable fields for a caller holding everything.
    expect(compared).toBeGreaterThanOrEqual(principal.scopes.length > 3 ? answers.length : 20);
  });
});

describe('operation access', () => {
  const explain = (query: string, operationName?: string) => operationAccess(generation.prepared, { principal: ANONYMOUS_CALLER, policyResults: new Map() }, query, operationName, BOUNDS);

  it('lists each denied field with its path and why', () => {
    expect(explain('{ products(limit: 1) { id unitCost tickets { id } } }')).toEqual({
      readable: false,
      errors: [],
      denied: [
        { path: ['products', '@', 'unitCost'], coordinate: 'Product.unitCost', missing: ['needs the scope finance:read'], details: [{ requirement: 'needs the scope finance:read', because: 'field Product.unitCost' }] },
        { path: ['products', '@', 'tickets'], coordinate: 'Product.tickets', missing: ['needs the scope support:read'], details: [{ requirement: 'needs the scope support:read', because: 'returned type SupportTicket' }] },
      ],
    });
  });

  it.each<[string, string, string | undefined, RegExp]>([
    ['a syntax error', '{ products { id ', undefined, /^Syntax Error/],
    ['an unknown field, without suggestions', '{ product { nam } }', undefined, /^Cannot query field "nam" on type "Product"\.$/],
    ['no such operation', 'query A { categories }', 'B', /^Unknown operation named "B"\.$/],
    ['too deep', `{ products { ${'stockLevels { product { '.repeat(11)}id${' } }'.repeat(11)} } }`, undefined, /^Operation depth \d+ exceeds the limit of 20$/],
    ['too many aliases', `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: categories`).join(' ')} }`, undefined, /^Operation alias count 11 .* exceeds the limit of 10$/],
    ['too many tokens', `{ ${'categories '.repeat(DEFAULT_PARSE_OPTIONS.maxTokens)} }`, undefined, /lexical tokens/],
  ])('refuses to judge %s, saying why', (_name, query, operationName, message) => {
    const answer = explain(query, operationName);
    expect(answer.readable).toBe(false);
    expect(answer.denied).toEqual([]);
    expect(answer.errors).toEqual([expect.stringMatching(message)]);
    expect(answer.errors[0]).not.toMatch(/Did you mean/);
  });
});

describe('the catalog\'s operation limits', () => {
  it.each([
    ['the gateway\'s defaults', DEFAULT_OPERATION_LIMITS, { ...DEFAULT_OPERATION_LIMITS, maxAliases: 10, maxRootFields: 15 }],
    ['stricter gateway limits stay', { ...DEFAULT_OPERATION_LIMITS, maxAliases: 2, maxDepth: 5 }, { ...DEFAULT_OPERATION_LIMITS, maxAliases: 2, maxDepth: 5, maxRootFields: 15 }],
    ['a limit the gateway turned off is still capped', { ...DEFAULT_OPERATION_LIMITS, maxAliases: 0, maxRootFields: 0 }, { ...DEFAULT_OPERATION_LIMITS, maxAliases: 10, maxRootFields: 15 }],
  ])('%s', (_name, gateway, expected) => {
    expect(catalogLimits(gateway)).toEqual(expected);
  });
});

/**
 * An operation selecting `coordinate` through fields `readable` says yes to (the root field's
 * own verdict included), shortest first; undefined when there is none.
 */
function operationReaching(generation: CatalogGeneration, coordinate: string, readable: (coordinate: string) => boolean): string | undefined {
  const schema = generation.prepared.apiSchema;
  const [typeName, fieldName] = coordinate.split('.');
  const selectionOf = (type: GraphQLObjectType, name: string) => {
    const field = type.getFields()[name];
    const args = argumentsOf(field.args);
    if (args === undefined) return undefined;
    return `${name}${args}${isLeafType(getNamedType(field.type)) ? '' : ' { __typename }'}`;
  };
  for (const [root, keyword] of [[schema.getQueryType(), 'query'], [schema.getMutationType(), 'mutation']] as const) {
    if (!root) continue;
    if (typeName === root.name) {
      const selection = selectionOf(root, fieldName);
      return selection && `${keyword} { ${selection} }`;
    }
  }
  // Breadth first from the roots over readable object fields: each entry is the text around the hole.
  const queue: { type: GraphQLObjectType; wrap: (inner: string) => string }[] = [];
  const seen = new Set<string>();
  for (const [root, keyword] of [[schema.getQueryType(), 'query'], [schema.getMutationType(), 'mutation']] as const) {
    if (root) queue.push({ type: root, wrap: (inner) => `${keyword} { ${inner} }` });
    if (root) seen.add(root.name);
  }
  while (queue.length) {
    const { type, wrap } = queue.shift()!;
    for (const field of Object.values(type.getFields())) {
      const next = getNamedType(field.type);
      const args = argumentsOf(field.args);
      if (!isObjectType(next) || args === undefined || !readable(`${type.name}.${field.name}`)) continue;
      const nested = (inner: string) => wrap(`${field.name}${args} { ${inner} }`);
      if (next.name === typeName) {
        const selection = selectionOf(next, fieldName);
        return selection && nested(selection);
      }
      if (!seen.has(next.name)) {
        seen.add(next.name);
        queue.push({ type: next, wrap: nested });
      }
    }
  }
  return undefined;
}

/** Literal values for required arguments (`""` when none); undefined when one cannot be written simply. */
function argumentsOf(args: readonly GraphQLArgument[]): string | undefined {
  const required = args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const values: string[] = [];
  for (const arg of required) {
    const value = literal(arg.type);
    if (value === undefined) return undefined;
    values.push(`${arg.name}: ${value}`);
  }
  return values.length ? `(${values.join(', ')})` : '';
}

function literal(type: GraphQLInputType): string | undefined {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return '[]';
  if (isEnumType(inner)) return inner.getValues()[0]?.name;
  if (isInputObjectType(inner)) return undefined;
  switch (inner.name) {
    case 'ID':
    case 'String':
      return '"1"';
    case 'Int':
      return '1';
    case 'Float':
      return '1.5';
    case 'Boolean':
      return 'true';
    default:
      return undefined;
  }
}
