import type { SubgraphVersion } from './api/types.js';
import type { StoredVersion } from './store.js';

/** A stored version as the API shows it; `current` is whether it is the version its subgraph has now. */
export function toApiVersion(stored: StoredVersion, current: boolean): SubgraphVersion {
  return { ...stored, current: current && stored.action !== 'remove' };
}
