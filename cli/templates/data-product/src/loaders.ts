import DataLoader from 'dataloader';
import { alignMany, alignOne } from '{{repo}}/shared/subgraph/batch.js';
import type { {{Name}}RecordRow, {{Name}}Store } from './store.js';

/**
 * Per-request DataLoaders: every entity reference and nested list of one GraphQL request is
 * collected per tick and fetched with one SQL statement per batch.
 */
export function createLoaders(store: {{Name}}Store) {
  const loaders = {
    recordById: new DataLoader<number, {{Name}}RecordRow | null>(async (ids) => alignOne(ids, await store.recordsByIds(ids), (r) => r.id)),
    recordsByProductId: new DataLoader<number, {{Name}}RecordRow[]>(async (ids) =>
      alignMany(ids, await store.recordsByProductIds(ids), (r) => r.productId),
    ),
    /** Records fetched by a list query are cached for the references that follow. */
    primeRecords(records: readonly {{Name}}RecordRow[]): void {
      for (const record of records) loaders.recordById.prime(record.id, record);
    },
    /** After a new record, later fields of the same request must see it in its product's list. */
    recordAdded(record: {{Name}}RecordRow): void {
      loaders.recordById.prime(record.id, record);
      loaders.recordsByProductId.clear(record.productId);
    },
  };
  return loaders;
}

export type {{Name}}Loaders = ReturnType<typeof createLoaders>;
