import { Kind, type DocumentNode } from 'graphql';

/**
 * Merges identical requests that are in flight at the same time: the first runs, the others
 * wait for its outcome. Nothing is kept once it has settled: this is not a cache, only the
 * answer to "the same question, asked again before the first answer came back".
 */
export class InflightRequests<T> {
  private readonly pending = new Map<string, Promise<T>>();
  readonly stats = { sent: 0, shared: 0 };

  run(key: string, send: () => Promise<T>): Promise<T> {
    const waiting = this.pending.get(key);
    if (waiting) {
      this.stats.shared++;
      return waiting;
    }
    this.stats.sent++;
    const started = send().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }
}

/**
 * The key under which two subgraph requests may share an answer: the exact body and every
 * header but the volatile ones, sorted so that header order does not matter. The caller's
 * identity is one of those headers (signed requests carry the principal), so two callers share
 * only if the subgraph would see them as the same caller.
 */
export function sharingKey(body: string, headers: Readonly<Record<string, string>>, volatile: ReadonlySet<string>): string {
  const kept = Object.keys(headers)
    .filter((name) => !volatile.has(name.toLowerCase()))
    .map((name) => [name.toLowerCase(), headers[name]])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // JSON makes the prefix self-delimiting: no header value can be mistaken for part of the body.
  return JSON.stringify(kept) + body;
}

/** A mutation is never shared: each one must run. Reads the parsed document when there is one. */
export function isMutation(query: string, document?: DocumentNode): boolean {
  if (document) {
    return document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation');
  }
  return /^\s*mutation\b/.test(query);
}
