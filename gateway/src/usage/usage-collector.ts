import type { DocumentNode, GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { usedCoordinates } from './coordinates.js';

/** One generation's view of usage: which coordinates an operation uses on its API schema. */
export interface UsageCollector {
  /** The coordinates of the validated operation `queryHash` names; computed once per operation. */
  coordinatesOf(queryHash: string, document: DocumentNode): readonly string[];
}

/**
 * Owned by a generation: a coordinate exists on one API schema, so the cache dies with it. Bounded
 * by the coordinates it holds (a typical operation has tens), not by operations alone.
 */
export function createUsageCollector(apiSchema: GraphQLSchema, options: { maxCoordinates?: number } = {}): UsageCollector {
  const cache = new LRUCache<string, readonly string[]>({ maxSize: options.maxCoordinates ?? 100_000, sizeCalculation: (list) => Math.max(1, list.length) });
  return {
    coordinatesOf(queryHash, document) {
      let found = cache.get(queryHash);
      if (!found) {
        found = Object.freeze(usedCoordinates(apiSchema, document));
        cache.set(queryHash, found);
      }
      return found;
    },
  };
}
