/**
 * The catalog API's public seams: what it asks of the promise monitor (PROMISES builds
 * gateway/src/promises/promise-monitor.ts against `PromiseSource`), and the view it builds of one
 * generation. The GraphQL shapes are schema.graphql's; these are the values its resolvers return.
 */
import type { DataProductDescriptor, FieldClassification } from '../../../shared/dataproduct/descriptor.js';

/** A measurement window, as the promise monitor names it. */
export type MeasurementWindow = 'hour' | 'day' | 'week';

/** One promise of a data product next to what was measured (C4's `evaluate-promises.ts` row). */
export interface PromiseRow {
  readonly property: 'availability' | 'latencyP99Ms' | 'freshnessSeconds' | 'latencyP50Ms' | 'errorRate';
  /** What the descriptor promises; null when it promises nothing for this property. */
  readonly promised: number | null;
  /** What was measured; null when there is not enough data. */
  readonly measured: number | null;
  readonly window: MeasurementWindow | 'now';
  /** null: not enough data, or nothing promised. */
  readonly met: boolean | null;
  readonly samples: number;
}

/** One bucket of a product's subgraph fetches, for the chart. */
export interface MeasurementPoint {
  /** Start of the bucket: an ISO-8601 string, or milliseconds since the epoch (the API answers ISO). */
  readonly start: string | number;
  readonly requests: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/**
 * Where measured promises come from. `product` is the data product's (subgraph's) name; a product
 * the source does not know answers an empty list. Either may answer synchronously.
 */
export interface PromiseSource {
  report(product: string): readonly PromiseRow[] | Promise<readonly PromiseRow[]>;
  series(product: string, window: MeasurementWindow): readonly MeasurementPoint[] | Promise<readonly MeasurementPoint[]>;
}

/** A field (or input field) of a product's type, as the catalog shows it. */
export interface CatalogField {
  /** `Type.field`. */
  readonly coordinate: string;
  readonly name: string;
  /** The GraphQL type as written, e.g. `[Product!]!`. */
  readonly type: string;
  readonly description: string | null;
  readonly deprecated: boolean;
  readonly deprecationReason: string | null;
  readonly classification: FieldClassification | null;
  /** Every requirement in plain words ("needs the scope finance:read"); null when anyone may read it. */
  readonly requirement: string | null;
  /** Whether authorization applies (fields of object and interface types; not input fields). */
  readonly authorized: boolean;
}

export interface CatalogType {
  readonly name: string;
  /** OBJECT, INTERFACE, UNION, ENUM, INPUT_OBJECT or SCALAR. */
  readonly kind: string;
  readonly description: string | null;
  readonly fields: readonly CatalogField[];
  /** Enum values; empty for other kinds. */
  readonly values: readonly string[];
}

export interface CatalogExample {
  readonly title: string;
  readonly query: string;
  /** JSON text, or null when the operation takes none. */
  readonly variables: string | null;
  /** What an anonymous caller lacks to read all of it, in plain words; null when anyone may. */
  readonly requirement: string | null;
}

/** One data product as the serving generation knows it. */
export interface CatalogProduct {
  readonly name: string;
  /** False when the supergraph came without descriptors (a supergraph file): the descriptive fields are then placeholders. */
  readonly described: boolean;
  readonly descriptor: DataProductDescriptor | null;
  /** The types this product's own subgraph defines or extends, as served (API schema). */
  readonly types: readonly CatalogType[];
  readonly examples: readonly CatalogExample[];
}

/** Everything the catalog serves of one generation, built once, on first use (catalog-view.ts). */
export interface CatalogView {
  readonly generationId: string;
  readonly products: readonly CatalogProduct[];
  readonly byName: ReadonlyMap<string, CatalogProduct>;
}
