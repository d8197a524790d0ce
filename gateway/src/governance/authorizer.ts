import { addTypeProbes } from './type-probe.js';
import { createHash } from 'node:crypto';
import { print, type DocumentNode } from 'graphql';
import type { PreparedSupergraph } from '../supergraph/security-features.js';
import { authorizeOperation, type DeniedSelection, type IsSatisfied } from './authorize-operation.js';

/** The operation to plan for one (operation, satisfied-requirement set). */
export interface AuthorizedOperation {
  /** The original document when `filtered` is false; `null` when everything was removed. */
  readonly document: DocumentNode | null;
  /** True when selections were removed: plan `query`, not the client's text. */
  readonly filtered: boolean;
  /** `print(document)` when filtered, else `null` (plan the client's own text). */
  readonly query: string | null;
  /** sha256 (hex) of `query` when filtered, else the caller's `queryHash`. */
  readonly queryHash: string | null;
  readonly denied: readonly DeniedSelection[];
  /** The filtered document asks abstract types for their concrete type (see type-probe.ts); shaping removes it. */
  readonly typeProbes: boolean;
}

export interface AuthorizerOptions {
  /** How many (operation, satisfied set) decisions to keep. Default 1000. */
  readonly maxEntries?: number;
  /** Told of each lookup: a cached decision (hit) or one computed (miss). Default none. */
  readonly onLookup?: (hit: boolean) => void;
}

export interface Authorizer {
  /**
   * The cached decision for (queryHash, operationName, satisfiedKey), computed on a miss. The
   * document must be the one `queryHash` identifies, already validated against the API schema.
   */
  authorize(
    document: DocumentNode,
    queryHash: string,
    operationName: string | null | undefined,
    satisfiedKey: string,
    isSatisfied: IsSatisfied,
  ): AuthorizedOperation;
  /** Number of cached decisions (for metrics and tests). */
  readonly size: number;
}

/**
 * The cached front of the authorization decision. Steady traffic repeats a few operations for a
 * few kinds of callers, so a hit costs one Map lookup (plus a re-insert that keeps it recent);
 * the decision itself is pure, so caching it by what it depends on is safe.
 */
export function createAuthorizer(prepared: PreparedSupergraph, options: AuthorizerOptions = {}): Authorizer {
  const maxEntries = options.maxEntries ?? 1000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new Error(`Authorizer maxEntries: expected a positive integer, but got ${String(maxEntries)}`);
  }
  const cache = new Map<string, AuthorizedOperation>();
  const onLookup = options.onLookup;
  return {
    authorize(document, queryHash, operationName, satisfiedKey, isSatisfied) {
      const key = `${queryHash}\u0000${operationName ?? ''}\u0000${satisfiedKey}`;
      const cached = cache.get(key);
      onLookup?.(cached !== undefined);
      if (cached) {
        // Least-recently-used order: a Map iterates in insertion order, so re-insert on a hit.
        cache.delete(key);
        cache.set(key, cached);
        return cached;
      }
      const result = authorizeOperation(prepared.apiSchema, prepared.index, document, operationName, isSatisfied);
      const filtered = result.denied.length > 0;
      const probes = filtered && result.document ? addTypeProbes(prepared.apiSchema, result.document) : { document: result.document, probed: false };
      const query = filtered && probes.document ? print(probes.document) : null;
      const decision: AuthorizedOperation = Object.freeze({
        document: probes.document,
        typeProbes: probes.probed,
        filtered,
        query,
        queryHash: query === null ? (filtered ? null : queryHash) : createHash('sha256').update(query).digest('hex'),
        denied: result.denied,
      });
      cache.set(key, decision);
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return decision;
    },
    get size() {
      return cache.size;
    },
  };
}
