import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';

/** A data product's descriptor, as the source knows it: the gateway checks classification against it. */
export interface SubgraphDescriptor {
  /** The subgraph's name in the supergraph. */
  readonly name: string;
  readonly descriptor: DataProductDescriptor;
}

/** One supergraph a source hands over. */
export interface SupergraphUpdate {
  readonly sdl: string;
  /**
   * The descriptors of its subgraphs, when the source has them (compose, registry): classified
   * fields must then carry an authorization directive. A source without them (a file) leaves that
   * check to where the supergraph was composed.
   */
  readonly descriptors?: readonly SubgraphDescriptor[];
}

/**
 * Called with each new supergraph, one at a time (a source never calls it again before the previous
 * call settled). It resolves once the supergraph serves, and rejects when it was refused: the
 * current one then keeps serving.
 */
export type OnSupergraph = (update: SupergraphUpdate) => Promise<void>;

export interface SupergraphSubscription {
  /**
   * Settles with the first supergraph: resolves once it was applied, rejects when none could be
   * had (or the first was refused), with an error that says why.
   */
  readonly initial: Promise<void>;
  /** Stops watching (timers, in-flight fetches); no call of `onUpdate` starts after it. */
  stop(): Promise<void>;
}

/**
 * Where the supergraph comes from, as a subscription (like Apollo's SupergraphManager): a file read
 * once, the data product folders composed once, or the registry polled for each new composition.
 */
export interface SupergraphSource {
  /** `file`, `compose` or `registry`: what `/ready` names (never a path or a URL). */
  readonly kind: string;
  /** Where exactly, for the operator's log. */
  readonly description: string;
  subscribe(onUpdate: OnSupergraph): SupergraphSubscription;
}

export class SupergraphError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}\n  - ${problems.join('\n  - ')}` : message);
    this.name = 'SupergraphError';
  }
}

/** A source that produces its supergraph once, at subscription (file, compose). */
export function loadOnce(kind: string, description: string, load: () => Promise<SupergraphUpdate>): SupergraphSource {
  return {
    kind,
    description,
    subscribe(onUpdate) {
      const initial = load().then(onUpdate);
      // Nothing to stop: the one load is awaited by whoever awaits `initial`.
      return { initial, stop: async () => undefined };
    },
  };
}
