import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  checkDataProduct,
  checkDescriptorAgainstSchema,
  DESCRIPTOR_SCHEMA_URL,
  LIFECYCLE_ORDER,
  loadDescriptor,
  sensitiveFields,
  type ClassificationLevel,
  type DataCategory,
  type DataProductDescriptor,
} from './descriptor.js';
import { listDataProductFolders } from './folders.js';

function validDescriptor(): DataProductDescriptor {
  return {
    apiVersion: 'meshgate.dev/v1',
    kind: 'DataProduct',
    name: 'shop',
    domain: 'Shop',
    description: 'Orders and the products they contain.',
    owner: { team: 'Shop Team', contact: 'shop-team@meshgate.example', channel: '#shop-data' },
    purpose: 'Finance reads order totals.',
    consumers: ['finance'],
    slo: { availability: 99.9, latencyP99Ms: 150, freshnessSeconds: 0 },
    entities: [
      { type: 'Order', keys: ['id', 'number'], description: 'One order.' },
      { type: 'OrderLine', keys: [], description: 'One line of an order, reached through Order.lines.' },
    ],
    classification: [
      { field: 'Order.total', level: 'confidential', categories: ['financial'], reason: 'Revenue.' },
      { field: 'Order.email', level: 'internal', categories: ['pii'], reason: 'Identifies a person.' },
      { field: 'Order.status', level: 'internal', categories: ['operational'], reason: 'Queue state.' },
      { field: 'Customer.orders', level: 'restricted', categories: ['commercial'], reason: 'Purchase history.' },
    ],
  };
}

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { orders: [Order!]! }
  type Order @key(fields: "id") @key(fields: "number") {
    id: ID!
    number: String!
    total: Float!
    email: String!
    status: String!
    lines: [OrderLine!]!
  }
  type OrderLine { quantity: Int! }
  extend type Customer @key(fields: "id") { id: ID! orders: [Order!]! }
`;

const HAND_WRITTEN = `apiVersion: meshgate.dev/v1
kind: DataProduct
name: shop
domain: Shop
description: >-
  Orders and the products
  they contain.
owner:
  team: Shop Team
  contact: shop-team@meshgate.example
  channel: "#shop-data"
purpose: Finance reads order totals.
consumers: [finance, "customer service"]
slo:
  availability: 99.95       # percent, per 30 days
  latencyP99Ms: 150         # subgraph p99 latency for a typical query
  freshnessSeconds: 60      # how old the served data may be (0 = read-your-writes)
entities:
  - type: Order
    keys: ["id"]
    description: One order.
classification:              # every field that is not plainly public
  - field: Order.total
    level: confidential      # one of: public, internal, confidential, restricted
    categories: [financial]
    reason: Revenue.
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-descriptor-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileNumber = 0;
async function writeDescriptor(text: string): Promise<string> {
  const path = join(dir, `dataproduct-${++fileNumber}.yaml`);
  await writeFile(path, text);
  return path;
}

/** The validation message for `text`, or null when it loads. */
async function loadError(text: string): Promise<string | null> {
  const path = await writeDescriptor(text);
  try {
    await loadDescriptor(path);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    // Every message names the file it is about.
    expect(message).toContain(path);
    return message;
  }
}

/** A descriptor as loose data, so a test can break it in ways the type forbids. */
// `any`: the tests write malformed shapes on purpose, which no precise type admits.
type Loose = Record<string, any>;

function broken(change: (d: Loose) => void): string {
  const descriptor: Loose = validDescriptor();
  change(descriptor);
  return stringify(descriptor);
}

