import { stringify } from 'yaml';
import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import { compose } from '../../src/checks/compose.js';
import { DEFAULT_LINT_CONFIG, type LintConfig } from '../../src/checks/lint-config.js';
import { runChecks } from '../../src/checks/run-checks.js';
import { parse, Source } from 'graphql';
import type { CheckReport, CheckResult, ClientUsage, Severity, SubgraphInput } from '../../src/checks/types.js';

/** The @link header of subgraphs/inventory/schema.graphql, with every SECURITY directive imported. */
export const HEADER = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
`;

/** The changed subgraph in most tables: owns Product. */
export const PRODUCTS_SDL = `${HEADER}
type Query {
  "One product by id."
  product(id: ID!): Product
  "Products in id order, at most \`limit\`."
  products(limit: Int = 20, category: Category): [Product!]!
}

"A sellable item."
type Product @key(fields: "id") {
  "Stable id."
  id: ID!
  "Display name."
  name: String!
  "List price in EUR."
  price: Float!
  "What one unit costs us, in EUR."
  cost: Float @requiresScopes(scopes: [["finance:read"]])
  "Where the shop lists it."
  category: Category!
}

"A shelf of the shop."
enum Category {
  BOOKS
  GAMES
}
`;

/** The other subgraph: extends Product with reviews, one field of which is personal data. */
export const REVIEWS_SDL = `${HEADER}
type Query {
  "The latest reviews, newest first."
  latestReviews: [Review!]!
}

"What a customer thought of a product."
type Review {
  "Stable id."
  id: ID!
  "1 to 5."
  stars: Int!
  "Who wrote it."
  authorEmail: String @authenticated
}

type Product @key(fields: "id") {
  id: ID!
  "Reviews of this product, newest first."
  reviews: [Review!]!
}
`;

export function descriptorOf(name: string, overrides: Partial<DataProductDescriptor> = {}): DataProductDescriptor {
  const base: DataProductDescriptor = {
    apiVersion: 'meshgate.dev/v1',
    kind: 'DataProduct',
    name,
    domain: name === 'products' ? 'Catalogue' : 'Reviews',
    description: `The ${name} data product.`,
    lifecycle: 'active',
    owner: { team: `${name} team`, contact: `${name}@meshgate.example`, channel: `#${name}-data` },
    purpose: 'Tests read it.',
    consumers: ['tests'],
    slo: { availability: 99.9, latencyP99Ms: 150, freshnessSeconds: 60 },
    entities:
      name === 'products'
        ? [{ type: 'Product', keys: ['id'], description: 'A sellable item.' }]
        : [{ type: 'Review', keys: [], description: 'One review.' }],
    classification:
      name === 'products'
        ? [{ field: 'Product.cost', level: 'confidential', categories: ['financial'], reason: 'Our margin.' }]
        : [{ field: 'Review.authorEmail', level: 'internal', categories: ['pii'], reason: 'Identifies a person.' }],
  };
  return { ...base, ...overrides };
}

export function subgraph(name: string, sdl: string, descriptor = descriptorOf(name)): SubgraphInput {
  return { name, url: `http://${name}.invalid/graphql`, sdl, descriptor };
}

export const CURRENT: SubgraphInput[] = [subgraph('products', PRODUCTS_SDL), subgraph('reviews', REVIEWS_SDL)];

const composedCache = new Map<string, string>();

/** The supergraph composed from `subgraphs`, as the registry would serve it (cached: tables reuse a few meshes). */
export function served(subgraphs: readonly SubgraphInput[] = CURRENT): string {
  const key = JSON.stringify(subgraphs.map((s) => [s.name, s.url, s.sdl]));
  const cached = composedCache.get(key);
  if (cached) return cached;
  const composition = compose(subgraphs.map((s) => ({ name: s.name, url: s.url, document: parse(new Source(s.sdl, s.name)) })));
  if (!composition.supergraphSdl) throw new Error(`fixture does not compose: ${composition.results.map((r) => r.message).join('; ')}`);
  composedCache.set(key, composition.supergraphSdl);
  return composition.supergraphSdl;
}

export const TODAY = '2026-12-01';

export interface UsageStub {
  usage: (coordinates: string[], sinceDay: string) => Promise<Map<string, ClientUsage[]>>;
  calls: { coordinates: string[]; sinceDay: string }[];
}

/** Usage as the registry's store would answer it: only the coordinates asked for that have records. */
export function usageOf(records: Record<string, ClientUsage[]> = {}): UsageStub {
  const calls: UsageStub['calls'] = [];
  return {
    calls,
    usage: async (coordinates, sinceDay) => {
      calls.push({ coordinates: [...coordinates].sort(), sinceDay });
      return new Map(coordinates.filter((c) => records[c]).map((c) => [c, records[c]]));
    },
  };
}

/** Every coordinate asked for was used by WEB: breaking results keep their severity. */
export function everythingUsed(): UsageStub {
  const calls: UsageStub['calls'] = [];
  return {
    calls,
    usage: async (coordinates, sinceDay) => {
      calls.push({ coordinates: [...coordinates].sort(), sinceDay });
      return new Map(coordinates.map((c) => [c, [WEB]]));
    },
  };
}

export const WEB: ClientUsage = { client: 'web', version: '1.4.0', count: 40, lastSeen: '2026-11-30' };

export interface PublishOptions {
  name?: string;
  sdl?: string;
  descriptor?: DataProductDescriptor | string;
  current?: SubgraphInput[];
  servedSdl?: string | null;
  usage?: UsageStub;
  lint?: Partial<LintConfig>;
  force?: boolean;
  usageWindowDays?: number;
}

/** Publishes a candidate (default: products, unchanged) over CURRENT, served = CURRENT composed. */
export function publish(options: PublishOptions = {}): Promise<CheckReport> {
  const name = options.name ?? 'products';
  const current = options.current ?? CURRENT;
  const descriptor = options.descriptor ?? descriptorOf(name);
  return runChecks({
    change: {
      kind: 'publish',
      candidate: {
        name,
        url: `http://${name}.invalid/graphql`,
        sdl: options.sdl ?? current.find((s) => s.name === name)?.sdl ?? PRODUCTS_SDL,
        descriptorText: typeof descriptor === 'string' ? descriptor : stringify(descriptor),
      },
    },
    current,
    servedSupergraphSdl: options.servedSdl === null ? undefined : (options.servedSdl ?? served(current)),
    usage: (options.usage ?? usageOf()).usage,
    options: { usageWindowDays: options.usageWindowDays ?? 30, lint: { ...DEFAULT_LINT_CONFIG, ...options.lint }, force: options.force, today: TODAY },
  });
}

/** `PRODUCTS_SDL` with each `[from, to]` replaced once; throws when `from` is not there, so a table row cannot silently test nothing. */
export function edit(sdl: string, ...edits: [string, string][]): string {
  return edits.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`fixture edit: ${JSON.stringify(from)} is not in the SDL`);
    return text.replace(from, to);
  }, sdl);
}

export interface Expected {
  severity: Severity;
  rule: string;
  coordinates: string[];
}

/** What a table row compares: severity, rule and coordinates of each result of the rules in question. */
export function projected(report: CheckReport, rules: string | readonly string[]): Expected[] {
  const wanted = typeof rules === 'string' ? [rules] : rules;
  return report.results.filter((r) => wanted.includes(r.rule)).map(({ severity, rule, coordinates }) => ({ severity, rule, coordinates }));
}

export function only(report: CheckReport, rule: string): CheckResult[] {
  return report.results.filter((r) => r.rule === rule);
}
