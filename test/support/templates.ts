import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../shared/paths.js';
import { prepareDataProductDatabase, type DataProductDefinition } from '../../shared/subgraph/data-product.js';

/**
 * A seeded embedded database takes seconds to create but a fraction of a second to reopen,
 * so tests copy a template made once. Its folder name carries a hash of everything that
 * shapes the data (migrations, seeds, the database layer), so a change makes a new template.
 */
export async function ensureTemplate(product: DataProductDefinition): Promise<string> {
  const target = join(tmpdir(), 'meshgate-test-templates', `${product.name}-${contentHash(product.dir)}`);
  if (existsSync(target)) return target;
  // Build beside the target and rename, so an interrupted run never leaves half a template and
  // two test workers racing to build it both end with a whole one.
  const building = `${target}.building-${process.pid}-${Date.now()}`;
  const { db } = await prepareDataProductDatabase(product, { dataDir: building, seed: 'demo' });
  await db.close();
  await rename(building, target).catch(async (error: NodeJS.ErrnoException) => {
    if (!existsSync(target)) throw error;
    await rm(building, { recursive: true, force: true });
  });
  return target;
}

function contentHash(productDir: string): string {
  const hash = createHash('sha256');
  // Paths relative to their root: a product scaffolded into a fresh temp folder reuses its template.
  for (const [root, path] of [[productDir, join(productDir, 'db')], [REPO_ROOT, join(REPO_ROOT, 'shared', 'db')], [REPO_ROOT, join(REPO_ROOT, 'shared', 'demo')]]) {
    for (const file of listFiles(path)) hash.update(relative(root, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => listFiles(join(path, entry)));
}
