import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { checkDescriptorAgainstSchema } from '../../../shared/dataproduct/descriptor.js';
import { envPrefixOf, listDataProductFolders, readDataProductFolder, type DataProductFolder } from '../../../shared/dataproduct/folders.js';
import { loadOnce, SupergraphError, type SupergraphSource, type SupergraphUpdate } from './source.js';

export interface SubgraphContract {
  name: string;
  /** Where the gateway will reach the subgraph; composition records it in the supergraph. */
  url: string;
  /** The data product's contract, `schema.graphql`. */
  schemaPath: string;
}

export interface ComposeOptions {
  /** Data product folders to compose. Default: every one under `subgraphs/` (listDataProductFolders). */
  folders?: readonly string[];
  /** The routing URL that replaces a folder's `routingUrl` (the gateway's `<PREFIX>URL`), if any. */
  urlOf?: (name: string) => string | undefined;
}

/**
 * Composes the supergraph from data product folders (each `schema.graphql` + `dataproduct.yaml`)
 * with Apollo's composition, once: what domain teams commit is what the gateway serves. Each
 * descriptor is checked against its contract, and handed on so classification is enforced.
 */
export function composeFromFolders(options: ComposeOptions = {}): SupergraphSource {
  const where = options.folders ? options.folders.join(', ') : 'every data product folder under subgraphs/';
  return loadOnce('compose', `composed from ${where}`, () => composeDataProducts(options));
}

export async function composeDataProducts(options: ComposeOptions = {}): Promise<SupergraphUpdate> {
  const folders = await readFolders(options.folders);
  if (!folders.length) throw new SupergraphError('Nothing to compose: no data product folder (schema.graphql + dataproduct.yaml) was found');
  const problems: string[] = [];
  const contracts: SubgraphContract[] = [];
  for (const folder of folders) {
    const url = options.urlOf?.(folder.name) ?? folder.routingUrl;
    if (!url) {
      problems.push(`subgraph "${folder.name}" has no routing URL: set routingUrl in ${folder.descriptorPath} or ${envPrefixOf(folder.name)}URL`);
      continue;
    }
    contracts.push({ name: folder.name, url, schemaPath: folder.schemaPath });
  }
  if (problems.length) throw new SupergraphError('Cannot compose the data products', problems);
  const { sdl, contracts: sdls } = await composeWithSdls(contracts);
  const mismatches = folders.flatMap((folder) =>
    checkDescriptorAgainstSchema(folder.descriptor, sdls.get(folder.name) ?? '', folder.name).map((p) => `${folder.descriptorPath} does not match its schema.graphql: ${p}`),
  );
  if (mismatches.length) throw new SupergraphError('Data product descriptors disagree with their contracts', mismatches);
  return { sdl, descriptors: folders.map((folder) => ({ name: folder.name, descriptor: folder.descriptor })) };
}

async function readFolders(folders: readonly string[] | undefined): Promise<DataProductFolder[]> {
  try {
    return folders ? await Promise.all(folders.map((dir) => readDataProductFolder(dir))) : await listDataProductFolders();
  } catch (error) {
    throw new SupergraphError(`Cannot read the data product folders: ${(error as Error).message}`);
  }
}

/** Composes contracts given by path (the `compose` script and tests use it directly). */
export async function composeContracts(subgraphs: readonly SubgraphContract[]): Promise<string> {
  return (await composeWithSdls(subgraphs)).sdl;
}

async function composeWithSdls(subgraphs: readonly SubgraphContract[]): Promise<{ sdl: string; contracts: Map<string, string> }> {
  const contracts = new Map<string, string>();
  const services = await Promise.all(
    subgraphs.map(async (subgraph) => {
      let sdl: string;
      try {
        sdl = await readFile(subgraph.schemaPath, 'utf8');
      } catch (error) {
        throw new SupergraphError(`Cannot read the contract of subgraph "${subgraph.name}" at ${subgraph.schemaPath}: ${(error as Error).message}`);
      }
      contracts.set(subgraph.name, sdl);
      try {
        return { name: subgraph.name, url: subgraph.url, typeDefs: parse(sdl) };
      } catch (error) {
        throw new SupergraphError(`The contract of subgraph "${subgraph.name}" (${subgraph.schemaPath}) is not valid GraphQL: ${(error as Error).message}`);
      }
    }),
  );
  const result = composeServices(services);
  if (result.errors) {
    throw new SupergraphError(
      'Composition failed',
      result.errors.map((e) => `${e.extensions?.code ? `[${String(e.extensions.code)}] ` : ''}${e.message}`),
    );
  }
  return { sdl: result.supergraphSdl, contracts };
}
