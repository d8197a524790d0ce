import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAuthenticationConfig } from '../../../gateway/src/governance/authentication-config.js';
import { mintToken } from '../../../gateway/src/governance/dev-token.js';
import { createLogger } from '../../../shared/logging.js';
import { REPO_ROOT } from '../../../shared/paths.js';
import { buildTemplate, contentHash, copyTemplate } from '../../../test/support/templates.js';
import { loadLintConfig } from '../../src/checks/lint-config.js';
import { createRegistryClient, type RegistryClient } from '../../src/client.js';
import type { RegistryConfig } from '../../src/config.js';
import { openRegistryDatabase, REGISTRY_MIGRATIONS_DIR } from '../../src/database.js';
import { createRegistry, type RegistryDependencies, type RunningRegistry } from '../../src/server.js';

export interface TestRegistry {
  registry: RunningRegistry;
  /** A client with a development token of these scopes (subject `subject`). */
  client(scopes: readonly string[], subject?: string): Promise<RegistryClient>;
  stop(): Promise<void>;
}

/**
 * The registry's database as its first start leaves it (migrated, empty), made once: a new PGlite
 * folder costs seconds, a copy of this one a fraction of that (test/support/templates.ts).
 */
export function ensureRegistryTemplate(): Promise<string> {
  const shaping: [string, string][] = [
    [REPO_ROOT, REGISTRY_MIGRATIONS_DIR],
    [REPO_ROOT, join(REPO_ROOT, 'registry', 'src', 'database.ts')],
    [REPO_ROOT, join(REPO_ROOT, 'shared', 'db')],
  ];
  return buildTemplate(`registry-${contentHash(shaping)}`, async (dataDir) => {
    const { db } = await openRegistryDatabase({ dataDir });
    await db.close();
  });
}

/** A copy of the registry template in a folder of its own (`prefix` names it), to start a registry over. */
export async function registryDataDir(prefix = 'meshgate-registry-'): Promise<string> {
  return copyTemplate(await ensureRegistryTemplate(), prefix);
}

/**
 * A registry on port 0 over PGlite (a copy of the template above), verifying the development
 * HS256 tokens that `mintToken` signs (the gateway's default settings).
 */
export async function startTestRegistry(overrides: Partial<RegistryConfig> = {}, deps: RegistryDependencies = {}): Promise<TestRegistry> {
  const dataDir = await registryDataDir('meshgate-registry-api-');
  const config: RegistryConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    usageWindowDays: 30,
    logLevel: 'silent',
    lint: loadLintConfig({}),
    authentication: loadAuthenticationConfig({}),
    ...overrides,
  };
  const registry = await createRegistry(config, { logger: createLogger('registry', process.env.TEST_LOG_LEVEL ?? 'silent'), ...deps });
  return {
    registry,
    client: async (scopes, subject = 'tester') => createRegistryClient({ url: registry.url, token: await mintToken({ subject, scopes }) }),
    stop: async () => {
      await registry.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `Authorization` header of a development token with these scopes. */
export async function authorization(scopes: readonly string[], subject = 'tester'): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await mintToken({ subject, scopes })}` };
}
