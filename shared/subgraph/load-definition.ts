import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DataProductDefinition } from './data-product.js';

/** Where a data product written with the kit exports its definition. */
export function definitionModulePath(dir: string): string {
  return join(resolve(dir), 'src', 'server.ts');
}

/** A value `defineDataProduct` returned (told apart by shape: the module may export other things too). */
export function isDataProductDefinition(value: unknown): value is DataProductDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof DataProductDefinition, unknown>>;
  return typeof v.name === 'string' && typeof v.dir === 'string' && typeof v.migrationsDir === 'string' && typeof v.start === 'function' && typeof v.seed === 'function';
}

/**
 * Imports the data product in `dir` (its `src/server.ts`) and returns the definition it exports.
 * Throws, naming the file, when it has none, several, or one of another name: the folder, the
 * descriptor and the definition must agree on the name.
 */
export async function loadDataProductDefinition(dir: string): Promise<DataProductDefinition> {
  const path = definitionModulePath(dir);
  if (!existsSync(path)) throw new Error(`${resolve(dir)} has no ${join('src', 'server.ts')}: expected the module that exports its defineDataProduct(...)`);
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const found = Object.entries(module).filter(([, value]) => isDataProductDefinition(value)) as [string, DataProductDefinition][];
  if (found.length !== 1) {
    throw new Error(`${path}: expected exactly one exported defineDataProduct(...), got ${found.length ? found.map(([name]) => name).join(', ') : 'none'}`);
  }
  const [[exportName, definition]] = found;
  if (definition.name !== basename(resolve(dir))) {
    throw new Error(`${path}: export ${exportName}: expected the data product "${basename(resolve(dir))}", the name of its folder, got "${definition.name}"`);
  }
  return definition;
}
