import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SupergraphError, type SupergraphSource } from './source.js';

export interface SubgraphContract {
  name: string;
  /** Where the gateway will reach the subgraph; composition records it in the supergraph. */
  url: string;
  /** The data product's contract, `schema.graphql`. */
  schemaPath: string;
}

/**
 * Composes the supergraph from each domain's own `schema.graphql` with Apollo's composition:
 * what domain teams commit is what the gateway serves. A composition error stops start-up
 * with composition's own messages.
 */
export function composeFromContracts(subgraphs: readonly SubgraphContract[]): SupergraphSource {
  return {
    description: `composed from ${subgraphs.map((s) => s.schemaPath).join(', ')}`,
    load: async () => composeContracts(subgraphs),
  };
}

export async function composeContracts(subgraphs: readonly SubgraphContract[]): Promise<string> {
  const services = await Promise.all(
    subgraphs.map(async (subgraph) => {
      let sdl: string;
      try {
        sdl = await readFile(subgraph.schemaPath, 'utf8');
      } catch (error) {
        throw new SupergraphError(`Cannot read the contract of subgraph "${subgraph.name}" at ${subgraph.schemaPath}: ${(error as Error).message}`);
      }
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
  return result.supergraphSdl;
}
