import { ConfigError } from '../../../shared/config/env.js';
import { DEFAULT_SUBGRAPH_RESILIENCE, loadSubgraphResilienceConfig } from '../../src/execution/resilience-config.js';

describe('loadSubgraphResilienceConfig', () => {
  it('has the documented defaults', () => {
    expect(loadSubgraphResilienceConfig({})).toEqual({
      maxResponseBytes: 10_485_760,
      retries: 1,
      retryBudgetPercent: 20,
      circuitBreaker: { failures: 5, resetMs: 5000 },
    });
    expect(loadSubgraphResilienceConfig({})).toEqual(DEFAULT_SUBGRAPH_RESILIENCE);
  });

  it.each<[Record<string, string>, object]>([
    [{ SUBGRAPH_MAX_RESPONSE_BYTES: '1024' }, { maxResponseBytes: 1024 }],
    [{ SUBGRAPH_RETRIES: '0' }, { retries: 0 }],
    [{ SUBGRAPH_RETRIES: '2' }, { retries: 2 }],
    [{ SUBGRAPH_RETRY_BUDGET_PERCENT: '12.5' }, { retryBudgetPercent: 12.5 }],
    [{ SUBGRAPH_CIRCUIT_BREAKER: 'false', SUBGRAPH_CIRCUIT_FAILURES: '9' }, { circuitBreaker: false }],
    [{ SUBGRAPH_CIRCUIT_FAILURES: '10', SUBGRAPH_CIRCUIT_RESET_MS: '250' }, { circuitBreaker: { failures: 10, resetMs: 250 } }],
    [{ SUBGRAPH_RETRIES: ' ' }, { retries: 1 }],
  ])('%j -> %j', (env, expected) => {
    expect(loadSubgraphResilienceConfig(env)).toMatchObject(expected);
  });

  it.each([
    ['SUBGRAPH_MAX_RESPONSE_BYTES', '10MB', 'SUBGRAPH_MAX_RESPONSE_BYTES: expected a positive whole number (got "10MB")'],
    ['SUBGRAPH_MAX_RESPONSE_BYTES', '0', 'SUBGRAPH_MAX_RESPONSE_BYTES: expected a positive whole number (got "0")'],
    ['SUBGRAPH_RETRIES', '-1', 'SUBGRAPH_RETRIES: expected a whole number of retries, 0 or more (got "-1")'],
    ['SUBGRAPH_RETRIES', '1.5', 'SUBGRAPH_RETRIES: expected a whole number of retries, 0 or more (got "1.5")'],
    ['SUBGRAPH_RETRY_BUDGET_PERCENT', '150', 'SUBGRAPH_RETRY_BUDGET_PERCENT: expected a percentage from 0 to 100 (got "150")'],
    ['SUBGRAPH_CIRCUIT_BREAKER', 'maybe', 'SUBGRAPH_CIRCUIT_BREAKER: expected true or false (got "maybe")'],
    ['SUBGRAPH_CIRCUIT_FAILURES', '0', 'SUBGRAPH_CIRCUIT_FAILURES: expected a positive whole number (got "0")'],
    ['SUBGRAPH_CIRCUIT_RESET_MS', 'soon', 'SUBGRAPH_CIRCUIT_RESET_MS: expected a positive whole number (got "soon")'],
  ])('%s=%s is refused, naming the variable', (name, value, problem) => {
    let error: unknown;
    try {
      loadSubgraphResilienceConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([problem]);
  });

  it('checks the circuit numbers even when the breaker is off', () => {
    expect(() => loadSubgraphResilienceConfig({ SUBGRAPH_CIRCUIT_BREAKER: 'false', SUBGRAPH_CIRCUIT_RESET_MS: 'x' })).toThrow(ConfigError);
  });
});
