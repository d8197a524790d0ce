import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../shared/paths.js';

export interface ScaffoldFolder {
  /** The parent to pass as `init --dir`. */
  dir: string;
  dispose(): Promise<void>;
}

/**
 * A temp folder to scaffold data products into, outside subgraphs/ so no other test or running
 * stack sees them. It links the repository's node_modules, so a scaffolded product's packages
 * (dataloader, graphql) resolve there as they do under subgraphs/.
 */
export async function scaffoldFolder(): Promise<ScaffoldFolder> {
  const dir = await mkdtemp(join(tmpdir(), 'meshgate-cli-'));
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The demo data products every scaffold must compose with. */
export const DEMO_FOLDERS = ['inventory', 'marketing', 'customer-service'].map((name) => join(REPO_ROOT, 'subgraphs', name));
