import { loadGatewayConfig } from '../src/config.js';
import { ConfigError } from '../../shared/config/env.js';

describe('gateway configuration from the environment', () => {
  it('has sane defaults: port 4000, compose the three contracts, subgraphs on 4001..4003', () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', subgraphTimeoutMs: 10_000, introspection: true, subgraphDeduplication: true });
    expect(loadGatewayConfig({ SUBGRAPH_DEDUPLICATION: 'false' }).subgraphDeduplication).toBe(false);
    expect(config.supergraph.kind).toBe('compose');
    expect(config.subgraphUrls).toEqual({
      inventory: 'http://127.0.0.1:4001/graphql',
      marketing: 'http://127.0.0.1:4002/graphql',
      'customer-service': 'http://127.0.0.1:4003/graphql',
    });
  });

  it('reads a supergraph file, and only the URLs actually set override the file', () => {
    const config = loadGatewayConfig({ SUPERGRAPH_PATH: 'supergraph.graphql', MARKETING_URL: 'http://marketing:4002/graphql' });
    expect(config.supergraph).toEqual({ kind: 'file', path: 'supergraph.graphql' });
    expect(config.subgraphUrls).toEqual({ marketing: 'http://marketing:4002/graphql' });
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
  ])('rejects %j naming the variable and what was expected', (env, message) => {
    expect(() => loadGatewayConfig(env)).toThrow(ConfigError);
    expect(() => loadGatewayConfig(env)).toThrow(message);
  });

  it('lists every wrong variable at once', () => {
    expect(() => loadGatewayConfig({ GATEWAY_PORT: 'x', SUBGRAPH_CONNECTIONS: '0' })).toThrow(
      /GATEWAY_PORT: .*\n.*SUBGRAPH_CONNECTIONS: /,
    );
  });

  it('lists every wrong variable of every part at once (the second no longer waits for the first to be fixed)', () => {
    const wrong = {
      GATEWAY_PORT: 'x',
      MESHGATE_SIGNATURE_MAX_AGE_SECONDS: 'soon',
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
    const named = ['GATEWAY_PORT', 'MESHGATE_SIGNATURE_MAX_AGE_SECONDS', 'JWT_CLOCK_SKEW_SECONDS', 'OPERATION_MAX_DEPTH', 'COST_MODE', 'RATE_LIMIT_BURST', 'PERSISTED_OPERATIONS_SAFELIST', 'SUBGRAPH_RETRIES'];
    expect(named.filter((name) => !problems.some((p) => p.startsWith(name) || p.includes(` ${name} `) || p.includes(name)))).toEqual([]);
  });

  it('turns introspection off by default in production, and lets the variable turn it back on', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'an-operator-secret-of-at-least-32-bytes!', MESHGATE_SUBGRAPH_SECRET: 'an-operator-secret-of-at-least-32-chars' };
    expect(loadGatewayConfig(production).introspection).toBe(false);
    expect(loadGatewayConfig({ ...production, GATEWAY_INTROSPECTION: 'true' }).introspection).toBe(true);
  });
});
