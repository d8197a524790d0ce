import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { DOMAINS } from '../../shared/domains.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { loadSubgraphConfig } from '../../shared/subgraph/data-product.js';

// docker compose cannot run here, so the file is checked against the code instead.
interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  build?: string;
  image?: string;
}
// Compose interpolates `${VAR:-default}` from the environment (the test sees the defaults) and
// stops on `${VAR:?message}` when VAR is not set (the test plays an operator who set their own).
const composeText = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const OPERATOR_SECRET = randomBytes(32).toString('base64');
const required = [...composeText.matchAll(/\$\{(\w+):\?([^}]*)\}/g)].map((m) => ({ name: m[1], message: m[2] }));
const interpolated = composeText
  .replace(/\$\{(\w+):-([^}]*)\}/g, (_m, _name, fallback) => fallback)
  .replace(/\$\{(\w+):\?([^}]*)\}/g, () => OPERATOR_SECRET);
const compose = parse(interpolated, { merge: true }) as {
  services: Record<string, ComposeService>;
};

/** The variables a loader reads, found by handing it an environment that records every lookup. */
function variablesRead(load: (env: Record<string, string | undefined>) => unknown, env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  load(new Proxy({ ...env }, { get: (target, key: string) => (read.add(key), target[key]) }));
  return read;
}

const services = [
  ...DOMAINS.map((d) => ({ name: d.name, port: d.defaultPort, entry: `subgraphs/${d.dir}/src/main.ts`, load: (env: Record<string, string | undefined>) => loadSubgraphConfig(d, env) })),
  { name: 'gateway', port: 4000, entry: 'gateway/src/main.ts', load: (env: Record<string, string | undefined>) => loadGatewayConfig(env) },
];

describe('docker-compose.yml', () => {
  it('asks the operator for every secret instead of falling back to one printed here', () => {
    expect(required.map((r) => r.name).sort()).toEqual(['JWT_SECRET', 'MESHGATE_SUBGRAPH_SECRET']);
    for (const { name, message } of required) expect(message).toContain(`set ${name} to a secret of 32+`);
    expect(composeText).not.toMatch(/SECRET:-/);
  });

  it('runs PostgreSQL and exactly the services the code defines', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', ...services.map((s) => s.name)].sort());
  });

  describe.each(services)('service $name', ({ name, port, entry, load }) => {
    const service = compose.services[name];

    it('starts the entry point that exists in the repository, from the image built here', () => {
      expect(service.build).toBe('.');
      expect(service.command).toEqual(['node', '--import', 'tsx', entry]);
      expect(existsSync(join(REPO_ROOT, entry))).toBe(true);
    });

    it('sets only variables the service reads, with values it accepts in production', () => {
      const env = { ...service.environment, NODE_ENV: 'production' };
      const read = variablesRead(load, env);
      expect(Object.keys(env).filter((key) => !read.has(key))).toEqual([]);
      // The image runs with NODE_ENV=production, where development secrets are refused.
      expect(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')).toContain('ENV NODE_ENV=production');
      expect(() => load(env)).not.toThrow();
    });

    it('listens on all interfaces on its port, which its healthcheck probes', () => {
      const config = load(service.environment ?? {}) as { port: number; host: string };
      expect(config).toMatchObject({ port, host: '0.0.0.0' });
      expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/`);
    });

    it('waits for what it needs to be healthy', () => {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect(compose.services[dependency]).toBeDefined();
        expect(service.depends_on![dependency].condition).toBe('service_healthy');
        expect(compose.services[dependency].healthcheck).toBeDefined();
      }
    });
  });

  it('points each subgraph at the compose PostgreSQL, and the gateway at each subgraph service', () => {
    const postgres = compose.services.postgres.environment!;
    for (const domain of DOMAINS) {
      const config = loadSubgraphConfig(domain, compose.services[domain.name].environment!);
      expect(config.databaseUrl).toBe(`postgres://${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`);
      expect(compose.services[domain.name].depends_on).toHaveProperty('postgres');
    }
    const gateway = loadGatewayConfig(compose.services.gateway.environment!);
    expect(gateway.subgraphUrls).toEqual(Object.fromEntries(DOMAINS.map((d) => [d.name, `http://${d.name}:${d.defaultPort}/graphql`])));
    expect(Object.keys(compose.services.gateway.depends_on!).sort()).toEqual(DOMAINS.map((d) => d.name).sort());
    expect(compose.services.gateway.ports).toEqual(['4000:4000']);
  });
});
