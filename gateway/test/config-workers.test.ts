import { availableParallelism } from 'node:os';
import { ConfigError } from '../../shared/config/env.js';
import { loadGatewayConfig } from '../src/config.js';

describe('GATEWAY_WORKERS (multi-process mode)', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['2', 2],
    [' 3 ', 3],
    ['16', 16],
    ['auto', availableParallelism()],
  ])('reads %j as %d worker processes', (value, workers) => {
    expect(loadGatewayConfig({ GATEWAY_WORKERS: value }).workers).toBe(workers);
  });

  it.each(['0', '-1', '1.5', '2x', 'two', 'AUTO', 'max', '02', '1e2'])('rejects %j naming the variable, the value and what is expected', (value) => {
    const load = () => loadGatewayConfig({ GATEWAY_WORKERS: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`GATEWAY_WORKERS: expected a positive whole number of worker processes, or auto (one per core) (got "${value}")`);
  });
});
