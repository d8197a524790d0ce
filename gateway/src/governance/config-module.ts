import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MaskingRules } from './masking.js';
import type { PolicyRegistry } from './policies.js';

/**
 * What an operator writes in the gateway's configuration module (TypeScript, default
 * `gateway/meshgate.config.ts`): code, because policies are decisions, not data.
 */
export interface MeshgateConfigModule {
  /** One function per `@policy` name used in the supergraph. Default: none. */
  policies?: PolicyRegistry;
  /** Masked values instead of null for denied classified fields. Default: none (spec behaviour). */
  masking?: MaskingRules;
}

/** Identity helper that gives a configuration module its types. */
export function defineConfig(config: MeshgateConfigModule): MeshgateConfigModule {
  return config;
}

/** Loads the configuration module at `path`; its default export (or the module) is the config. */
export async function loadConfigModule(path: string): Promise<MeshgateConfigModule> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new Error(`MESHGATE_CONFIG: no configuration module at ${absolute}`);
  const loaded = (await import(pathToFileURL(absolute).href)) as { default?: MeshgateConfigModule } & MeshgateConfigModule;
  const config = loaded.default ?? loaded;
  if (config.policies !== undefined && (typeof config.policies !== 'object' || config.policies === null)) {
    throw new Error(`${absolute}: "policies" must be an object of policy name -> function`);
  }
  for (const [name, fn] of Object.entries(config.policies ?? {})) {
    if (typeof fn !== 'function') throw new Error(`${absolute}: policy "${name}" must be a function, got ${typeof fn}`);
  }
  return { policies: config.policies ?? {}, masking: config.masking ?? {} };
}
