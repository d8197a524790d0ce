/**
 * `npm run build:web [-- --force]`: builds the catalog and the IDE (catalog/, Vite) into
 * catalog/dist, which the gateway serves (gateway/src/http/web-app.ts). `npm start` and `npm test`
 * run it first; it skips the build when the sources are the ones the bundle was built from (a
 * hash of catalog/ and the lockfile, recorded in catalog/dist/.build.json), so that costs a
 * fraction of a second. The bundle is never committed; the Docker image builds it in a stage.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../shared/paths.js';

export const CATALOG_DIR = join(REPO_ROOT, 'catalog');
export const DIST_DIR = join(CATALOG_DIR, 'dist');
const STAMP = join(DIST_DIR, '.build.json');
const LOCK = join(CATALOG_DIR, '.build-lock');
/** What the bundle depends on besides catalog/: the exact versions of React, GraphiQL and Vite, and how it is built. */
const INPUTS = [join(REPO_ROOT, 'package-lock.json'), join(REPO_ROOT, 'scripts', 'build-web.ts')];
/** Text files worth sending compressed; sirv serves the .br/.gz beside them to browsers that accept it. */
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export interface BuildResult {
  built: boolean;
  hash: string;
  files: BuiltFile[];
}

/** sha256 over every source file's path and bytes (catalog/ without dist/ and tests) and the inputs above. */
export function sourceHash(catalogDir = CATALOG_DIR, inputs: readonly string[] = INPUTS): string {
  const hash = createHash('sha256');
  const skipped = new Set([join(catalogDir, 'dist'), join(catalogDir, '.build-lock'), join(catalogDir, 'node_modules')]);
  // Unit tests are not part of the bundle: changing one does not rebuild it.
  const files = [...listFiles(catalogDir, (path) => !skipped.has(path) && !path.endsWith('.test.ts')), ...inputs];
  for (const file of files.sort()) {
    hash.update(relative(catalogDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Builds catalog/dist unless it was built from these very sources (`force` builds anyway). */
export async function buildWeb(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<BuildResult> {
  const log = options.log ?? (() => {});
  const hash = sourceHash();
  const fresh = () => (!options.force && readStamp()?.hash === hash ? readStamp() : undefined);
  const skipped = fresh();
  if (skipped) return { built: false, hash, files: skipped.files };
  const release = await lock();
  try {
    // Another build may have finished while this one waited for the lock.
    const builtMeanwhile = fresh();
    if (builtMeanwhile) return { built: false, hash, files: builtMeanwhile.files };
    log('building the catalog and the IDE (catalog/ -> catalog/dist) …');
    // Vite bundles React's development build when NODE_ENV says so (jest sets "test" for the
    // processes it starts): the bundle is always the production one, whoever runs this.
    process.env.NODE_ENV = 'production';
    // Loaded only to build: the skip path stays cheap.
    const { build } = await import('vite');
    await build({ configFile: join(CATALOG_DIR, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    const files = precompress();
    writeFileSync(STAMP, `${JSON.stringify({ hash, builtAt: new Date().toISOString(), files }, null, 2)}\n`);
    return { built: true, hash, files };
  } finally {
    release();
  }
}

function precompress(): BuiltFile[] {
  const files: BuiltFile[] = [];
  for (const file of listFiles(DIST_DIR, () => true)) {
    const name = relative(DIST_DIR, file);
    const bytes = readFileSync(file);
    if (!COMPRESSIBLE.test(name)) {
      files.push({ name, bytes: bytes.length, gzipBytes: bytes.length });
      continue;
    }
    const gzip = gzipSync(bytes, { level: 9 });
    writeFileSync(`${file}.gz`, gzip);
    writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 10, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
    files.push({ name, bytes: bytes.length, gzipBytes: gzip.length });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

function readStamp(): { hash: string; files: BuiltFile[] } | undefined {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')) as { hash: string; files: BuiltFile[] };
  } catch {
    return undefined;
  }
}

/**
 * One build at a time (two test files starting at once would empty each other's output): a lock
 * folder, waited for up to two minutes; one left by a killed build (older than that) is taken over.
 */
async function lock(): Promise<() => void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs;
      if (age > 120_000) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Another catalog build holds ${relative(REPO_ROOT, LOCK)} for more than two minutes; remove it if no build runs`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function listFiles(dir: string, keep: (path: string) => boolean): string[] {
  const files: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return files;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (!keep(path)) continue;
    if (entry.isDirectory()) files.push(...listFiles(path, keep));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const result = await buildWeb({ force: process.argv.includes('--force'), log: (line) => console.log(line) });
  const took = `${Math.round(performance.now() - started)} ms`;
  if (!result.built) {
    console.log(`catalog/dist is up to date (${result.hash.slice(0, 12)}, checked in ${took})`);
  } else {
    for (const file of result.files.filter((f) => !f.name.startsWith('.'))) console.log(`  ${file.name.padEnd(44)} ${kib(file.bytes).padStart(11)}  gzip ${kib(file.gzipBytes).padStart(10)}`);
    console.log(`catalog/dist built in ${took}`);
  }
}
