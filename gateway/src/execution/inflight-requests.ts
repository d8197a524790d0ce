import { Kind, type DocumentNode } from 'graphql';

/**
 * Merges identical requests that are in flight at the same time: the first runs, the others
 * wait for its outcome. Nothing is kept once it has settled: this is not a cache, only the
 * answer to "the same question, asked again before the first answer came back".
 *
 * A waiter may bring an AbortSignal: when it aborts, that waiter alone is rejected with the
 * signal's reason; the send itself is aborted (through the signal `send` receives) only once
 * EVERY waiter has gone, so one caller leaving never fails the others.
 */
export class InflightRequests<T> {
  private readonly pending = new Map<string, Flight<T>>();
  readonly stats = { sent: 0, shared: 0 };
  private readonly onShared: (() => void) | undefined;

  /** `onShared` hears each call that joined a flight already running (metrics count them). */
  constructor(options: { onShared?: () => void } = {}) {
    this.onShared = options.onShared;
  }

  run(key: string, send: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let flight = this.pending.get(key);
    if (flight) {
      this.stats.shared++;
      this.onShared?.();
    } else {
      this.stats.sent++;
      const controller = new AbortController();
      const started: Flight<T> = { promise: send(controller.signal), controller, waiters: 0, abandoned: 0 };
      started.promise.then(
        () => this.forget(key, started),
        () => this.forget(key, started),
      );
      this.pending.set(key, started);
      flight = started;
    }
    flight.waiters++;
    return signal ? this.waitFor(key, flight, signal) : flight.promise;
  }

  private waitFor(key: string, flight: Flight<T>, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        flight.abandoned++;
        if (flight.abandoned === flight.waiters) {
          // Nobody is left to hear the answer: stop the send, and let the next asker start afresh.
          this.forget(key, flight);
          flight.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
  }

  private forget(key: string, flight: Flight<T>): void {
    if (this.pending.get(key) === flight) this.pending.delete(key);
  }
}

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
  abandoned: number;
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
