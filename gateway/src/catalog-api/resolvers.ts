/**
 * The catalog API's resolvers: thin, each concern in its own file (products, search, access,
 * history, development tokens, promises through `PromiseSource`). Everything about the supergraph
 * is read from the request's generation, through its catalog view.
 */
import type { TelemetryHooks } from '../telemetry/plugins.js';
import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';
import type { Principal } from '../../../shared/principal.js';
import type { PolicyResults } from '../governance/requirements.js';
import { fieldAccess, operationAccess, type OperationBounds } from './access.js';
import { catalogViewOf, type CatalogGeneration } from './catalog-view.js';
import type { DevelopmentTokens } from './development-tokens.js';
import { badInput, unauthenticated } from './errors.js';
import type { HistorySource } from './history.js';
import { searchCatalog } from './search.js';
import type { CatalogProduct, CatalogView, MeasurementPoint, MeasurementWindow, PromiseSource } from './types.js';

export const typeDefs: DocumentNode = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** One catalog request: the caller, and the generation it took when it arrived. */
export interface CatalogContext {
  readonly principal: Principal;
  readonly generation: CatalogGeneration;
  /** The supergraph's policies decided for this caller, evaluated on first use and once per request. */
  readonly policyResults: () => Promise<PolicyResults>;
  /** Said in the response's `extensions.notes` (why a list is empty). */
  readonly notes: string[];
  /** The request's telemetry (telemetry/plugins.ts): the answer's error count for its access-log line. */
  readonly telemetry?: TelemetryHooks;
}

export interface CatalogResolverDependencies {
  history: HistorySource;
  tokens: DevelopmentTokens;
  /** Absent until the gateway measures promises: `promises` and `measurements` then answer empty, with a note. */
  promises?: PromiseSource;
  /** How an operation given to explainOperation is bounded (the gateway's parse options and limits). */
  bounds: OperationBounds;
}

const NO_PROMISES_NOTE = 'This gateway does not measure promises: there is nothing to compare them with';
const EMPTY_OWNER = Object.freeze({ team: '', contact: '', channel: '' });
const EMPTY_SLO = Object.freeze({ availability: 0, latencyP99Ms: 0, freshnessSeconds: 0 });

export function createCatalogResolvers(deps: CatalogResolverDependencies) {
  const view = (context: CatalogContext): CatalogView => catalogViewOf(context.generation);
  const known = (context: CatalogContext, name: string): CatalogProduct => {
    const product = view(context).byName.get(name);
    if (!product) throw badInput(`product: no data product named "${name.slice(0, 100)}"; the catalog has ${view(context).products.map((p) => p.name).join(', ') || 'none'}`);
    return product;
  };
  const caller = async (context: CatalogContext) => ({ principal: context.principal, policyResults: await context.policyResults() });
  const measured = (context: CatalogContext, what: string, product: string) => {
    if (!context.principal.authenticated) throw unauthenticated(what);
    known(context, product);
    if (!deps.promises) context.notes.push(NO_PROMISES_NOTE);
    return deps.promises;
  };

  return {
    Window: { HOUR: 'hour', DAY: 'day', WEEK: 'week' } satisfies Record<string, MeasurementWindow>,
    Query: {
      products: (_: unknown, __: unknown, context: CatalogContext) => view(context).products,
      product: (_: unknown, { name }: { name: string }, context: CatalogContext) => view(context).byName.get(name) ?? null,
      search: (_: unknown, { text, limit }: { text: string; limit: number }, context: CatalogContext) => searchCatalog(view(context), text, limit),
      viewer: async (_: unknown, __: unknown, context: CatalogContext) => {
        const { principal, policyResults } = await caller(context);
        return {
          authenticated: principal.authenticated,
          subject: principal.subject ?? null,
          scopes: principal.scopes,
          policies: [...policyResults].filter(([, granted]) => granted).map(([name]) => name),
        };
      },
      access: async (_: unknown, { product }: { product?: string | null }, context: CatalogContext) =>
        fieldAccess(view(context), context.generation.prepared, await caller(context), product),
      explainOperation: async (_: unknown, { query, operationName }: { query: string; operationName?: string | null }, context: CatalogContext) =>
        operationAccess(context.generation.prepared, await caller(context), query, operationName, deps.bounds),
      history: async (_: unknown, { product, limit }: { product: string; limit: number }, context: CatalogContext) => {
        known(context, product);
        const answer = await deps.history.history(product, limit);
        if (answer.note) context.notes.push(answer.note);
        return answer.changes;
      },
      promises: async (_: unknown, { product }: { product: string }, context: CatalogContext) => (await measured(context, 'Promises', product)?.report(product)) ?? [],
      measurements: async (_: unknown, { product, window }: { product: string; window: MeasurementWindow }, context: CatalogContext) =>
        (await measured(context, 'Measurements', product)?.series(product, window)) ?? [],
      developmentTokens: () => deps.tokens.list(),
    },
    DataProduct: {
      domain: (p: CatalogProduct) => p.descriptor?.domain ?? p.name,
      description: (p: CatalogProduct) => p.descriptor?.description ?? '',
      lifecycle: (p: CatalogProduct) => p.descriptor?.lifecycle ?? 'experimental',
      owner: (p: CatalogProduct) => p.descriptor?.owner ?? EMPTY_OWNER,
      purpose: (p: CatalogProduct) => p.descriptor?.purpose ?? '',
      consumers: (p: CatalogProduct) => p.descriptor?.consumers ?? [],
      promises: (p: CatalogProduct) => p.descriptor?.slo ?? EMPTY_SLO,
      entities: (p: CatalogProduct) => p.descriptor?.entities ?? [],
    },
    MeasurementPoint: {
      start: (point: MeasurementPoint) => (typeof point.start === 'number' ? new Date(point.start).toISOString() : point.start),
    },
  };
}