describe('loadDescriptor', () => {
  it.each<[string, string]>([
    ['the full example', stringify(validDescriptor())],
    ['no classified fields', broken((d) => void (d.classification = []))],
    ['an availability of exactly 100', broken((d) => void (d.slo.availability = 100))],
    ['the documented layout, with comments, folded text and flow lists', HAND_WRITTEN],
  ])('accepts %s', async (_name, text) => {
    expect(await loadError(text)).toBeNull();
  });

  it('returns the descriptor as written', async () => {
    const descriptor = await loadDescriptor(await writeDescriptor(stringify(validDescriptor())));
    expect(descriptor).toEqual(validDescriptor());
  });

  it.each<[string, string, string]>([
    ['missing owner', broken((d) => delete d.owner), '$.owner: expected required key "owner", got nothing'],
    ['missing owner contact', broken((d) => delete d.owner.contact), '$.owner.contact: expected required key "contact", got nothing'],
    ['bad email', broken((d) => void (d.owner.contact = 'shop-team')), '$.owner.contact: expected an email address, e.g. "inventory-data@meshgate.example", got "shop-team"'],
    [
      'unknown level',
      broken((d) => void (d.classification[1].level = 'secret')),
      '$.classification[1].level: expected one of "public", "internal", "confidential", "restricted", got "secret"',
    ],
    [
      'unknown category',
      broken((d) => void (d.classification[0].categories = ['financial', 'gossip'])),
      '$.classification[0].categories[1]: expected one of "pii", "financial", "commercial", "operational", got "gossip"',
    ],
    ['extra top-level key', broken((d) => void (d.owners = 'x')), '$.owners: expected only the keys apiVersion, kind, name,'],
    ['extra nested key', broken((d) => void (d.slo.uptime = 1)), '$.slo.uptime: expected only the keys availability, latencyP99Ms, freshnessSeconds here, got unknown key "uptime"'],
    ['availability 120', broken((d) => void (d.slo.availability = 120)), '$.slo.availability: expected a number <= 100, got 120'],
    ['availability 0', broken((d) => void (d.slo.availability = 0)), '$.slo.availability: expected a number > 0, got 0'],
    ['fractional latency', broken((d) => void (d.slo.latencyP99Ms = 1.5)), '$.slo.latencyP99Ms: expected a whole number, got 1.5'],
    ['negative freshness', broken((d) => void (d.slo.freshnessSeconds = -1)), '$.slo.freshnessSeconds: expected a number >= 0, got -1'],
    [
      'bad field name',
      broken((d) => void (d.classification[0].field = 'order.total')),
      '$.classification[0].field: expected a schema coordinate "Type.field", e.g. "Product.unitCost", got "order.total"',
    ],
    ['field name without a field', broken((d) => void (d.classification[0].field = 'Order')), '$.classification[0].field: expected a schema coordinate'],
    ['wrong apiVersion', broken((d) => void (d.apiVersion = 'meshgate.dev/v2')), '$.apiVersion: expected "meshgate.dev/v1", got "meshgate.dev/v2"'],
    ['wrong kind', broken((d) => void (d.kind = 'Subgraph')), '$.kind: expected "DataProduct", got "Subgraph"'],
    ['name not in lower case', broken((d) => void (d.name = 'Shop')), '$.name: expected a subgraph name in lower case'],
    ['lower-case type name', broken((d) => void (d.entities[0].type = 'order')), '$.entities[0].type: expected a GraphQL type name'],
    ['no consumers', broken((d) => void (d.consumers = [])), '$.consumers: expected at least 1 item, got []'],
    ['no categories', broken((d) => void (d.classification[0].categories = [])), '$.classification[0].categories: expected at least 1 item, got []'],
    ['empty reason', broken((d) => void (d.classification[2].reason = '')), '$.classification[2].reason: expected a non-empty string, got ""'],
    ['a list where a mapping belongs', broken((d) => void (d.slo = [99.9])), '$.slo: expected a mapping (key: value), got [99.9]'],
    [
      'a field classified twice',
      broken((d) => d.classification.push({ ...d.classification[0], level: 'restricted' })),
      '$.classification[4].field: expected each field classified once, got "Order.total" again (first at $.classification[0].field)',
    ],
    ['an entity listed twice', broken((d) => d.entities.push(d.entities[0])), '$.entities[2].type: expected each type listed once, got "Order" again'],
    [
      'an unquoted chat channel (YAML reads # as a comment)',
      stringify(validDescriptor()).replace('channel: "#shop-data"', 'channel: #shop-data'),
      '$.owner.channel: expected a string, got null (an empty value; in YAML an unquoted # starts a comment)',
    ],
    ['a chat channel without #', broken((d) => void (d.owner.channel = 'shop-data')), '$.owner.channel: expected a chat channel'],
    ['not YAML', 'name: [unclosed', '$: expected valid YAML, got'],
    ['an empty file', '', '$: expected a mapping (key: value), got null'],
  ])('rejects %s', async (_name, text, expected) => {
    expect(await loadError(text)).toContain(expected);
  });

  it('lists every problem of a file in one error', async () => {
    const message = await loadError(
      broken((d) => {
        delete d.owner;
        d.slo.availability = 120;
        d.classification[0].level = 'secret';
      }),
    );
    expect(message).toMatch(/^Invalid data product descriptor .*dataproduct-\d+\.yaml:\n/);
    expect(message?.split('\n').filter((line) => line.startsWith('  - '))).toEqual([
      '  - $.owner: expected required key "owner", got nothing',
      '  - $.slo.availability: expected a number <= 100, got 120',
      '  - $.classification[0].level: expected one of "public", "internal", "confidential", "restricted", got "secret"',
    ]);
  });

  it('names the file it cannot read', async () => {
    const missing = join(dir, 'nowhere', 'dataproduct.yaml');
    await expect(loadDescriptor(missing)).rejects.toThrow(`Cannot read data product descriptor ${missing}`);
  });
});

