import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { descriptorPath, loadDescriptor, type DataProductDescriptor } from './descriptor.js';

/**
 * Domains are data, not code: a data product is a folder holding `schema.graphql` and
 * `dataproduct.yaml`, and everything else about it (environment variables, database schema,
 * default port) follows from its name and descriptor. No list of domains exists anywhere.
 */
export interface DataProductFolder {
  /** The subgraph's name: the descriptor's `name`, which must equal the folder's. */
  readonly name: string;
  /** Absolute path of the folder. */
  readonly dir: string;
  readonly schemaPath: string;
  readonly descriptorPath: string;
  readonly descriptor: DataProductDescriptor;
  /** The descriptor's `routingUrl`, when it has one. */
  readonly routingUrl?: string;
  /** Prefix of the variables this data product's process reads, e.g. `CUSTOMER_SERVICE_`. */
  readonly envPrefix: string;
  /** PostgreSQL schema of its tables, e.g. `customer_service`. */
  readonly dbSchema: string;
  /** The port of `routingUrl`: where the subgraph listens unless `<PREFIX>PORT` says otherwise. */
  readonly defaultPort?: number;
}

/** Where the repository's data products live. */
export const SUBGRAPHS_ROOT = join(REPO_ROOT, 'subgraphs');

/** `customer-service` -> `CUSTOMER_SERVICE_`: the prefix of a data product's own variables. */
export function envPrefixOf(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

/** `customer-service` -> `customer_service`: a PostgreSQL identifier that needs no quoting. */
export function dbSchemaOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '_');
}

/** The port a routing URL names, explicitly or by its scheme's default. */
export function portOf(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
}

/** Reads one data product folder; throws, naming the folder, when its descriptor is invalid or names another subgraph. */
export async function readDataProductFolder(dir: string): Promise<DataProductFolder> {
  const absolute = resolve(dir);
  const schemaPath = join(absolute, 'schema.graphql');
  if (!existsSync(schemaPath)) throw new Error(`${absolute} is not a data product folder: expected a schema.graphql in it`);
  const descriptor = await loadDescriptor(descriptorPath(absolute));
  const folderName = basename(absolute);
  if (descriptor.name !== folderName) {
    throw new Error(`${descriptorPath(absolute)}: $.name: expected "${folderName}", the name of its folder, got "${descriptor.name}"`);
  }
  return {
    name: descriptor.name,
    dir: absolute,
    schemaPath,
    descriptorPath: descriptorPath(absolute),
    descriptor,
    ...(descriptor.routingUrl ? { routingUrl: descriptor.routingUrl, defaultPort: portOf(descriptor.routingUrl) } : {}),
    envPrefix: envPrefixOf(descriptor.name),
    dbSchema: dbSchemaOf(descriptor.name),
  };
}

/**
 * Every data product under `root` (default `subgraphs/`): each sub-folder with a
 * `dataproduct.yaml`, sorted by name. Every invalid folder is reported at once.
 */
export async function listDataProductFolders(root: string = SUBGRAPHS_ROOT): Promise<DataProductFolder[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'dataproduct.yaml')))
    .map((e) => join(root, e.name))
    .sort();
  const results = await Promise.allSettled(dirs.map((dir) => readDataProductFolder(dir)));
  const problems = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (problems.length) throw new Error(`Invalid data product folders under ${root}:\n${problems.join('\n')}`);
  return results.map((r) => (r as PromiseFulfilledResult<DataProductFolder>).value).sort((a, b) => a.name.localeCompare(b.name));
}
