import { ConfigError } from '../../../shared/config/env.js';
import { loadRateLimitConfig } from '../../src/rate-limit/rate-limit-config.js';
import type { RateLimitConfig } from '../../src/rate-limit/options.js';

const memory = { kind: 'memory' } as const;

describe('rate limit configuration', () => {
  it.each<[string, Record<string, string>, RateLimitConfig]>([
    ['nothing set: off', {}, { kind: 'off' }],
    ['an empty rate: off', { RATE_LIMIT_PER_SECOND: '' }, { kind: 'off' }],
    ['REDIS_URL alone: off', { REDIS_URL: 'redis://127.0.0.1:6379' }, { kind: 'off' }],
    ['a rate: burst twice the rate, in memory', { RATE_LIMIT_PER_SECOND: '10' }, { kind: 'on', ratePerSecond: 10, burst: 20, store: memory }],
    ['a fractional rate: burst rounded up', { RATE_LIMIT_PER_SECOND: '1.25' }, { kind: 'on', ratePerSecond: 1.25, burst: 3, store: memory }],
    ['a slow rate: burst at least 1', { RATE_LIMIT_PER_SECOND: '0.1' }, { kind: 'on', ratePerSecond: 0.1, burst: 1, store: memory }],
    ['a rate and a burst', { RATE_LIMIT_PER_SECOND: '10', RATE_LIMIT_BURST: ' 5 ' }, { kind: 'on', ratePerSecond: 10, burst: 5, store: memory }],
    [
      'Redis with the default prefix',
      { RATE_LIMIT_PER_SECOND: '10', REDIS_URL: 'redis://127.0.0.1:6379/2' },
      { kind: 'on', ratePerSecond: 10, burst: 20, store: { kind: 'redis', url: 'redis://127.0.0.1:6379/2', keyPrefix: 'meshgate:rate-limit:' } },
    ],
    [
      'TLS Redis with its own prefix',
      { RATE_LIMIT_PER_SECOND: '10', REDIS_URL: 'rediss://cache.internal:6380', RATE_LIMIT_KEY_PREFIX: 'eu:rl:' },
      { kind: 'on', ratePerSecond: 10, burst: 20, store: { kind: 'redis', url: 'rediss://cache.internal:6380', keyPrefix: 'eu:rl:' } },
    ],
  ])('%s', (_name, env, expected) => {
    expect(loadRateLimitConfig(env)).toEqual(expected);
  });

  const RATE = 'RATE_LIMIT_PER_SECOND: expected a number of requests per second from 0.001 to 1000000';
  const BURST = 'RATE_LIMIT_BURST: expected a positive whole number of requests, at most 1000000';
  it.each<[Record<string, string>, string[]]>([
    [{ RATE_LIMIT_PER_SECOND: 'ten' }, [`${RATE} (got "ten")`]],
    [{ RATE_LIMIT_PER_SECOND: '0' }, [`${RATE} (got "0")`]],
    [{ RATE_LIMIT_PER_SECOND: '-5' }, [`${RATE} (got "-5")`]],
    [{ RATE_LIMIT_PER_SECOND: 'Infinity' }, [`${RATE} (got "Infinity")`]],
    [{ RATE_LIMIT_PER_SECOND: '2000000' }, [`${RATE} (got "2000000")`]],
    [{ RATE_LIMIT_PER_SECOND: '10', RATE_LIMIT_BURST: '0' }, [`${BURST} (got "0")`]],
    [{ RATE_LIMIT_PER_SECOND: '10', RATE_LIMIT_BURST: '2.5' }, [`${BURST} (got "2.5")`]],
    [{ RATE_LIMIT_PER_SECOND: '10', RATE_LIMIT_BURST: 'lots' }, [`${BURST} (got "lots")`]],
    [
      { RATE_LIMIT_PER_SECOND: '10', REDIS_URL: 'http://127.0.0.1:6379' },
      ['REDIS_URL: expected a URL starting with redis:// or rediss:// (got "http://127.0.0.1:6379")'],
    ],
    [{ RATE_LIMIT_PER_SECOND: '10', REDIS_URL: '127.0.0.1:6379' }, ['REDIS_URL: expected a URL starting with redis:// or rediss:// (got "127.0.0.1:6379")']],
    [
      { RATE_LIMIT_BURST: '20' },
      [
        'RATE_LIMIT_BURST: set (got "20") while RATE_LIMIT_PER_SECOND is not; a burst needs a rate: set RATE_LIMIT_PER_SECOND too, or unset RATE_LIMIT_BURST',
      ],
    ],
    [
      { RATE_LIMIT_PER_SECOND: 'ten', REDIS_URL: 'http://x' },
      [`${RATE} (got "ten")`, 'REDIS_URL: expected a URL starting with redis:// or rediss:// (got "http://x")'],
    ],
    [
      { RATE_LIMIT_BURST: 'lots', REDIS_URL: 'http://x' },
      [
        `${BURST} (got "lots")`,
        'REDIS_URL: expected a URL starting with redis:// or rediss:// (got "http://x")',
        'RATE_LIMIT_BURST: set (got "lots") while RATE_LIMIT_PER_SECOND is not; a burst needs a rate: set RATE_LIMIT_PER_SECOND too, or unset RATE_LIMIT_BURST',
      ],
    ],
  ])('refuses %p, naming every problem', (env, problems) => {
    let thrown: unknown;
    try {
      loadRateLimitConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual(problems);
  });
});
