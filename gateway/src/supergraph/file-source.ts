import { readFile } from 'node:fs/promises';
import { loadOnce, SupergraphError, type SupergraphSource } from './source.js';

/**
 * A supergraph composed ahead of time (e.g. by `npm run compose` in CI) and shipped as a file,
 * read once. It carries no descriptors: its classification was checked where it was composed.
 */
export function supergraphFromFile(path: string): SupergraphSource {
  return loadOnce('file', `read from ${path}`, async () => ({ sdl: await readSupergraphFile(path) }));
}

export async function readSupergraphFile(path: string): Promise<string> {
  let sdl: string;
  try {
    sdl = await readFile(path, 'utf8');
  } catch (error) {
    throw new SupergraphError(`Cannot read the supergraph file ${path}: ${(error as Error).message}`);
  }
  if (!/@link\(\s*url:\s*"https:\/\/specs\.apollo\.dev\/join\//.test(sdl)) {
    throw new SupergraphError(`${path} is not a composed supergraph: expected a join spec @link (produce it with "npm run compose")`);
  }
  return sdl;
}
