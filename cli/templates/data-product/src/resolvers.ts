import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { badInput, pageArgs, parseId, requireId } from '{{repo}}/shared/subgraph/arguments.js';
import { DateTime } from '{{repo}}/shared/subgraph/scalars.js';
import type { {{Name}}Loaders } from './loaders.js';
import type { {{Name}}RecordRow, {{Name}}Store } from './store.js';

export interface {{Name}}Context {
  loaders: {{Name}}Loaders;
  store: {{Name}}Store;
}

type Ctx = {{Name}}Context;

/** Products belong to inventory: {{name}} knows them by id alone. */
interface EntityKey {
  id: number;
}

/** Turns a representation's id into a key; an id that cannot name a row resolves to null. */
function entityKey(ref: { id: string }): EntityKey | null {
  const id = parseId(ref.id);
  return id === null ? null : { id };
}

export const MAX_TITLE_LENGTH = 200;

function requireTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_TITLE_LENGTH) {
    throw badInput(`title must be 1 to ${MAX_TITLE_LENGTH} characters after trimming, got ${trimmed.length}`, 'title');
  }
  return trimmed;
}

export const resolvers: GraphQLResolverMap<Ctx> = {
  DateTime,
  Query: {
    {{camelName}}Records: async (_: unknown, args: { limit?: number; offset?: number }, ctx: Ctx) => {
      const records = await ctx.store.listRecords(pageArgs(args.limit, args.offset));
      ctx.loaders.primeRecords(records);
      return records;
    },
    {{camelName}}Record: (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId(args.id);
      return id === null ? null : ctx.loaders.recordById.load(id);
    },
  },
  Mutation: {
    add{{Name}}Record: async (_: unknown, args: { productId: string; title: string; notes?: string | null }, ctx: Ctx) => {
      const productId = requireId(args.productId, 'productId');
      const record = await ctx.store.addRecord({ productId, title: requireTitle(args.title), notes: args.notes?.trim() || null });
      ctx.loaders.recordAdded(record);
      return record;
    },
  },
  {{Name}}Record: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => {
      const id = parseId(ref.id);
      return id === null ? null : ctx.loaders.recordById.load(id);
    },
    product: (record: {{Name}}RecordRow): EntityKey => ({ id: record.productId }),
  },
  // Inventory owns products: any well-formed id may name one, and one {{name}} has no rows
  // for simply has no records.
  Product: {
    __resolveReference: entityKey,
    {{camelName}}Records: (product: EntityKey, _: unknown, ctx: Ctx) => ctx.loaders.recordsByProductId.load(product.id),
  },
};
