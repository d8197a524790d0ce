import type { PersistedOperationsOptions } from '../pipeline/persisted-operations.js';
import { loadPersistedOperationManifest, type PersistedOperationManifest } from './manifest.js';
import type { PersistedOperationsConfig } from './persisted-config.js';

/**
 * Turns the configuration into the stage's options, reading and validating the manifest (a
 * ConfigError listing every problem stops start-up). The manifest is returned too, so start-up
 * can plan each of its operations before the first request asks for one.
 */
export async function preparePersistedOperations(
  config: PersistedOperationsConfig,
): Promise<{ options: PersistedOperationsOptions; manifest: PersistedOperationManifest | undefined }> {
  switch (config.safelist) {
    case 'off': {
      const manifest = config.manifestPath === undefined ? undefined : await loadPersistedOperationManifest(config.manifestPath);
      return { manifest, options: { safelist: 'off', manifest, apq: config.apq } };
    }
    case 'log':
    case 'enforce': {
      const manifest = await loadPersistedOperationManifest(config.manifestPath);
      return { manifest, options: { safelist: config.safelist, manifest, apq: false } };
    }
    default: {
      const unknown: never = config;
      throw new Error(`preparePersistedOperations: expected safelist off, log or enforce, got ${JSON.stringify(unknown)}`);
    }
  }
}
