import { ErrorCode, HttpError } from '../../../shared/errors.js';
import { ANONYMOUS, type Principal } from '../../../shared/principal.js';
import { captureLogs } from '../../../test/support/logs.js';
import { gatewayRequest } from '../fixtures/gateway-request.js';
import type { GatewayRequest } from '../../src/pipeline/stage.js';
import { callerKey, createRateLimiter, useRateLimit, type RateLimitDecision, type RateLimiter } from '../../src/pipeline/rate-limit.js';

function request(clientAddress: string, principal?: Principal): GatewayRequest {
  return gatewayRequest({ query: '{ __typename }' }, { clientAddress, principal, logger: captureLogs().logger });
}

const user = (subject: string): Principal => ({ authenticated: true, subject, scopes: [], claims: { sub: subject } });

/** A limiter that records whose bucket was asked and answers what the test says. */
function recordingLimiter(decision: RateLimitDecision): RateLimiter & { keys: string[] } {
  const keys: string[] = [];
  return { keys, limit: { ratePerSecond: 10, burst: 20 }, take: async (key) => (keys.push(key), decision) };
}

describe('rate limit stage', () => {
  it.each([
    ['a verified subject', request('203.0.113.7', user('alice')), 'sub:alice'],
    ['an anonymous caller, by address', request('203.0.113.7', ANONYMOUS), 'ip:203.0.113.7'],
    ['a request the authentication stage has not seen, by address', request('203.0.113.7'), 'ip:203.0.113.7'],
    ['an authenticated principal without a subject, by address', request('203.0.113.7', { ...user('x'), subject: undefined }), 'ip:203.0.113.7'],
    ['an empty subject, by address', request('203.0.113.7', user('')), 'ip:203.0.113.7'],
    ['a subject that looks like an address, in its own namespace', request('203.0.113.7', user('203.0.113.7')), 'sub:203.0.113.7'],
    ['an IPv4 peer on a dual-stack socket, as IPv4', request('::ffff:203.0.113.7'), 'ip:203.0.113.7'],
    ['an IPv6 peer', request('2001:db8::1'), 'ip:2001:db8::1'],
  ])('keys %s', async (_name, req, key) => {
    expect(callerKey(req)).toBe(key);
    const limiter = recordingLimiter({ allowed: true, remaining: 1, retryAfterMs: 0 });
    await useRateLimit(limiter).run(req);
    expect(limiter.keys).toEqual([key]);
  });

  it('refuses an empty bucket with 429, the code, Retry-After and the limit', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 0.5, burst: 1, store: { kind: 'memory' } }, { logger: captureLogs().logger, now: () => 0 });
    const stage = useRateLimit(limiter);
    await stage.run(request('198.51.100.1'));
    const refusal = stage.run(request('198.51.100.1'));
    await expect(refusal).rejects.toBeInstanceOf(HttpError);
    await expect(refusal).rejects.toMatchObject({
      status: 429,
      code: ErrorCode.RequestRateLimited,
      message: 'Rate limit exceeded: 0.5 requests per second (burst 1) per caller; retry in 2 s',
      headers: { 'retry-after': '2' },
      details: { ratePerSecond: 0.5, burst: 1, retryAfterSeconds: 2 },
    });
    // Another caller has its own bucket.
    await expect(stage.run(request('198.51.100.2'))).resolves.toBeUndefined();
  });

  it.each([
    [1, '1'],
    [1000, '1'],
    [1001, '2'],
    [0, '1'],
  ])('sends Retry-After in whole seconds, at least 1 (%i ms -> %s)', async (retryAfterMs, header) => {
    const stage = useRateLimit(recordingLimiter({ allowed: false, remaining: 0, retryAfterMs }));
    await expect(stage.run(request('198.51.100.3'))).rejects.toMatchObject({ headers: { 'retry-after': header } });
  });
});
