import { envPrefixOf } from '../../../shared/dataproduct/folders.js';
import type { GatewayConfig } from '../config.js';
import { SupergraphError } from '../supergraph/source.js';

/**
 * The URL that replaces the supergraph's routing URL of subgraph `name`, if any: the program's
 * `subgraphUrls[name]`, else the environment's `<envPrefixOf(name)>URL` (e.g. INVENTORY_URL for
 * `inventory`). Asked when a generation is built, so it covers subgraphs the gateway was never told
 * of by name; a variable that is not an http(s) URL refuses that generation, naming the variable.
 */
export function routingUrlOverride(config: Pick<GatewayConfig, 'subgraphUrls' | 'subgraphUrlVariables'>, name: string): string | undefined {
  const explicit = config.subgraphUrls[name];
  if (explicit !== undefined) return explicit;
  const variable = `${envPrefixOf(name)}URL`;
  const value = config.subgraphUrlVariables[variable];
  if (value === undefined) return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new SupergraphError(`${variable}: expected a URL starting with http:// or https:// for subgraph "${name}" (got "${value}")`);
  }
  return value;
}
