import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import { unguardedSensitiveFields } from '../../../gateway/src/governance/classification.js';
import { prepareSupergraph, type PreparedSupergraph } from '../../../gateway/src/supergraph/security-features.js';
import { SupergraphError } from '../../../gateway/src/supergraph/source.js';
import { result, type CheckResult } from './types.js';

export interface DescribedSubgraph {
  name: string;
  descriptor: DataProductDescriptor;
}

export interface Governance {
  results: CheckResult[];
  /** The supergraph as the gateway would load it; absent when the gateway would refuse it. */
  prepared?: PreparedSupergraph;
}

/**
 * The gateway's own start-up checks, run before anything is served: the supergraph is prepared
 * by the very code the gateway uses (so a supergraph it would refuse fails here, with its reasons,
 * as `security-features`), and every field a descriptor classifies as sensitive must carry an
 * authorization directive in the composed supergraph (`classified-restricted`).
 */
export function checkGovernance(supergraphSdl: string, products: readonly DescribedSubgraph[]): Governance {
  let prepared: PreparedSupergraph;
  try {
    prepared = prepareSupergraph(supergraphSdl);
  } catch (error) {
    if (!(error instanceof SupergraphError)) throw error;
    return { results: [result('error', 'security-features', `the gateway would refuse this supergraph: ${error.message}`)] };
  }
  const isRestricted = (coordinate: string): boolean => {
    const [type, field] = coordinate.split('.');
    return prepared.index.fieldRequirements(type, field).length > 0;
  };
  // One field at a time, so that each problem keeps the coordinate it concerns.
  const results = products.flatMap(({ name, descriptor }) =>
    descriptor.classification.flatMap((classified) =>
      unguardedSensitiveFields([{ name, descriptor: { ...descriptor, classification: [classified] } }], isRestricted).map((problem) =>
        result('error', 'classified-restricted', problem, [classified.field], `classified ${classified.level} (${classified.categories.join(', ')}): ${classified.reason}`),
      ),
    ),
  );
  return { results, prepared };
}
