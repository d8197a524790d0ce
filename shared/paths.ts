import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file's location so it works from any working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function subgraphDir(dir: string): string {
  return join(REPO_ROOT, 'subgraphs', dir);
}
