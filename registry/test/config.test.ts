import { join } from 'node:path';
import { ConfigError } from '../../shared/config/env.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { loadRegistryConfig } from '../src/config.js';

describe('loadRegistryConfig', () => {
  it('defaults to port 4500 on 127.0.0.1, PGlite under data/registry, a 30-day usage window and the development JWT secret', () => {
    const config = loadRegistryConfig({});
    expect(config).toMatchObject({ port: 4500, host: '127.0.0.1', dataDir: join(REPO_ROOT, 'data', 'registry'), usageWindowDays: 30, logLevel: 'info' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.authentication).toMatchObject({ kind: 'hs256', issuer: 'meshgate-dev', audience: 'meshgate' });
    expect(config.lint['type-descriptions']).toBe('error');
  });

  it('reads every variable', () => {
    const config = loadRegistryConfig({
      REGISTRY_PORT: '4601',
      REGISTRY_HOST: '0.0.0.0',
      REGISTRY_DATABASE_URL: 'postgres://registry@db:5432/mesh',
      REGISTRY_DATA_DIR: '/var/lib/registry',
      REGISTRY_USAGE_WINDOW_DAYS: '7',
      REGISTRY_LINT_RULES: 'type-descriptions=off',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'a-registry-secret-of-at-least-32-bytes!',
    });
    expect(config).toMatchObject({ port: 4601, host: '0.0.0.0', databaseUrl: 'postgres://registry@db:5432/mesh', dataDir: '/var/lib/registry', usageWindowDays: 7, logLevel: 'warn' });
    expect(config.lint['type-descriptions']).toBe('off');
    expect(config.authentication).toMatchObject({ kind: 'hs256', secret: 'a-registry-secret-of-at-least-32-bytes!' });
  });

  it('reports every wrong variable at once, each by name', () => {
    let error: unknown;
    try {
      loadRegistryConfig({ REGISTRY_PORT: 'x', REGISTRY_DATABASE_URL: 'mysql://db', REGISTRY_USAGE_WINDOW_DAYS: '0', REGISTRY_LINT_RULES: 'nope=error', JWT_SECRET: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['REGISTRY_PORT', 'REGISTRY_DATABASE_URL', 'REGISTRY_USAGE_WINDOW_DAYS', 'REGISTRY_LINT_RULES', 'JWT_SECRET']) expect(problems).toContain(name);
  });
});
