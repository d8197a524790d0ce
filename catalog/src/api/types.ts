/**
 * The catalog API's types (gateway/src/catalog-api/schema.graphql), as the documents in
 * documents.ts select them. Kept to what the pages read.
 */

export interface Owner {
  team: string;
  contact: string;
  channel: string;
}

export interface Slo {
  availability: number;
  latencyP99Ms: number;
  freshnessSeconds: number;
}

export interface Entity {
  type: string;
  keys: string[];
  description: string;
}

export interface Classification {
  level: string;
  categories: string[];
  reason: string;
}

export interface ProductField {
  coordinate: string;
  name: string;
  type: string;
  description: string | null;
  deprecated: boolean;
  deprecationReason: string | null;
  classification: Classification | null;
  /** Plain words ("needs the scope finance:read"); null when public. */
  requirement: string | null;
}

export interface ProductType {
  name: string;
  kind: string;
  description: string | null;
  fields: ProductField[];
  /** An enum's values; empty for other kinds. */
  values: string[];
}

export interface Example {
  title: string;
  query: string;
  variables: string | null;
  /** What an anonymous caller lacks to read all of it; null when anyone may. */
  requirement: string | null;
}

export interface ProductSummary {
  name: string;
  domain: string;
  description: string;
  lifecycle: string;
  owner: Owner;
}

export interface DataProduct extends ProductSummary {
  purpose: string;
  consumers: string[];
  promises: Slo;
  entities: Entity[];
  types: ProductType[];
  examples: Example[];
  /** False when the supergraph came without descriptors: owner, purpose and promises are then empty. */
  described: boolean;
}

export interface SearchHit {
  kind: string;
  product: string;
  coordinate: string;
  description: string | null;
}

export interface Viewer {
  authenticated: boolean;
  subject: string | null;
  scopes: string[];
  /** The supergraph's @policy names that are true for this caller. */
  policies: string[];
}

export interface FieldAccess {
  coordinate: string;
  readable: boolean;
  /** Plain-words reasons, one per requirement the caller does not meet. */
  missing: string[];
}

export interface SchemaChange {
  version: number;
  action: string;
  publishedAt: string;
  publisher: string;
  label: string | null;
  summary: string[];
}

export type PromiseWindow = 'hour' | 'day' | 'week' | 'now';

export interface PromiseRow {
  property: string;
  promised: number | null;
  measured: number | null;
  window: string;
  met: boolean | null;
  samples: number;
}

export type Window = 'HOUR' | 'DAY' | 'WEEK';

export interface MeasurementPoint {
  start: string;
  requests: number;
  errors: number;
  timeouts: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface DevelopmentToken {
  name: string;
  description: string;
  token: string;
}