describe('checkDescriptorAgainstSchema', () => {
  it.each<[string, (d: DataProductDescriptor) => void, string]>([
    ['the example as written', () => {}, SDL],
    ['a field declared by `extend type`', (d) => void (d.classification = [{ ...d.classification[3], field: 'Customer.id' }]), SDL],
    ['a key written with other spacing', (d) => void (d.entities[0].keys = [' id ']), SDL],
    [
      'a composite key and the unimported @federation__key',
      (d) => {
        d.entities = [{ type: 'Stock', keys: ['warehouse { id }  sku'], description: 'x' }];
        d.classification = [];
      },
      'type Stock @federation__key(fields: "warehouse{id} sku") { sku: String! warehouse: Warehouse! } type Warehouse { id: ID! }',
    ],
  ])('finds no problem with %s', (_name, change, sdl) => {
    const descriptor = validDescriptor();
    change(descriptor);
    expect(checkDescriptorAgainstSchema(descriptor, sdl, 'shop')).toEqual([]);
  });

  it.each<[string, (d: DataProductDescriptor) => void, string, string]>([
    [
      'classified field missing from the SDL',
      (d) => void (d.classification[0].field = 'Order.totl'),
      'shop',
      '$.classification[0].field: expected a field of Order in schema.graphql (id, number, total, email, status, lines), got "Order.totl"',
    ],
    [
      'classified field of a type missing from the SDL',
      (d) => void (d.classification[0].field = 'Invoice.total'),
      'shop',
      '$.classification[0].field: expected type Invoice to be declared in schema.graphql (type Invoice or extend type Invoice), got "Invoice.total"',
    ],
    [
      'entity without @key',
      (d) => void (d.entities[1].keys = ['id']),
      'shop',
      '$.entities[1].keys[0]: expected @key(fields: "id") on type OrderLine in schema.graphql (it has no @key), got "id"',
    ],
    [
      'entity without the listed @key',
      (d) => void (d.entities[0].keys = ['id', 'sku']),
      'shop',
      '$.entities[0].keys[1]: expected @key(fields: "sku") on type Order in schema.graphql (it has @key(fields: "id"), @key(fields: "number")), got "sku"',
    ],
    [
      'entity type missing from the SDL',
      (d) => void (d.entities[0].type = 'Basket'),
      'shop',
      '$.entities[0].type: expected a type declared in schema.graphql (type X or extend type X), got "Basket"',
    ],
    [
      'name mismatch',
      () => {},
      'orders',
      '$.name: expected "orders", the name this subgraph is published under, got "shop"',
    ],
  ])('reports %s', (_name, change, registeredName, expected) => {
    const descriptor = validDescriptor();
    change(descriptor);
    expect(checkDescriptorAgainstSchema(descriptor, SDL, registeredName)).toEqual([expected]);
  });

  it('reports an SDL that does not parse', () => {
    expect(checkDescriptorAgainstSchema(validDescriptor(), 'type Order {', 'shop')).toEqual([
      expect.stringMatching(/^schema\.graphql: expected valid GraphQL SDL, got Syntax Error/),
    ]);
  });
});

