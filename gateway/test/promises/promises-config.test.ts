import { ConfigError } from '../../../shared/config/env.js';
import { loadGatewayConfig } from '../../src/config.js';
import { loadPromisesConfig } from '../../src/promises/promises-config.js';

describe('PROMISES_FRESHNESS_INTERVAL_MS', () => {
  it.each<[string | undefined, number]>([
    [undefined, 30_000],
    ['', 30_000],
    ['1000', 1000],
    ['3600000', 3_600_000],
  ])('%p reads as %p ms', (value, expected) => {
    expect(loadPromisesConfig({ PROMISES_FRESHNESS_INTERVAL_MS: value }).freshnessIntervalMs).toBe(expected);
  });

  it.each(['999', '3600001', '1.5e3x', 'soon', '1500.5', '-1'])('refuses %p, naming the variable and the range', (value) => {
    expect(() => loadPromisesConfig({ PROMISES_FRESHNESS_INTERVAL_MS: value })).toThrow(
      new ConfigError([`PROMISES_FRESHNESS_INTERVAL_MS: expected a whole number of milliseconds from 1000 to 3600000 (got "${value}")`]),
    );
  });

  it("is part of the gateway's configuration, and reported with every other wrong variable", () => {
    expect(loadGatewayConfig({}).promises).toEqual({ freshnessIntervalMs: 30_000, freshnessPolling: true });
    let error: unknown;
    try {
      loadGatewayConfig({ PROMISES_FRESHNESS_INTERVAL_MS: 'x', GATEWAY_PORT: 'y' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^GATEWAY_PORT: /), 'PROMISES_FRESHNESS_INTERVAL_MS: expected a whole number of milliseconds from 1000 to 3600000 (got "x")']),
    );
  });
});
