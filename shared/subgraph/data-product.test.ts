import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/env.js';
import { listDataProductFolders } from '../dataproduct/folders.js';
import { REPO_ROOT } from '../paths.js';
import { defineDataProduct, loadSubgraphConfig, type DataProductIdentity } from './data-product.js';
import { isDataProductDefinition, loadDataProductDefinition } from './load-definition.js';

// A data product folder is all the configuration needs: its name, prefix and descriptor.
let root: string;
const product = (name: string): DataProductIdentity => ({
  name,
  envPrefix: `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`,
  descriptorPath: join(root, name, 'dataproduct.yaml'),
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'meshgate-data-product-'));
  for (const [name, routingUrl] of [['pricing', 'http://127.0.0.1:4107/graphql'], ['no-url', undefined], ['bad-url', 'not a url']] as const) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, 'dataproduct.yaml'), `name: ${name}\n${routingUrl ? `routingUrl: ${routingUrl}\n` : ''}`);
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('loadSubgraphConfig', () => {
  it.each<[string, string, Record<string, string>, Record<string, unknown>]>([
    ['listens on the port of the descriptor\'s routingUrl by default', 'pricing', {}, { port: 4107, host: '127.0.0.1', seed: 'demo' }],
    ['<PREFIX>PORT moves it', 'pricing', { PRICING_PORT: '4630' }, { port: 4630 }],
    ['<PREFIX>PORT alone is enough without a routingUrl', 'no-url', { NO_URL_PORT: '4631' }, { port: 4631 }],
    ['keeps its embedded database under data/<name>', 'pricing', {}, { dataDir: join(REPO_ROOT, 'data', 'pricing') }],
    ['reads its own host, database and data folder', 'pricing', { PRICING_HOST: '0.0.0.0', PRICING_DATABASE_URL: 'postgres://db/x', PRICING_DATA_DIR: '/tmp/p' }, { host: '0.0.0.0', databaseUrl: 'postgres://db/x', dataDir: '/tmp/p' }],
    ['publishes nothing without a registry', 'pricing', { MESHGATE_TOKEN: 't' }, { publish: undefined }],
    ['publishes its routingUrl with its token when a registry is set', 'pricing', { MESHGATE_REGISTRY_URL: 'http://127.0.0.1:4620', MESHGATE_TOKEN: 't' }, { publish: { registryUrl: 'http://127.0.0.1:4620', token: 't', url: 'http://127.0.0.1:4107/graphql' } }],
    ['publishes <PREFIX>URL and the version label when set', 'pricing', { MESHGATE_REGISTRY_URL: 'http://r:4500', MESHGATE_TOKEN: 't', PRICING_URL: 'http://pricing:4107/graphql', MESHGATE_VERSION_LABEL: 'abc123' }, { publish: { registryUrl: 'http://r:4500', token: 't', url: 'http://pricing:4107/graphql', label: 'abc123' } }],
    ['MESHGATE_PUBLISH_ON_START=false turns publishing off', 'pricing', { MESHGATE_REGISTRY_URL: 'http://r:4500', MESHGATE_PUBLISH_ON_START: 'false' }, { publish: undefined }],
  ])('%s', (_name, name, env, expected) => {
    // `publish` is left out when off: spread over an undefined one so the table can say so.
    expect({ publish: undefined, ...loadSubgraphConfig(product(name), env) }).toMatchObject(expected);
  });

  it.each<[string, string, Record<string, string>, RegExp[]]>([
    ['no port anywhere names both places', 'no-url', {}, [/NO_URL_PORT: expected the port to listen on, or a routingUrl in .*no-url\/dataproduct\.yaml to take it from; neither is set/]],
    ['a routingUrl that is no URL', 'bad-url', {}, [/bad-url\/dataproduct\.yaml: routingUrl: expected a URL .*, got "not a url"/]],
    ['a registry without a token', 'pricing', { MESHGATE_REGISTRY_URL: 'http://r:4500' }, [/MESHGATE_TOKEN: expected a token with scope registry:publish:pricing/]],
    ['a registry without a URL to publish', 'no-url', { NO_URL_PORT: '1', MESHGATE_REGISTRY_URL: 'http://r:4500', MESHGATE_TOKEN: 't' }, [/NO_URL_URL: expected the URL the gateway reaches this subgraph at/]],
    ['every problem at once', 'pricing', { PRICING_PORT: 'x', MESHGATE_SEED: 'lots', MESHGATE_REGISTRY_URL: 'ftp://r' }, [/PRICING_PORT: expected a port number/, /MESHGATE_SEED: expected "demo" or "none"/, /MESHGATE_REGISTRY_URL: expected a URL starting with http:\/\//]],
  ])('refuses %s', (_name, name, env, messages) => {
    let error: unknown;
    try {
      loadSubgraphConfig(product(name), env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const message of messages) expect((error as ConfigError).problems).toContainEqual(expect.stringMatching(message));
  });
});

describe('defineDataProduct', () => {
  const spec = { seed: async () => {}, createStore: () => ({}), resolvers: {}, context: () => ({}) };

  it('derives everything else from the folder and its name', () => {
    const definition = defineDataProduct({ ...spec, name: 'customer-service', root: '/srv/mesh/subgraphs/customer-service/' });
    expect(definition).toMatchObject({
      name: 'customer-service',
      dir: '/srv/mesh/subgraphs/customer-service',
      envPrefix: 'CUSTOMER_SERVICE_',
      dbSchema: 'customer_service',
      migrationsDir: '/srv/mesh/subgraphs/customer-service/db/migrations',
      schemaPath: '/srv/mesh/subgraphs/customer-service/schema.graphql',
      descriptorPath: '/srv/mesh/subgraphs/customer-service/dataproduct.yaml',
    });
    expect(isDataProductDefinition(definition)).toBe(true);
  });

  it('refuses a name other than its folder\'s', () => {
    expect(() => defineDataProduct({ ...spec, name: 'pricing', root: '/srv/mesh/subgraphs/prices' })).toThrow(
      'defineDataProduct: expected the name of its folder /srv/mesh/subgraphs/prices, "prices", got "pricing"',
    );
  });
});

describe('loadDataProductDefinition', () => {
  it('finds the definition each data product folder of this repository exports', async () => {
    for (const folder of await listDataProductFolders()) {
      const definition = await loadDataProductDefinition(folder.dir);
      expect(definition).toMatchObject({ name: folder.name, dir: folder.dir, envPrefix: folder.envPrefix, dbSchema: folder.dbSchema, schemaPath: folder.schemaPath });
      // The same configuration, whether read from the folder or from the definition.
      expect(loadSubgraphConfig(definition, {})).toEqual(loadSubgraphConfig(folder, {}));
    }
  });

  it('says what is missing in a folder without src/server.ts', async () => {
    await expect(loadDataProductDefinition(join(root, 'pricing'))).rejects.toThrow(/pricing has no src\/server\.ts: expected the module that exports its defineDataProduct/);
  });
});
