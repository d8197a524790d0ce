import type { Logger } from '../../../shared/logging.js';
import type { SupergraphConfig } from './supergraph-config.js';
import { composeFromFolders } from './compose-source.js';
import { supergraphFromFile } from './file-source.js';
import { supergraphFromRegistry } from './registry-source.js';
import type { SupergraphSource } from './source.js';

/** The source the configuration names; `urlOf` gives the routing URL overrides composition records. */
export function supergraphSource(config: SupergraphConfig, deps: { logger: Logger; urlOf: (name: string) => string | undefined }): SupergraphSource {
  switch (config.kind) {
    case 'compose':
      return composeFromFolders({ ...(config.folders ? { folders: config.folders } : {}), urlOf: deps.urlOf });
    case 'file':
      return supergraphFromFile(config.path);
    case 'registry':
      return supergraphFromRegistry({ ...config.registry, pollIntervalMs: config.pollIntervalMs, startupTimeoutMs: config.startupTimeoutMs, logger: deps.logger });
    default: {
      const unreachable: never = config;
      throw new Error(`Unknown supergraph source ${JSON.stringify(unreachable)}`);
    }
  }
}
