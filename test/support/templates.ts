import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
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
  // Paths relative to their root: a product scaffolded into a fresh temp folder reuses its template.
  // data-product.ts holds prepareDataProductDatabase: the order of migrations, change tracking and the seed.
  const shaping: [string, string][] = [
    [product.dir, join(product.dir, 'db')],
    [REPO_ROOT, join(REPO_ROOT, 'shared', 'db')],
    [REPO_ROOT, join(REPO_ROOT, 'shared', 'demo')],
    [REPO_ROOT, join(REPO_ROOT, 'shared', 'subgraph', 'data-product.ts')],
  ];
  return buildTemplate(`${product.name}-${contentHash(shaping)}`, async (dataDir) => {
    const { db } = await prepareDataProductDatabase(product, { dataDir, seed: 'demo' });
    await db.close();
  });
}

/**
 * The template folder `name` under the temp folder, made by `build(dataDir)` if it is not there yet.
 * `name` must carry a hash of whatever shapes what `build` makes.
 */
export async function buildTemplate(name: string, build: (dataDir: string) => Promise<void>): Promise<string> {
  const target = join(tmpdir(), 'meshgate-test-templates', name);
  if (existsSync(target)) return target;
  // Build beside the target and rename, so an interrupted run never leaves half a template and
  // two test workers racing to build it both end with a whole one.
  const building = `${target}.building-${process.pid}-${Date.now()}`;
  await build(building);
  await rename(building, target).catch(async (error: NodeJS.ErrnoException) => {
    if (!existsSync(target)) throw error;
    await rm(building, { recursive: true, force: true });
  });
  return target;
}

/** A sha256 over the files under each path, each named relative to its root. */
export function contentHash(shaping: readonly (readonly [root: string, path: string])[]): string {
  const hash = createHash('sha256');
  for (const [root, path] of shaping) {
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

/**
 * Where copies of templates go: RAM (/dev/shm) when it has room, the temp folder otherwise. A copy
 * is ~40 MB in ~1000 files: on a busy disk writing it takes about a second, in RAM a few ms.
 */
const SCRATCH = ramDiskWithRoom() ?? tmpdir();

function ramDiskWithRoom(): string | undefined {
  try {
    accessSync('/dev/shm', constants.W_OK);
    const { bavail, bsize } = statfsSync('/dev/shm');
    // A container's /dev/shm is often 64 MB: too small for the databases a test file has open.
    return bavail * bsize >= 2 * 1024 ** 3 ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

/** A new folder (named `<prefix>XXXXXX`) holding a copy of `template`: the caller removes it when done. */
export async function copyTemplate(template: string, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(SCRATCH, prefix));
  await copyTree(template, dir);
  return dir;
}

// Not fs.cp: its checks on every entry made it several times slower for a folder of many small files.
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map((entry) => {
      const [source, target] = [join(from, entry.name), join(to, entry.name)];
      if (entry.isDirectory()) return copyTree(source, target);
      if (entry.isFile()) return copyFile(source, target);
      throw new Error(`copyTemplate: ${source} is neither a file nor a folder`);
    }),
  );
}
