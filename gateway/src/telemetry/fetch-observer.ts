import type { CircuitState } from '../execution/circuit-breaker.js';
import type { SubgraphFetchEvent } from '../execution/subgraph-client.js';

export type { SubgraphFetchEvent } from '../execution/subgraph-client.js';

/**
 * What hears every subgraph client's fetches, of every generation: built once per gateway (it
 * outlives generations, like the contract counts) and handed to each SubgraphClient. Every member
 * is optional, so a part that only counts fetches implements only `onFetch`.
 */
export interface SubgraphFetchObserver {
  /** Once per actual fetch (a shared fetch once), when it ends. */
  onFetch?(event: SubgraphFetchEvent): void;
  /** Once per call answered by joining a fetch to `subgraph` already in flight. */
  onShared?(subgraph: string): void;
  /** Every change of `subgraph`'s circuit breaker. */
  onCircuitChange?(subgraph: string, state: CircuitState): void;
}

/**
 * One observer telling each of `observers` in turn (absent ones skipped). A member none of them
 * has stays absent, so the client skips building the event at all.
 */
export function combineFetchObservers(...observers: readonly (SubgraphFetchObserver | undefined)[]): SubgraphFetchObserver {
  const present = observers.filter((o): o is SubgraphFetchObserver => o !== undefined);
  if (present.length === 1) return present[0];
  const fetches = present.filter((o) => o.onFetch);
  const shares = present.filter((o) => o.onShared);
  const circuits = present.filter((o) => o.onCircuitChange);
  return {
    ...(fetches.length
      ? {
          onFetch(event: SubgraphFetchEvent) {
            for (const o of fetches) o.onFetch!(event);
          },
        }
      : {}),
    ...(shares.length
      ? {
          onShared(subgraph: string) {
            for (const o of shares) o.onShared!(subgraph);
          },
        }
      : {}),
    ...(circuits.length
      ? {
          onCircuitChange(subgraph: string, state: CircuitState) {
            for (const o of circuits) o.onCircuitChange!(subgraph, state);
          },
        }
      : {}),
  };
}

/** The SubgraphClient options that tell `observer` about the subgraph `name`. */
export function fetchObserverOptions(
  name: string,
  observer: SubgraphFetchObserver | undefined,
): { onFetch?: (event: SubgraphFetchEvent) => void; onShared?: () => void; onCircuitChange?: (state: CircuitState) => void } {
  if (!observer) return {};
  const { onFetch, onShared, onCircuitChange } = observer;
  return {
    ...(onFetch ? { onFetch: (event: SubgraphFetchEvent) => onFetch.call(observer, event) } : {}),
    ...(onShared ? { onShared: () => onShared.call(observer, name) } : {}),
    ...(onCircuitChange ? { onCircuitChange: (state: CircuitState) => onCircuitChange.call(observer, name, state) } : {}),
  };
}
