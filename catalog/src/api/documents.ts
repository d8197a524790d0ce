import { gql } from './graphql';
import type {
  DataProduct,
  DevelopmentToken,
  FieldAccess,
  MeasurementPoint,
  ProductSummary,
  PromiseRow,
  SchemaChange,
  SearchHit,
  Viewer,
  Window,
} from './types';

/** Every query the catalog sends, each typed with what it selects. */

export const PRODUCTS = gql<{ products: ProductSummary[] }>(`query CatalogProducts {
  products { name domain description lifecycle owner { team contact channel } }
}`);

export const SEARCH = gql<{ search: SearchHit[] }, { text: string; limit: number }>(`query CatalogSearch($text: String!, $limit: Int) {
  search(text: $text, limit: $limit) { kind product coordinate description }
}`);

export const PRODUCT = gql<{ product: DataProduct | null }, { name: string }>(`query CatalogProduct($name: String!) {
  product(name: $name) {
    name domain description lifecycle purpose consumers described
    owner { team contact channel }
    promises { availability latencyP99Ms freshnessSeconds }
    entities { type keys description }
    types {
      name kind description values
      fields {
        coordinate name type description deprecated deprecationReason requirement
        classification { level categories reason }
      }
    }
    examples { title query variables requirement }
  }
}`);

export const ACCESS = gql<{ viewer: Viewer; access: FieldAccess[] }, { product: string }>(`query CatalogAccess($product: String) {
  viewer { authenticated subject scopes policies }
  access(product: $product) { coordinate readable missing }
}`);

export const VIEWER = gql<{ viewer: Viewer }>(`query CatalogViewer {
  viewer { authenticated subject scopes policies }
}`);

export const HISTORY = gql<{ history: SchemaChange[] }, { product: string; limit: number }>(`query CatalogHistory($product: String!, $limit: Int) {
  history(product: $product, limit: $limit) { version action publishedAt publisher label summary }
}`);

export const PROMISES = gql<{ promises: PromiseRow[] }, { product: string }>(`query CatalogPromises($product: String!) {
  promises(product: $product) { property promised measured window met samples }
}`);

export const MEASUREMENTS = gql<{ measurements: MeasurementPoint[] }, { product: string; window: Window }>(`query CatalogMeasurements($product: String!, $window: Window!) {
  measurements(product: $product, window: $window) { start requests errors timeouts p50Ms p99Ms }
}`);

export const DEVELOPMENT_TOKENS = gql<{ developmentTokens: DevelopmentToken[] }>(`query CatalogDevelopmentTokens {
  developmentTokens { name description token }
}`);
