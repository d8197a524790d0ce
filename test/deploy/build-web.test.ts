import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWeb, DIST_DIR, sourceHash } from '../../scripts/build-web.js';
import { REPO_ROOT } from '../../shared/paths.js';

// The build's skip rule: the hash covers what the bundle is built from and nothing else, and a
// build of unchanged sources costs a check, not a Vite run (npm start and npm test pay it each time).

describe('the catalog build', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-catalog-src-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(dir, 'src', 'App.tsx'), 'export const App = () => null;');
    writeFileSync(join(dir, 'lock.json'), '{"react":"19"}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes the sources and the lockfile, not the output, the lock or the unit tests', () => {
    const inputs = [join(dir, 'lock.json')];
    const before = sourceHash(dir, inputs);
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), 'built');
    mkdirSync(join(dir, '.build-lock'));
    writeFileSync(join(dir, 'src', 'App.test.ts'), 'test');
    expect(sourceHash(dir, inputs)).toBe(before);

    writeFileSync(join(dir, 'src', 'App.tsx'), 'export const App = () => "changed";');
    const edited = sourceHash(dir, inputs);
    expect(edited).not.toBe(before);
    writeFileSync(join(dir, 'lock.json'), '{"react":"20"}');
    expect(sourceHash(dir, inputs)).not.toBe(edited);
    // A file moved is a change too (paths are hashed with the bytes).
    rmSync(join(dir, 'src', 'App.tsx'));
    writeFileSync(join(dir, 'src', 'Main.tsx'), 'export const App = () => "changed";');
    expect(sourceHash(dir, inputs)).not.toBe(edited);
  });

  it('skips the build of sources it already built, in well under a second', async () => {
    // Built as npm test's pretest does, in its own process (Vite does not run inside jest's VM modules).
    execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'build-web.ts')], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 120_000 });
    const started = performance.now();
    const again = await buildWeb();
    expect(again.built).toBe(false);
    expect(again.hash).toBe(sourceHash());
    expect(again.files.map((f) => f.name)).toEqual(expect.arrayContaining(['index.html', 'graphiql.html']));
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('bundles React\'s production build, even when built from a process with NODE_ENV=test (jest)', () => {
    const scripts = readdirSync(join(DIST_DIR, 'assets')).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(2);
    for (const name of scripts) expect({ name, development: readFileSync(join(DIST_DIR, 'assets', name), 'utf8').includes('Download the React DevTools') }).toEqual({ name, development: false });
  });
});