describe('sensitiveFields', () => {
  it.each<[ClassificationLevel, DataCategory[], boolean]>([
    ['public', ['commercial'], false],
    ['internal', ['operational', 'commercial'], false],
    ['internal', ['financial'], false],
    ['confidential', ['financial'], true],
    ['restricted', ['commercial'], true],
    ['public', ['pii'], true],
    ['internal', ['operational', 'pii'], true],
  ])('level %s with categories %j is sensitive: %s', (level, categories, sensitive) => {
    const descriptor = { ...validDescriptor(), classification: [{ field: 'Order.total', level, categories, reason: 'r' }] };
    expect(sensitiveFields(descriptor)).toEqual(sensitive ? ['Order.total'] : []);
  });

  it('keeps descriptor order', () => {
    expect(sensitiveFields(validDescriptor())).toEqual(['Order.total', 'Order.email', 'Customer.orders']);
  });
});

describe('descriptor-schema.json and the DataProductDescriptor type', () => {
  // Record<union, true> fails to compile when the type gains or loses a member; the runtime
  // comparison fails when the schema does. Together they keep the two in step.
  const topLevelKeys: Record<keyof DataProductDescriptor, true> = {
    apiVersion: true, kind: true, name: true, domain: true, description: true, lifecycle: true, routingUrl: true,
    owner: true, purpose: true, consumers: true, slo: true, entities: true, classification: true,
  };
  // Optional in the type (`?:`) and absent from the schema's `required`.
  const optionalKeys = ['lifecycle', 'routingUrl'];
  const levels: Record<ClassificationLevel, true> = { public: true, internal: true, confidential: true, restricted: true };
  const categories: Record<DataCategory, true> = { pii: true, financial: true, commercial: true, operational: true };

  it('agree on keys and enums', async () => {
    const schema = JSON.parse(await readFile(DESCRIPTOR_SCHEMA_URL, 'utf8'));
    const classified = schema.properties.classification.items.properties;
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(topLevelKeys).sort());
    expect(schema.required.sort()).toEqual(Object.keys(topLevelKeys).filter((k) => !optionalKeys.includes(k)).sort());
    expect(schema.properties.lifecycle.enum).toEqual([...LIFECYCLE_ORDER]);
    expect(classified.level.enum).toEqual(Object.keys(levels));
    expect(classified.categories.items.enum).toEqual(Object.keys(categories));
  });

  it('describes every property', async () => {
    const undocumented: string[] = [];
    const visit = (node: Loose, path: string): void => {
      for (const [key, child] of Object.entries<Loose>(node.properties ?? {})) {
        if (typeof child.description !== 'string' || child.description.length === 0) undocumented.push(`${path}.${key}`);
        visit(child, `${path}.${key}`);
      }
      if (node.items) visit(node.items, `${path}[]`);
    };
    visit(JSON.parse(await readFile(DESCRIPTOR_SCHEMA_URL, 'utf8')), '$');
    expect(undocumented).toEqual([]);
  });
});

// Every folder under subgraphs/, found as the stack finds them: a new data product is checked here without editing this file.
const folders = await listDataProductFolders();

describe.each(folders.map((folder) => [folder.name, folder] as const))('the real descriptor of subgraphs/%s', (_name, folder) => {
  it('is valid and consistent with its schema.graphql', async () => {
    expect(await checkDataProduct(folder.dir)).toEqual([]);
  });
});

it('finds the demo data products', () => {
  expect(folders.map((f) => f.name)).toEqual(expect.arrayContaining(['customer-service', 'inventory', 'marketing']));
});
