import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuthenticationConfig } from '../../../gateway/src/governance/authentication-config.js';
import { mintToken } from '../../../gateway/src/governance/dev-token.js';
import { createLogger } from '../../../shared/logging.js';
import { loadLintConfig } from '../../src/checks/lint-config.js';
import { createRegistryClient, type RegistryClient } from '../../src/client.js';
import type { RegistryConfig } from '../../src/config.js';
import { createRegistry, type RegistryDependencies, type RunningRegistry } from '../../src/server.js';

export interface TestRegistry {
  registry: RunningRegistry;
  /** A client with a development token of these scopes (subject `subject`). */
  client(scopes: readonly string[], subject?: string): Promise<RegistryClient>;
  stop(): Promise<void>;
}

/**
 * A registry on port 0 over PGlite in a temp folder, verifying the development HS256 tokens that
 * `mintToken` signs (the gateway's default settings).
 */
export async function startTestRegistry(overrides: Partial<RegistryConfig> = {}, deps: RegistryDependencies = {}): Promise<TestRegistry> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meshgate-registry-api-'));
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
