import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../shared/paths.js';

/**
 * A seeded embedded database takes seconds to create but a fraction of a second to reopen,
 * so tests copy a template made once. Its folder name carries a hash of everything that
 * shapes the data (migrations, seeds, the database layer), so a change makes a new template.
 */
export function templateDir(domainDir: string): string {
  return join(tmpdir(), 'meshgate-test-templates', `${domainDir}-${contentHash(domainDir)}`);
}

function contentHash(domainDir: string): string {
  const hash = createHash('sha256');
  for (const path of [join(REPO_ROOT, 'subgraphs', domainDir, 'db'), join(REPO_ROOT, 'shared', 'db'), join(REPO_ROOT, 'shared', 'demo')]) {
    for (const file of listFiles(path)) hash.update(file).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => listFiles(join(path, entry)));
}
