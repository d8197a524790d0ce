import type { SupergraphConfig } from '../config.js';
import { composeFromContracts } from './compose-source.js';
import { supergraphFromFile } from './file-source.js';
import type { SupergraphSource } from './source.js';

export function supergraphSource(config: SupergraphConfig): SupergraphSource {
  switch (config.kind) {
    case 'compose':
      return composeFromContracts(config.subgraphs);
    case 'file':
      return supergraphFromFile(config.path);
    default: {
      const unreachable: never = config;
      throw new Error(`Unknown supergraph source ${JSON.stringify(unreachable)}`);
    }
  }
}
