/** The generations the catalog tests read: the repository's demo mesh, and a small one with what the demo lacks. */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import type { Principal } from '../../../shared/principal.js';
import type { CatalogGeneration } from '../../src/catalog-api/catalog-view.js';
import { supergraphId } from '../../src/generations/generation.js';
import { composeDataProducts } from '../../src/supergraph/compose-source.js';
import { prepareSupergraph, stripSupergraph } from '../../src/supergraph/security-features.js';
import type { SubgraphDescriptor } from '../../src/supergraph/source.js';

export function generationOf(sdl: string, descriptors: readonly SubgraphDescriptor[]): CatalogGeneration {
  return { id: supergraphId(sdl), prepared: prepareSupergraph(sdl), stripped: stripSupergraph(sdl), descriptors };
}

let demo: Promise<CatalogGeneration> | undefined;
/** The three demo data products, composed from subgraphs/ as the gateway's compose source does. */
export function demoGeneration(): Promise<CatalogGeneration> {
  demo ??= composeDataProducts().then((update) => generationOf(update.sdl, update.descriptors ?? []));
  return demo;
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes", "@policy", "@inaccessible"])';

export const SHOP_SDL = `${LINK}
type Query {
  "Every item, newest first."
  items(limit: Int = 20): [Item!]!
  secretItems: [Item!]! @inaccessible
}
"Something we sell."
type Item @key(fields: "id") {
  id: ID!
  "What it is called."
  title: String!
  oldTitle: String @deprecated(reason: "Use title")
  cost: Float @requiresScopes(scopes: [["finance:read"]])
  hidden: String @inaccessible
  kind: ItemKind!
}
enum ItemKind { BOOK GAME }
`;

export const REVIEWS_SDL = `${LINK}
type Item @key(fields: "id") {
  id: ID!
  "Reviews, newest first."
  reviews: [Review!] @authenticated
}
type Review {
  id: ID!
  body: String!
  author: String @policy(policies: [["pii"]])
}
`;

export function descriptor(name: string, overrides: Partial<DataProductDescriptor> = {}): DataProductDescriptor {
  return {
    apiVersion: 'meshgate.dev/v1',
    kind: 'DataProduct',
    name,
    domain: 'Shop',
    description: `The ${name} data product.`,
    lifecycle: 'active',
    owner: { team: 'Shop team', contact: 'shop@example.com', channel: '#shop' },
    purpose: 'Selling things.',
    consumers: ['web shop'],
    slo: { availability: 99.9, latencyP99Ms: 200, freshnessSeconds: 60 },
    entities: [{ type: 'Item', keys: ['id'], description: 'A thing we sell.' }],
    classification: [{ field: 'Item.cost', level: 'confidential', categories: ['financial'], reason: 'What it costs us.' }],
    ...overrides,
  };
}

let shopSdl: string | undefined;
/** The supergraph of a shop and its reviews. */
export function shopSupergraph(): string {
  if (!shopSdl) {
    const composed = composeServices([
      { name: 'shop', url: 'http://shop.invalid/graphql', typeDefs: parse(SHOP_SDL) },
      { name: 'reviews', url: 'http://reviews.invalid/graphql', typeDefs: parse(REVIEWS_SDL) },
    ]);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('; '));
    shopSdl = composed.supergraphSdl;
  }
  return shopSdl;
}

export const SHOP_DESCRIPTORS: readonly SubgraphDescriptor[] = [{ name: 'shop', descriptor: descriptor('shop') }];

let shop: CatalogGeneration | undefined;
/** A shop (described) and reviews (no descriptor: as from a supergraph file): deprecation, @inaccessible, an enum, a policy. */
export function shopGeneration(): CatalogGeneration {
  shop ??= generationOf(shopSupergraph(), SHOP_DESCRIPTORS);
  return shop;
}

export const ANONYMOUS_CALLER: Principal = { authenticated: false, scopes: [], claims: {} };
export function caller(scopes: string[] = [], roles: string[] = []): Principal {
  return { authenticated: true, subject: 'tester', scopes, claims: { sub: 'tester', ...(roles.length ? { roles } : {}) } };
}
