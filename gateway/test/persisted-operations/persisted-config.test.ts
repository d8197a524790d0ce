import { join } from 'node:path';
import { ConfigError } from '../../../shared/config/env.js';
import { REPO_ROOT } from '../../../shared/paths.js';
import { loadPersistedOperationsConfig, type PersistedOperationsConfig } from '../../src/persisted-operations/persisted-config.js';
import { preparePersistedOperations } from '../../src/persisted-operations/setup.js';

const MANIFEST = join(REPO_ROOT, 'gateway', 'test', 'fixtures', 'persisted-operations', 'manifest.json');
const MIB_16 = 16 * 1024 * 1024;

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadPersistedOperationsConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused, it was accepted`);
}

describe('persisted operations configuration from the environment', () => {
  it.each<[string, Record<string, string>, PersistedOperationsConfig]>([
    ['nothing set: no manifest, no safelist, APQ in 16 MiB', {}, { safelist: 'off', apq: { maxBytes: MIB_16 } }],
    ['a manifest to resolve ids, APQ beside it', { PERSISTED_OPERATIONS_MANIFEST: 'pq.json' }, { safelist: 'off', manifestPath: 'pq.json', apq: { maxBytes: MIB_16 } }],
    ['APQ off', { APQ_ENABLED: 'false' }, { safelist: 'off', apq: false }],
    ['APQ explicitly on, in 1 KiB', { APQ_ENABLED: 'true', APQ_CACHE_BYTES: '1024' }, { safelist: 'off', apq: { maxBytes: 1024 } }],
    ['an empty variable as not set', { PERSISTED_OPERATIONS_SAFELIST: ' ', APQ_ENABLED: '' }, { safelist: 'off', apq: { maxBytes: MIB_16 } }],
    ['log with a manifest: APQ follows the safelist off', { PERSISTED_OPERATIONS_SAFELIST: 'log', PERSISTED_OPERATIONS_MANIFEST: 'pq.json' }, { safelist: 'log', manifestPath: 'pq.json', apq: false }],
    ['enforce with a manifest and APQ_ENABLED=false', { PERSISTED_OPERATIONS_SAFELIST: 'enforce', PERSISTED_OPERATIONS_MANIFEST: 'pq.json', APQ_ENABLED: 'false' }, { safelist: 'enforce', manifestPath: 'pq.json', apq: false }],
  ])('reads %s', (_name, env, expected) => {
    expect(loadPersistedOperationsConfig(env)).toEqual(expected);
  });

  it.each<[string, Record<string, string>, string]>([
    ['an unknown safelist mode', { PERSISTED_OPERATIONS_SAFELIST: 'strict' }, 'PERSISTED_OPERATIONS_SAFELIST: expected off, log or enforce (got "strict")'],
    [
      'log without a manifest',
      { PERSISTED_OPERATIONS_SAFELIST: 'log' },
      `PERSISTED_OPERATIONS_SAFELIST: log compares operations with a manifest, and PERSISTED_OPERATIONS_MANIFEST is not set: set it to the manifest's path, or the safelist to off (got "log")`,
    ],
    [
      'enforce without a manifest',
      { PERSISTED_OPERATIONS_SAFELIST: 'enforce' },
      `PERSISTED_OPERATIONS_SAFELIST: enforce compares operations with a manifest, and PERSISTED_OPERATIONS_MANIFEST is not set: set it to the manifest's path, or the safelist to off (got "enforce")`,
    ],
    [
      'APQ explicitly on with a safelist',
      { PERSISTED_OPERATIONS_SAFELIST: 'enforce', PERSISTED_OPERATIONS_MANIFEST: 'pq.json', APQ_ENABLED: 'yes' },
      'APQ_ENABLED: automatic persisted queries cannot run with PERSISTED_OPERATIONS_SAFELIST=enforce (any client could register any operation): unset APQ_ENABLED or set it to false (got "yes")',
    ],
    ['APQ_ENABLED not a boolean', { APQ_ENABLED: 'maybe' }, 'APQ_ENABLED: expected true or false (got "maybe")'],
    ['a zero cache', { APQ_CACHE_BYTES: '0' }, 'APQ_CACHE_BYTES: expected a positive whole number (got "0")'],
    ['a cache that is not a number', { APQ_CACHE_BYTES: '16MiB' }, 'APQ_CACHE_BYTES: expected a positive whole number (got "16MiB")'],
  ])('refuses %s, naming the variable', (_name, env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('reports every wrong value at once, the combinations too', () => {
    expect(problemsOf({ PERSISTED_OPERATIONS_SAFELIST: 'log', APQ_ENABLED: 'true', APQ_CACHE_BYTES: '-1' })).toEqual([
      'APQ_CACHE_BYTES: expected a positive whole number (got "-1")',
      expect.stringMatching(/^PERSISTED_OPERATIONS_SAFELIST: log compares operations with a manifest/),
      expect.stringMatching(/^APQ_ENABLED: automatic persisted queries cannot run with PERSISTED_OPERATIONS_SAFELIST=log/),
    ]);
    // A value of the wrong type stops zod's object checks by default: the combination is still reported.
    expect(problemsOf({ PERSISTED_OPERATIONS_SAFELIST: 'enforce', APQ_ENABLED: 'maybe', APQ_CACHE_BYTES: 'lots' })).toEqual([
      'APQ_ENABLED: expected true or false (got "maybe")',
      'APQ_CACHE_BYTES: expected a positive whole number (got "lots")',
      expect.stringMatching(/^PERSISTED_OPERATIONS_SAFELIST: enforce compares operations with a manifest/),
    ]);
    expect(problemsOf({ PERSISTED_OPERATIONS_SAFELIST: 'on', APQ_ENABLED: 'on' })).toEqual([
      'PERSISTED_OPERATIONS_SAFELIST: expected off, log or enforce (got "on")',
      'APQ_ENABLED: expected true or false (got "on")',
    ]);
  });

  it('becomes the stage options, with the manifest loaded for start-up planning', async () => {
    const enforced = await preparePersistedOperations(
      loadPersistedOperationsConfig({ PERSISTED_OPERATIONS_SAFELIST: 'enforce', PERSISTED_OPERATIONS_MANIFEST: MANIFEST }),
    );
    expect(enforced.manifest?.operations).toHaveLength(4);
    expect(enforced.options).toEqual({ safelist: 'enforce', manifest: enforced.manifest, apq: false });

    const open = await preparePersistedOperations(loadPersistedOperationsConfig({}));
    expect(open).toEqual({ manifest: undefined, options: { safelist: 'off', manifest: undefined, apq: { maxBytes: MIB_16 } } });

    await expect(preparePersistedOperations({ safelist: 'log', manifestPath: join(REPO_ROOT, 'no-such.json'), apq: false })).rejects.toBeInstanceOf(ConfigError);
  });
});
