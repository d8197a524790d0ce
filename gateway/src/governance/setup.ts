import type { GatewayConfig } from '../config.js';
import type { PreparedSupergraph } from '../supergraph/security-features.js';
import { SupergraphError, type SubgraphDescriptor } from '../supergraph/source.js';
import { unguardedSensitiveFields } from './classification.js';
import { loadConfigModule, type MeshgateConfigModule } from './config-module.js';
import { undecidedPolicies } from './policies.js';

export interface GovernanceSetup {
  config: Required<MeshgateConfigModule>;
  /** Every coordinate a domain descriptor classifies (audit reports those served). */
  classified: ReadonlySet<string>;
}

/**
 * The checks that make governance impossible to forget, run on every supergraph before it serves:
 * every policy the supergraph names has a deciding function, and every field a domain classifies as
 * sensitive carries an authorization directive. Either failure refuses the supergraph, naming the
 * names at fault. `descriptors` come with the supergraph (compose, registry); a supergraph file
 * carries none, and its domains' classification is checked where it was composed (`npm run compose`, CI).
 */
export async function checkGovernance(
  config: Pick<GatewayConfig, 'configModulePath'>,
  prepared: PreparedSupergraph,
  descriptors: readonly SubgraphDescriptor[] = [],
): Promise<GovernanceSetup> {
  const module = (await loadConfigModule(config.configModulePath)) as Required<MeshgateConfigModule>;
  const undecided = undecidedPolicies(prepared.policyNames, module.policies);
  if (undecided.length > 0) {
    throw new SupergraphError(
      `The supergraph uses @policy names that no function in ${config.configModulePath} decides (add them to "policies")`,
      undecided.map((name) => `policy "${name}"`),
    );
  }
  const malformed = descriptors.filter(({ descriptor }) => !Array.isArray(descriptor.classification));
  if (malformed.length > 0) {
    throw new SupergraphError(
      'Data product descriptors without a classification list',
      malformed.map(({ name }) => `${name}: expected a descriptor with "classification" (a list), as dataproduct.yaml has`),
    );
  }
  const classified = new Set<string>();
  for (const { descriptor } of descriptors) for (const c of descriptor.classification) classified.add(c.field);
  const unguarded = unguardedSensitiveFields(
    descriptors.map(({ name, descriptor }) => ({ name, descriptor })),
    (coordinate) => {
      const [type, field] = coordinate.split('.');
      return prepared.index.fieldRequirements(type, field).length > 0;
    },
  );
  if (unguarded.length > 0) throw new SupergraphError('Classified fields without an authorization directive', unguarded);
  return { config: module, classified };
}
