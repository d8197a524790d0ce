import type { Logger } from '../../../shared/logging.js';
import type { SupergraphUpdate } from '../supergraph/source.js';
import { supergraphId } from './generation.js';

/** What the manager needs of a generation: an id and a way to release it. */
export interface ManagedGeneration {
  readonly id: string;
  close(): Promise<void>;
}

/** One request's hold on a generation: it stays open until every lease on it is released. */
export interface Lease<G> {
  readonly generation: G;
  /** Idempotent. */
  release(): void;
}

/** What `/ready` says about the supergraph: no URL, no path. */
export interface SupergraphStatus {
  /** The serving generation's id. */
  id: string;
  /** `file`, `compose` or `registry`. */
  source: string;
  /** The last supergraph refused since start-up (the current one kept serving). */
  lastError?: { id?: string; at: string; reason: string };
}

export interface GenerationManagerOptions<G> {
  /** Prepares a generation; rejects (with every reason) when the supergraph must not serve. */
  build: (update: SupergraphUpdate) => Promise<G>;
  /** The source's kind, for `/ready`. */
  source: string;
  logger: Logger;
  /** Milliseconds since the epoch. Default Date.now. */
  clock?: () => number;
  /** Told of each supergraph applied (the first included; an unchanged one is not): it serves now, or it was refused. Default none. */
  onApplied?: (outcome: 'served' | 'refused') => void;
}

/**
 * Holds the current generation and swaps in new ones whole. A new supergraph is prepared beside the
 * serving one; only a generation that was built (every start-up check passed) replaces it, in one
 * assignment, so a request sees either the old generation or the new, never a mix. Requests lease
 * the current one for their whole life; a replaced generation is closed once its last lease ends.
 */
export class GenerationManager<G extends ManagedGeneration> {
  #current: G | undefined;
  #lastError: SupergraphStatus['lastError'];
  #descriptorsKey = '';
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;
  readonly #leases = new Map<G, number>();
  readonly #retired = new Set<G>();
  readonly #closing = new Set<Promise<void>>();
  readonly #closed = new WeakSet<G>();
  readonly #options: GenerationManagerOptions<G>;
  readonly #clock: () => number;

  constructor(options: GenerationManagerOptions<G>) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** The serving generation (undefined before the first one). */
  get current(): G | undefined {
    return this.#current;
  }

  /**
   * Prepares `update` and swaps it in. Updates are applied one at a time, in order. Resolves once it
   * serves (or when it is the supergraph already serving); rejects when it was refused, after
   * recording why for `/ready`: the current generation keeps serving.
   */
  apply(update: SupergraphUpdate): Promise<void> {
    const run = this.#queue.then(() => this.#apply(update));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(update: SupergraphUpdate): Promise<void> {
    if (this.#stopped) return;
    const { logger } = this.#options;
    const id = supergraphId(update.sdl);
    const descriptorsKey = JSON.stringify(update.descriptors ?? null);
    if (this.#current?.id === id && descriptorsKey === this.#descriptorsKey) {
      logger.debug({ id }, 'supergraph unchanged: the current generation keeps serving');
      return;
    }
    const started = performance.now();
    let next: G;
    try {
      next = await this.#options.build(update);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#lastError = { id, at: new Date(this.#clock()).toISOString(), reason: publicReason(message) };
      logger.error({ id, current: this.#current?.id, reason: message }, this.#current ? 'supergraph refused: the current generation keeps serving' : 'supergraph refused');
      this.#options.onApplied?.('refused');
      throw error;
    }
    if (this.#stopped) {
      await next.close();
      return;
    }
    const previous = this.#current;
    this.#current = next;
    this.#descriptorsKey = descriptorsKey;
    this.#options.onApplied?.('served');
    const prepareMs = Math.round(performance.now() - started);
    if (previous) {
      logger.info({ from: previous.id, to: next.id, prepareMs }, 'supergraph swapped');
      this.#retire(previous);
    } else {
      logger.info({ to: next.id, prepareMs }, 'supergraph loaded');
    }
  }

  /** Leases the current generation for one request. Throws before the first generation. */
  acquire(): Lease<G> {
    const generation = this.#current;
    if (!generation) throw new Error('GenerationManager: no generation serves yet (the first supergraph has not been applied)');
    this.#leases.set(generation, (this.#leases.get(generation) ?? 0) + 1);
    let released = false;
    return {
      generation,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#leases.get(generation) ?? 1) - 1;
        if (left > 0) {
          this.#leases.set(generation, left);
          return;
        }
        this.#leases.delete(generation);
        if (this.#retired.has(generation)) this.#close(generation);
      },
    };
  }

  /** Requests holding `generation` now (for tests and metrics). */
  inFlight(generation: G): number {
    return this.#leases.get(generation) ?? 0;
  }

  status(): SupergraphStatus | undefined {
    if (!this.#current) return undefined;
    return { id: this.#current.id, source: this.#options.source, ...(this.#lastError ? { lastError: this.#lastError } : {}) };
  }

  /** Closes every generation, leased or not: the HTTP server has drained before this is called. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#queue;
    const open = [...this.#retired, ...(this.#current ? [this.#current] : [])];
    this.#current = undefined;
    for (const generation of open) this.#close(generation);
    await Promise.all(this.#closing);
  }

  #retire(generation: G): void {
    this.#retired.add(generation);
    if (!this.#leases.has(generation)) this.#close(generation);
  }

  #close(generation: G): void {
    this.#retired.delete(generation);
    if (this.#closed.has(generation)) return;
    this.#closed.add(generation);
    const closing = generation
      .close()
      .catch((error: unknown) => this.#options.logger.warn({ err: error, id: generation.id }, 'a replaced generation did not close cleanly'))
      .finally(() => this.#closing.delete(closing));
    this.#closing.add(closing);
  }
}

/**
 * A refusal's reason as `/ready` shows it: URLs and absolute file paths are replaced (by `<url>` and
 * the file's name), since readiness is seen by more eyes than the log; bounded to 2000 characters.
 */
export function publicReason(message: string): string {
  return message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]*[^\s"'<>().,;:]/gi, '<url>')
    .replace(/(^|[\s"'(=:])\/(?:[^\s"'():/]+\/)+([^\s"'():/]+)/g, '$1$2')
    .slice(0, 2000);
}
