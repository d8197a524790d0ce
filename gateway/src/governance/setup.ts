import { dirname, join } from 'node:path';
import type { GatewayConfig } from '../config.js';
import type { PreparedSupergraph } from '../supergraph/security-features.js';
import { SupergraphError } from '../supergraph/source.js';
import { loadClassifiedDataProduct, unguardedSensitiveFields } from './classification.js';
import { loadConfigModule, type MeshgateConfigModule } from './config-module.js';
import { undecidedPolicies } from './policies.js';

export interface GovernanceSetup {
  config: Required<MeshgateConfigModule>;
  /** Every coordinate a domain descriptor classifies (audit reports those served). */
  classified: ReadonlySet<string>;
}

/**
 * The start-up checks that make governance impossible to forget: every policy the supergraph
 * names has a deciding function, and every field a domain classifies as sensitive carries an
 * authorization directive. Either failure stops the gateway with the names at fault.
 */
export async function checkGovernance(config: GatewayConfig, prepared: PreparedSupergraph): Promise<GovernanceSetup> {
  const module = (await loadConfigModule(config.configModulePath)) as Required<MeshgateConfigModule>;
  const undecided = undecidedPolicies(prepared.policyNames, module.policies);
  if (undecided.length > 0) {
    throw new SupergraphError(
      `The supergraph uses @policy names that no function in ${config.configModulePath} decides (add them to "policies")`,
      undecided.map((name) => `policy "${name}"`),
    );
  }
  const classified = new Set<string>();
  // Descriptors sit next to the contracts; a supergraph file carries neither, so its domains'
  // classification is checked where it was composed (`npm run compose`, CI).
  if (config.supergraph.kind === 'compose') {
    const products = await Promise.all(
      config.supergraph.subgraphs.map((s) => loadClassifiedDataProduct(s.name, join(dirname(s.schemaPath), 'dataproduct.yaml'), s.schemaPath)),
    );
    for (const p of products) for (const c of p.descriptor.classification) classified.add(c.field);
    const unguarded = unguardedSensitiveFields(products, (coordinate) => {
      const [type, field] = coordinate.split('.');
      return prepared.index.fieldRequirements(type, field).length > 0;
    });
    if (unguarded.length > 0) throw new SupergraphError('Classified fields without an authorization directive', unguarded);
  }
  return { config: module, classified };
}
