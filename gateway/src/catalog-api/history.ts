/**
 * A data product's version history, from the registry the gateway reads its supergraph from, each
 * version with a summary of what changed (history-summary.ts). Versions never change once stored,
 * so the answer is cached by (product, newest version, limit): a repeat costs one small registry
 * call (the newest version alone) and no diff. A gateway whose supergraph does not come from a
 * registry has no history to show: it answers an empty list and says why.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../../shared/logging.js';
import { createRegistryClient, RegistryError, type RegistryClient } from '../../../registry/src/client.js';
import type { RegistryEndpoint } from '../supergraph/supergraph-config.js';
import { checkLimit } from './errors.js';
import { summarizeVersion } from './history-summary.js';

export const MAX_HISTORY = 50;
/** A catalog page waits this long for the registry at most. */
const REGISTRY_TIMEOUT_MS = 5000;

export interface SchemaChange {
  readonly version: number;
  readonly action: string;
  readonly publishedAt: string;
  readonly publisher: string;
  readonly label: string | null;
  readonly summary: readonly string[];
}

export interface HistoryAnswer {
  readonly changes: readonly SchemaChange[];
  /** Why the list is empty when it is for a reason other than "never published" (no registry, registry down). */
  readonly note?: string;
}

export interface HistorySource {
  history(product: string, limit: number): Promise<HistoryAnswer>;
}

export interface HistoryOptions {
  /** The registry the gateway reads supergraphs from; absent when its source is something else. */
  registry?: RegistryEndpoint;
  /** The gateway's supergraph source kind (`compose`, `file`, `registry`), for the note. */
  sourceKind: string;
  logger: Logger;
  /** Default: a client of `registry` with the gateway's own token (registry:read). */
  client?: Pick<RegistryClient, 'history'>;
  /** Answers kept. Default 200. */
  cacheSize?: number;
}

export function createHistorySource(options: HistoryOptions): HistorySource {
  const { registry, logger } = options;
  if (!registry && !options.client) {
    const note = `The gateway reads its supergraph from ${options.sourceKind === 'file' ? 'a file' : `its ${options.sourceKind} source`}, not from a schema registry: there is no version history to show`;
    return { history: async () => ({ changes: [], note }) };
  }
  const client = options.client ?? createRegistryClient({ url: registry!.url, token: registry!.token, timeoutMs: REGISTRY_TIMEOUT_MS });
  // Promises, so concurrent requests for the same history share one computation; a failed one is dropped.
  const answers = new LRUCache<string, Promise<SchemaChange[]>>({ max: options.cacheSize ?? 200 });
  const summaries = new LRUCache<string, Promise<string[]>>({ max: (options.cacheSize ?? 200) * 10 });

  const compute = async (product: string, limit: number): Promise<SchemaChange[]> => {
    // One more than shown: the oldest shown is compared with the version before it.
    const versions = await client.history(product, limit + 1);
    return Promise.all(
      versions.slice(0, limit).map(async (version, i) => {
        const key = `${product}\u0000${version.version}`;
        let summary = summaries.get(key);
        if (!summary) {
          summary = summarizeVersion(version, versions[i + 1]);
          summaries.set(key, summary);
          summary.catch(() => summaries.delete(key));
        }
        return { version: version.version, action: version.action, publishedAt: version.publishedAt, publisher: version.publisher, label: version.label ?? null, summary: await summary };
      }),
    );
  };

  return {
    async history(product, limit) {
      checkLimit(limit, MAX_HISTORY);
      try {
        const [newest] = await client.history(product, 1);
        if (!newest) return { changes: [] };
        const key = `${product}\u0000${newest.version}\u0000${limit}`;
        let answer = answers.get(key);
        if (!answer) {
          answer = compute(product, limit);
          answers.set(key, answer);
          answer.catch(() => answers.delete(key));
        }
        return { changes: await answer };
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        // The registry's message names its URL: the operator's log has it, the client gets the code.
        logger.warn({ err: error, product }, 'the registry did not answer a catalog history request');
        return { changes: [], note: `The schema registry did not answer (${error.code}): the history is not available right now` };
      }
    },
  };
}
