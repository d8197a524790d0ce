import { join } from 'node:path';
import { loadGatewayConfig } from '../src/config.js';
import { routingUrlOverride } from '../src/generations/routing-url.js';
import { ConfigError } from '../../shared/config/env.js';
import { SUBGRAPHS_ROOT } from '../../shared/dataproduct/folders.js';
import { SupergraphError } from '../src/supergraph/source.js';

describe('gateway configuration from the environment', () => {
  it('has sane defaults: port 4000, compose every data product folder, no URL overridden, no usage reporting', () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', subgraphTimeoutMs: 10_000, introspection: true, subgraphDeduplication: true });
    expect(loadGatewayConfig({ SUBGRAPH_DEDUPLICATION: 'false' }).subgraphDeduplication).toBe(false);
    expect(config.supergraph).toEqual({ kind: 'compose' });
    expect(config.usageReporting).toEqual({ kind: 'off' });
    expect(['inventory', 'marketing', 'customer-service'].map((name) => routingUrlOverride(config, name))).toEqual([undefined, undefined, undefined]);
  });

  it('reads a supergraph file, and only the URLs actually set override the file', () => {
    const config = loadGatewayConfig({ SUPERGRAPH_PATH: 'supergraph.graphql', MARKETING_URL: 'http://marketing:4002/graphql' });
    expect(config.supergraph).toEqual({ kind: 'file', path: 'supergraph.graphql' });
    expect(routingUrlOverride(config, 'marketing')).toBe('http://marketing:4002/graphql');
    expect(routingUrlOverride(config, 'inventory')).toBeUndefined();
  });

  it('overrides the routing URL of any subgraph by its name, also one it learns of later, and refuses a bad one naming the variable', () => {
    const config = loadGatewayConfig({ PRICING_URL: 'http://pricing:4010/graphql', CUSTOMER_SERVICE_URL: 'http://cs:4003/graphql', LOYALTY_POINTS_URL: 'pricing:4011' });
    expect(routingUrlOverride(config, 'pricing')).toBe('http://pricing:4010/graphql');
    expect(routingUrlOverride(config, 'customer-service')).toBe('http://cs:4003/graphql');
    // A program's own URL wins over the environment's.
    expect(routingUrlOverride({ ...config, subgraphUrls: { pricing: 'http://127.0.0.1:9/graphql' } }, 'pricing')).toBe('http://127.0.0.1:9/graphql');
    expect(() => routingUrlOverride(config, 'loyalty-points')).toThrow(SupergraphError);
    expect(() => routingUrlOverride(config, 'loyalty-points')).toThrow('LOYALTY_POINTS_URL: expected a URL starting with http:// or https:// for subgraph "loyalty-points" (got "pricing:4011")');
    // The gateway's own URL variables never redirect a subgraph whose name happens to match.
    expect(routingUrlOverride(loadGatewayConfig({ REDIS_URL: 'redis://cache:6379' }), 'redis')).toBeUndefined();
  });

  it.each([
    [{}, { kind: 'compose' }],
    [{ SUPERGRAPH_SUBGRAPHS: 'inventory, ./elsewhere/pricing' }, { kind: 'compose', folders: [join(SUBGRAPHS_ROOT, 'inventory'), join(process.cwd(), 'elsewhere', 'pricing')] }],
    [{ SUPERGRAPH_PATH: 's.graphql' }, { kind: 'file', path: 's.graphql' }],
    [
      { MESHGATE_REGISTRY_URL: 'http://127.0.0.1:4500', MESHGATE_REGISTRY_TOKEN: 't0ken' },
      { kind: 'registry', registry: { url: 'http://127.0.0.1:4500', token: 't0ken' }, pollIntervalMs: 2000, startupTimeoutMs: 60_000 },
    ],
    [
      { MESHGATE_REGISTRY_URL: 'http://r:4500', MESHGATE_REGISTRY_TOKEN: 't', SUPERGRAPH_POLL_INTERVAL_MS: '250', SUPERGRAPH_STARTUP_TIMEOUT_MS: '5000', SUPERGRAPH_PATH: 'ignored.graphql' },
      { kind: 'registry', registry: { url: 'http://r:4500', token: 't' }, pollIntervalMs: 250, startupTimeoutMs: 5000 },
    ],
    [{ MESHGATE_REGISTRY_URL: 'http://r:4500', MESHGATE_REGISTRY_TOKEN: 't', SUPERGRAPH_SOURCE: 'compose' }, { kind: 'compose' }],
    [{ SUPERGRAPH_SOURCE: 'file', SUPERGRAPH_PATH: 's.graphql' }, { kind: 'file', path: 's.graphql' }],
  ])('picks the supergraph source of %j', (env, supergraph) => {
    expect(loadGatewayConfig(env).supergraph).toEqual(supergraph);
  });

  it('reports usage to the registry whenever one is configured, every USAGE_REPORT_INTERVAL_MS', () => {
    const registry = { url: 'http://r:4500', token: 't' };
    expect(loadGatewayConfig({ MESHGATE_REGISTRY_URL: registry.url, MESHGATE_REGISTRY_TOKEN: registry.token }).usageReporting).toEqual({ kind: 'registry', registry, intervalMs: 10_000 });
    expect(
      loadGatewayConfig({ MESHGATE_REGISTRY_URL: registry.url, MESHGATE_REGISTRY_TOKEN: registry.token, SUPERGRAPH_SOURCE: 'compose', USAGE_REPORT_INTERVAL_MS: '500' }).usageReporting,
    ).toEqual({ kind: 'registry', registry, intervalMs: 500 });
  });

  it.each([
    [{ GATEWAY_PORT: 'abc' }, 'GATEWAY_PORT: expected a port number (got "abc")'],
    [{ GATEWAY_PORT: '70000' }, 'GATEWAY_PORT: expected a port between 0 and 65535 (got "70000")'],
    [{ INVENTORY_URL: 'inventory:4001' }, 'INVENTORY_URL: expected a URL starting with http:// or https:// (got "inventory:4001")'],
    [{ SUBGRAPH_TIMEOUT_MS: '-5' }, 'SUBGRAPH_TIMEOUT_MS: expected a positive whole number (got "-5")'],
    [{ GATEWAY_INTROSPECTION: 'maybe' }, 'GATEWAY_INTROSPECTION: expected true or false (got "maybe")'],
    [{ SUBGRAPH_DEDUPLICATION: 'on' }, 'SUBGRAPH_DEDUPLICATION: expected true or false (got "on")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ SUBGRAPH_ERRORS: 'show' }, 'SUBGRAPH_ERRORS: expected redact or expose (got "show")'],
    [{ REQUEST_MAX_BODY_BYTES: '1MB' }, 'REQUEST_MAX_BODY_BYTES: expected a positive whole number (got "1MB")'],
    [{ CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS: expected "*" or a comma list of origins such as https://app.example.com (scheme, host, optional port; no path), not app.example.com'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'not https://app.example.com/path'],
    [{ CORS_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: 'true' }, 'CORS_ALLOW_CREDENTIALS: cannot be true while CORS_ORIGINS is "*"'],
    [{ SUPERGRAPH_SOURCE: 'etcd' }, 'SUPERGRAPH_SOURCE: expected registry, file or compose (got "etcd")'],
    [{ SUPERGRAPH_SOURCE: 'registry' }, 'MESHGATE_REGISTRY_URL: required with SUPERGRAPH_SOURCE=registry'],
    [{ SUPERGRAPH_SOURCE: 'file' }, 'SUPERGRAPH_PATH: required with SUPERGRAPH_SOURCE=file'],
    [{ MESHGATE_REGISTRY_URL: 'http://r:4500' }, 'MESHGATE_REGISTRY_TOKEN: required (and not empty) when MESHGATE_REGISTRY_URL is set'],
    [{ MESHGATE_REGISTRY_URL: 'http://r:4500', MESHGATE_REGISTRY_TOKEN: '  ' }, 'MESHGATE_REGISTRY_TOKEN: required (and not empty) when MESHGATE_REGISTRY_URL is set'],
    [{ MESHGATE_REGISTRY_URL: 'r:4500', MESHGATE_REGISTRY_TOKEN: 't' }, 'MESHGATE_REGISTRY_URL: expected a URL starting with http:// or https:// (got "r:4500")'],
    [{ SUPERGRAPH_POLL_INTERVAL_MS: '0' }, 'SUPERGRAPH_POLL_INTERVAL_MS: expected a positive whole number (got "0")'],
    [{ SUPERGRAPH_STARTUP_TIMEOUT_MS: 'soon' }, 'SUPERGRAPH_STARTUP_TIMEOUT_MS: expected a positive whole number (got "soon")'],
    [{ USAGE_REPORT_INTERVAL_MS: '-1' }, 'USAGE_REPORT_INTERVAL_MS: expected a positive whole number (got "-1")'],
    [{ SUPERGRAPH_SUBGRAPHS: 'pricing', PRICING_URL: 'pricing' }, 'PRICING_URL: expected a URL starting with http:// or https:// (got "pricing")'],
  ])('rejects %j naming the variable and what was expected', (env, message) => {
    expect(() => loadGatewayConfig(env)).toThrow(ConfigError);
    expect(() => loadGatewayConfig(env)).toThrow(message);
  });

  it('lists every wrong variable at once', () => {
    expect(() => loadGatewayConfig({ GATEWAY_PORT: 'x', SUBGRAPH_CONNECTIONS: '0' })).toThrow(
      /GATEWAY_PORT: .*\n.*SUBGRAPH_CONNECTIONS: /,
    );
    expect(() => loadGatewayConfig({ SUPERGRAPH_SOURCE: 'registry', SUPERGRAPH_POLL_INTERVAL_MS: 'often', INVENTORY_URL: 'x' })).toThrow(
      /SUPERGRAPH_POLL_INTERVAL_MS: [\s\S]*INVENTORY_URL: [\s\S]*MESHGATE_REGISTRY_URL: required/,
    );
  });

  it('lists every wrong variable of every part at once (the second no longer waits for the first to be fixed)', () => {
    const wrong = {
      GATEWAY_PORT: 'x',
      MESHGATE_SIGNING: 'rsa',
      JWT_CLOCK_SKEW_SECONDS: '-1',
      OPERATION_MAX_DEPTH: 'deep',
      COST_MODE: 'strict',
      RATE_LIMIT_BURST: '10',
      PERSISTED_OPERATIONS_SAFELIST: 'enforce',
      SUBGRAPH_RETRIES: 'many',
    };
    let problems: readonly string[] = [];
    try {
      loadGatewayConfig(wrong);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    const named = ['GATEWAY_PORT', 'MESHGATE_SIGNING', 'JWT_CLOCK_SKEW_SECONDS', 'OPERATION_MAX_DEPTH', 'COST_MODE', 'RATE_LIMIT_BURST', 'PERSISTED_OPERATIONS_SAFELIST', 'SUBGRAPH_RETRIES'];
    expect(named.filter((name) => !problems.some((p) => p.startsWith(name) || p.includes(` ${name} `) || p.includes(name)))).toEqual([]);
  });

  it('turns introspection off by default in production, and lets the variable turn it back on', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'an-operator-secret-of-at-least-32-bytes!', MESHGATE_SIGNING: 'hmac', MESHGATE_SUBGRAPH_SECRET: 'an-operator-secret-of-at-least-32-chars' };
    expect(loadGatewayConfig(production).introspection).toBe(false);
    expect(loadGatewayConfig({ ...production, GATEWAY_INTROSPECTION: 'true' }).introspection).toBe(true);
  });
});
