import { readFile } from 'node:fs/promises';
import { SupergraphError, type SupergraphSource } from './source.js';

/** A supergraph composed ahead of time (e.g. by `npm run compose` in CI) and shipped as a file. */
export function supergraphFromFile(path: string): SupergraphSource {
  return {
    description: `read from ${path}`,
    load: async () => {
      let sdl: string;
      try {
        sdl = await readFile(path, 'utf8');
      } catch (error) {
        throw new SupergraphError(`Cannot read the supergraph file ${path}: ${(error as Error).message}`);
      }
      if (!/@link\(\s*url:\s*"https:\/\/specs\.apollo\.dev\/join\//.test(sdl)) {
        throw new SupergraphError(
          `${path} is not a composed supergraph: expected a join spec @link (produce it with "npm run compose")`,
        );
      }
      return sdl;
    },
  };
}
