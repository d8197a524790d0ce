import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataProductDescriptor } from '../../shared/dataproduct/descriptor.js';
import type { Database } from '../../shared/db/database.js';
import { openRegistryDatabase } from '../src/database.js';
import type { NewVersion, RegistryDatabase } from '../src/store.js';

const descriptor = { apiVersion: 'meshgate.dev/v1', kind: 'DataProduct', name: 'pricing' } as unknown as DataProductDescriptor;

function version(name: string, overrides: Partial<NewVersion> = {}): NewVersion {
  return { name, url: `http://127.0.0.1:4600/${name}`, sdl: 'type Query { a: Int }', descriptor: { ...descriptor, name }, publisher: 'alice', label: null, action: 'publish', ...overrides };
}

type Backend = 'pglite' | 'postgres';

/** As test/support/databases.ts chooses (kept here so the store test needs no data product): a server too when TEST_DATABASE_URL is set. */
const testBackends = (): Backend[] => (process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']);

let counter = 0;

/** A fresh, migrated registry database: PGlite in a temp folder, or a schema of its own on the test server. */
async function openTestRegistry(backend: Backend): Promise<{ db: Database; registry: RegistryDatabase; dispose(): Promise<void> }> {
  if (backend === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'meshgate-registry-'));
    const { db, registry } = await openRegistryDatabase({ dataDir: dir });
    return { db, registry, dispose: async () => (await db.close(), await rm(dir, { recursive: true, force: true })) };
  }
  const schema = `registry_t${process.pid}_${++counter}`;
  const { db, registry } = await openRegistryDatabase({ databaseUrl: process.env.TEST_DATABASE_URL as string }, schema);
  return { db, registry, dispose: async () => (await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`), await db.close()) };
}

describe.each(testBackends())('registry store on %s', (backend) => {
  let db: Database;
  let registry: RegistryDatabase;
  let dispose: (() => Promise<void>) | undefined;

  // One database per backend (opening PGlite takes seconds); each test starts from empty tables.
  beforeAll(async () => {
    ({ db, registry, dispose } = await openTestRegistry(backend));
  });
  beforeEach(() => db.exec('TRUNCATE subgraph_versions, supergraphs, usage RESTART IDENTITY'));
  afterAll(() => dispose?.());

  it('numbers versions per subgraph and lists the current one of each, removals excluded', async () => {
    const first = await registry.appendVersion(version('pricing', { label: 'abc123' }));
    const second = await registry.appendVersion(version('pricing', { sdl: 'type Query { b: Int }' }));
    await registry.appendVersion(version('billing'));
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(first).toMatchObject({ name: 'pricing', label: 'abc123', publisher: 'alice', action: 'publish', descriptor: { name: 'pricing' } });
    expect(first.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((await registry.currentVersions()).map((v) => `${v.name}@${v.version}`)).toEqual(['billing@1', 'pricing@2']);

    await registry.appendVersion(version('billing', { action: 'remove' }));
    expect((await registry.currentVersions()).map((v) => `${v.name}@${v.version}`)).toEqual(['pricing@2']);
    expect(await registry.latestVersion('billing')).toMatchObject({ version: 2, action: 'remove' });
    expect(await registry.latestVersion('nothing')).toBeUndefined();
  });

  it('returns history newest first, single versions and versions in the order asked', async () => {
    for (let i = 0; i < 3; i++) await registry.appendVersion(version('pricing', { sdl: `type Query { f${i}: Int }` }));
    await registry.appendVersion(version('billing'));
    expect((await registry.history('pricing', 2)).map((v) => v.version)).toEqual([3, 2]);
    expect((await registry.version('pricing', 1))?.sdl).toBe('type Query { f0: Int }');
    expect(await registry.version('pricing', 9)).toBeUndefined();
    const picked = await registry.versions([{ name: 'pricing', version: 3 }, { name: 'billing', version: 1 }, { name: 'pricing', version: 7 }]);
    expect(picked.map((v) => `${v.name}@${v.version}`)).toEqual(['pricing@3', 'billing@1']);
  });

  it('records supergraphs, newest first, and finds the latest accepted one', async () => {
    expect(await registry.latestAcceptedSupergraph()).toBeUndefined();
    await registry.recordSupergraph({ id: 'a'.repeat(64), sdl: 'sdl a', accepted: true, reason: null, inputs: [{ name: 'pricing', version: 1 }], publisher: 'alice' });
    await registry.recordSupergraph({ id: 'b'.repeat(64), sdl: 'sdl b', accepted: false, reason: 'breaking', inputs: [{ name: 'pricing', version: 2 }], publisher: 'bob' });
    expect(await registry.latestAcceptedSupergraph()).toMatchObject({ id: 'a'.repeat(64), sdl: 'sdl a', inputs: [{ name: 'pricing', version: 1 }] });
    const list = await registry.supergraphs(10);
    expect(list.map((s) => [s.id[0], s.accepted, s.reason, s.publisher])).toEqual([
      ['b', false, 'breaking', 'bob'],
      ['a', true, null, 'alice'],
    ]);
    // The same composition again (a rollback) is a new, later entry.
    await registry.recordSupergraph({ id: 'a'.repeat(64), sdl: 'sdl a', accepted: true, reason: null, inputs: [{ name: 'pricing', version: 3 }], publisher: 'admin' });
    expect(await registry.latestAcceptedSupergraph()).toMatchObject({ publisher: 'admin', inputs: [{ name: 'pricing', version: 3 }] });
  });

  it('adds reported usage up per day, client and coordinate, and looks it up since a day', async () => {
    const entry = { day: '2026-03-01', clientName: 'web', clientVersion: '1.0', coordinate: 'Product.name', count: 5 };
    expect(await registry.upsertUsage([entry, { ...entry, count: 2 }, { ...entry, day: '2026-03-03', count: 1 }])).toBe(3);
    await registry.upsertUsage([
      { ...entry, count: 10 },
      { ...entry, clientName: 'ios', clientVersion: '2', coordinate: 'Product.sku', count: 4 },
      { ...entry, day: '2026-01-01', clientName: 'old', count: 100 },
    ]);
    expect(await registry.upsertUsage([])).toBe(0);
    const usage = await registry.usage(['Product.name', 'Product.sku', 'Product.unused'], '2026-02-01');
    expect(Object.fromEntries(usage)).toEqual({
      'Product.name': [{ client: 'web', version: '1.0', count: 18, lastSeen: '2026-03-03' }],
      'Product.sku': [{ client: 'ios', version: '2', count: 4, lastSeen: '2026-03-01' }],
    });
    expect((await registry.usage(['Product.name'], '2025-12-01')).get('Product.name')?.map((c) => c.client)).toEqual(['old', 'web']);
    expect((await registry.usage([], '2026-01-01')).size).toBe(0);
  });

  it('serializes changes: a second change starts only after the first committed, and sees its version', async () => {
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = registry.serialized(async (store) => {
      order.push('first: read');
      const base = (await store.currentVersions()).length;
      await firstHolds;
      await store.appendVersion(version('pricing'));
      order.push('first: wrote');
      return base;
    });
    // Give the first change time to take the lock before the second asks for it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = registry.serialized(async (store) => {
      order.push('second: read');
      return (await store.currentVersions()).length;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseFirst();
    expect(await Promise.all([first, second])).toEqual([0, 1]);
    expect(order).toEqual(['first: read', 'first: wrote', 'second: read']);
  });

  it('rolls a failed change back entirely', async () => {
    await expect(
      registry.serialized(async (store) => {
        await store.appendVersion(version('pricing'));
        throw new Error('composition exploded');
      }),
    ).rejects.toThrow('composition exploded');
    expect(await registry.currentVersions()).toEqual([]);
  });
});
