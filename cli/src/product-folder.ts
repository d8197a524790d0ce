import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from './command.js';

/**
 * A data product as `check`, `publish` and `compose` see it: a folder holding `schema.graphql`
 * and `dataproduct.yaml`, in whatever language its subgraph is written. The descriptor is read
 * only for its name and routing URL: validating it is the checks' job, which report every
 * problem with its rule rather than stopping at the first.
 */
export interface ProductFolder {
  /** Absolute path. */
  dir: string;
  /** The descriptor's `name` when it has one, else the folder's name. */
  name: string;
  sdl: string;
  /** `dataproduct.yaml` as written, as the registry stores it. */
  descriptorText: string;
  descriptorPath: string;
  /** The descriptor's `routingUrl`, when it has one. */
  routingUrl?: string;
}

export async function readProductFolder(cwd: string, dir: string): Promise<ProductFolder> {
  const absolute = resolve(cwd, dir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new InputError(`${absolute} is not a folder: expected a data product folder holding schema.graphql and dataproduct.yaml`);
  }
  const schemaPath = join(absolute, 'schema.graphql');
  const descriptorPath = join(absolute, 'dataproduct.yaml');
  const missing = [schemaPath, descriptorPath].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new InputError(`${absolute} is not a data product folder: expected ${missing.map((p) => basename(p)).join(' and ')} in it`);
  }
  const [sdl, descriptorText] = await Promise.all([readFile(schemaPath, 'utf8'), readFile(descriptorPath, 'utf8')]);
  const fields = descriptorFields(descriptorText);
  return {
    dir: absolute,
    name: fields.name ?? basename(absolute),
    sdl,
    descriptorText,
    descriptorPath,
    ...(fields.routingUrl ? { routingUrl: fields.routingUrl } : {}),
  };
}

/** `name` and `routingUrl`, when the YAML parses and they are strings; anything else is left to the checks. */
function descriptorFields(text: string): { name?: string; routingUrl?: string } {
  const document = parseDocument(text);
  if (document.errors.length > 0) return {};
  const data: unknown = document.toJS();
  if (data === null || typeof data !== 'object') return {};
  const { name, routingUrl } = data as Record<string, unknown>;
  return {
    ...(typeof name === 'string' && name.trim() !== '' ? { name: name.trim() } : {}),
    ...(typeof routingUrl === 'string' && routingUrl.trim() !== '' ? { routingUrl: routingUrl.trim() } : {}),
  };
}

/** The routing URL to publish: `--url`, else the descriptor's; neither is an input error saying how to give one. */
export function routingUrlOf(folder: ProductFolder, flag: string | undefined): string {
  const url = flag ?? folder.routingUrl;
  if (url === undefined) {
    throw new InputError(
      `${folder.descriptorPath} has no routingUrl: add one (where the gateway reaches the subgraph, e.g. routingUrl: http://127.0.0.1:4004/graphql) or pass --url`,
    );
  }
  return url;
}
