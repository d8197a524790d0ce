import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { loadRegistryConfig } from '../../registry/src/config.js';
import { listDataProductFolders } from '../../shared/dataproduct/folders.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { loadSubgraphConfig } from '../../shared/subgraph/data-product.js';

// docker compose cannot run here, so the file is checked against the code instead.
interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  secrets?: string[];
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
  volumes: Record<string, unknown>;
  secrets?: Record<string, { file: string }>;
};

// Compose mounts each secret a service lists at /run/secrets/<name>; the test mounts its own there:
// a fresh Ed25519 key for the gateway's signing key, as `openssl genpkey -algorithm ed25519` makes.
const SECRETS_DIR = mkdtempSync(join(tmpdir(), 'meshgate-compose-secrets-'));
afterAll(() => rmSync(SECRETS_DIR, { recursive: true, force: true }));
const mounted = new Map<string, string>();
for (const service of Object.values(compose.services)) {
  for (const name of service.secrets ?? []) {
    const path = join(SECRETS_DIR, name);
    if (!mounted.has(name)) writeFileSync(path, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    mounted.set(name, path);
    for (const [key, value] of Object.entries(service.environment ?? {})) if (value === `/run/secrets/${name}`) service.environment![key] = path;
  }
}

type Loader = (env: Record<string, string | undefined>) => unknown;

/** The variables a loader reads, found by handing it an environment that records every lookup. */
function variablesRead(load: Loader, env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  load(new Proxy({ ...env }, { get: (target, key: string) => (read.add(key), target[key]) }));
  return read;
}

// The data products are the folders under subgraphs/: a new one needs its own service in the file.
const products = await listDataProductFolders();
interface Service {
  name: string;
  port: number;
  entry: string;
  load: Loader;
}
const services: Service[] = [
  ...products.map((p): Service => ({ name: p.name, port: p.defaultPort!, entry: `subgraphs/${p.name}/src/main.ts`, load: (env) => loadSubgraphConfig(p, env) })),
  { name: 'registry', port: 4500, entry: 'registry/src/main.ts', load: (env) => loadRegistryConfig(env) },
  { name: 'gateway', port: 4000, entry: 'gateway/src/main.ts', load: (env) => loadGatewayConfig(env) },
];
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

describe('docker-compose.yml', () => {
  it('asks the operator for every secret and token instead of falling back to one printed here', () => {
    const tokens = [...products.map((p) => `${p.envPrefix}PUBLISH_TOKEN`), 'GATEWAY_REGISTRY_TOKEN'];
    expect(required.map((r) => r.name).sort()).toEqual(['JWT_SECRET', 'MESHGATE_SIGNING_KEY_FILE', ...tokens].sort());
    for (const { name, message } of required) {
      expect(message).toContain(name.endsWith('_TOKEN') ? `set ${name} to a token with scope` : name.endsWith('_FILE') ? `set ${name} to the gateway's Ed25519 private key file` : `set ${name} to a secret of 32+`);
    }
    expect(composeText).not.toMatch(/SECRET:-|TOKEN:-/);
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
      // The image holds only the folders it copies.
      expect(dockerfile).toContain(`COPY ${entry.split('/')[0]} ./${entry.split('/')[0]}`);
    });

    it('sets only variables the service reads, with values it accepts in production', () => {
      const env = { ...service.environment, NODE_ENV: 'production' };
      const read = variablesRead(load, env);
      // NODE_ENV is the image's (Dockerfile), not the file's: a service need not read it.
      expect(Object.keys(service.environment ?? {}).filter((key) => !read.has(key))).toEqual([]);
      // The image runs with NODE_ENV=production, where development secrets are refused.
      expect(dockerfile).toContain('ENV NODE_ENV=production');
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

  it('points each data product at the compose PostgreSQL and has it publish itself to the registry', () => {
    const postgres = compose.services.postgres.environment!;
    for (const product of products) {
      const service = compose.services[product.name];
      const config = loadSubgraphConfig(product, service.environment!);
      expect(config.databaseUrl).toBe(`postgres://${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`);
      // Published at the address the other containers reach it by, not the descriptor's loopback one.
      expect(config.publish).toEqual({ registryUrl: 'http://registry:4500', token: OPERATOR_SECRET, url: `http://${product.name}:${product.defaultPort}/graphql` });
      expect(Object.keys(service.depends_on!).sort()).toEqual(['postgres', 'registry']);
      expect(service.environment!.MESHGATE_TOKEN).toBe(OPERATOR_SECRET);
      expect(composeText).toContain(`MESHGATE_TOKEN: \${${product.envPrefix}PUBLISH_TOKEN:?set ${product.envPrefix}PUBLISH_TOKEN to a token with scope registry:publish:${product.name} `);
    }
  });

  it('keeps the registry on its own volume and exposes its API', () => {
    const registry = compose.services.registry;
    const config = loadRegistryConfig(registry.environment!) as { dataDir?: string; databaseUrl?: string };
    expect(config.databaseUrl).toBeUndefined();
    expect(registry.volumes).toEqual([`registry-data:${config.dataDir}`]);
    expect(compose.volumes).toHaveProperty('registry-data');
    expect(registry.ports).toEqual(['4500:4500']);
  });

  it('has the gateway serve what the registry composes, once the registry and every data product are healthy', () => {
    const gateway = compose.services.gateway;
    expect(gateway.environment).toMatchObject({ SUPERGRAPH_SOURCE: 'registry', MESHGATE_REGISTRY_URL: 'http://registry:4500', MESHGATE_REGISTRY_TOKEN: OPERATOR_SECRET });
    // No subgraph URL of its own: each comes with the supergraph, as its data product published it.
    expect(Object.keys(gateway.environment!).filter((key) => key.endsWith('_URL') && key !== 'MESHGATE_REGISTRY_URL')).toEqual([]);
    expect(Object.keys(gateway.depends_on!).sort()).toEqual(['registry', ...products.map((p) => p.name)].sort());
    expect(gateway.ports).toEqual(['4000:4000']);
  });

  it('has the gateway sign with its own key, a compose secret, and every data product verify against its published keys', () => {
    const gateway = compose.services.gateway;
    // The key file is the operator's (asked for above), mounted into the gateway alone.
    expect(compose.secrets).toEqual({ 'gateway-signing-key': { file: OPERATOR_SECRET } });
    expect(gateway.secrets).toEqual(['gateway-signing-key']);
    expect(composeText).toContain('MESHGATE_SIGNING_KEY_FILE: /run/secrets/gateway-signing-key');
    expect(loadGatewayConfig(gateway.environment!).signing).toMatchObject({ mode: 'ed25519', ephemeral: false, keys: [expect.objectContaining({ kid: expect.any(String) })] });
    for (const product of products) {
      const service = compose.services[product.name];
      expect(service.secrets).toBeUndefined();
      expect(loadSubgraphConfig(product, service.environment!).signing).toEqual({
        verify: true,
        mode: 'ed25519',
        jwks: { kind: 'remote', url: 'http://gateway:4000/.well-known/jwks.json' },
        maxAgeSeconds: 60,
      });
    }
    // No secret shared between domains any more.
    expect(composeText).not.toContain('MESHGATE_SUBGRAPH_SECRET');
  });
});
