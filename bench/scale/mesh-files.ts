import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SubgraphContract } from '../../gateway/src/supergraph/compose-source.js';
import type { ScaleMesh } from './generate.js';
import { renderSubgraphSdl } from './render-sdl.js';

/**
 * Writes each generated subgraph as `<dir>/<name>.graphql` and returns the contracts to compose,
 * so composition goes through the product's own path (`composeContracts` reads the files).
 * `urlOf` says where the gateway will reach each subgraph; composition records it.
 */
export async function writeScaleMesh(mesh: ScaleMesh, dir: string, urlOf: (name: string) => string): Promise<SubgraphContract[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(
    mesh.subgraphs.map(async (subgraph) => {
      const schemaPath = join(dir, `${subgraph.name}.graphql`);
      await writeFile(schemaPath, renderSubgraphSdl(subgraph));
      return { name: subgraph.name, url: urlOf(subgraph.name), schemaPath };
    }),
  );
}
