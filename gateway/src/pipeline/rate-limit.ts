import { ErrorCode, HttpError } from '../../../shared/errors.js';
import type { RateLimiter } from '../rate-limit/options.js';
import { retryAfterSeconds } from '../rate-limit/token-bucket.js';
import type { GatewayRequest, Stage } from './stage.js';

export { createRateLimiter, type ManagedRateLimiter, type RateLimiterDeps } from '../rate-limit/rate-limiter.js';
export type { RateLimiter, RateLimitOptions, RateLimitDecision } from '../rate-limit/options.js';

/**
 * Whose budget a request spends: the verified subject, else the peer's address. The two live in
 * separate namespaces, so a token whose subject looks like an address never shares its bucket.
 */
export function callerKey(request: Pick<GatewayRequest, 'principal' | 'clientAddress'>): string {
  const subject = request.principal?.authenticated ? request.principal.subject : undefined;
  if (subject !== undefined && subject !== '') return `sub:${subject}`;
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d; one peer keeps one bucket either way.
  return `ip:${request.clientAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')}`;
}

/**
 * Spends one token of the caller's budget per request; an empty bucket answers 429
 * REQUEST_RATE_LIMITED with `Retry-After`. Runs after authentication, so a caller with a token is
 * limited by who they are, not by the address they come from.
 */
export function useRateLimit(limiter: RateLimiter): Stage {
  const { ratePerSecond, burst } = limiter.limit;
  return {
    name: 'rate-limit',
    async run(request) {
      const decision = await limiter.take(callerKey(request));
      if (decision.allowed) return;
      const seconds = retryAfterSeconds(decision.retryAfterMs);
      throw new HttpError(
        429,
        ErrorCode.RequestRateLimited,
        `Rate limit exceeded: ${ratePerSecond} requests per second (burst ${burst}) per caller; retry in ${seconds} s`,
        { 'retry-after': String(seconds) },
        { ratePerSecond, burst, retryAfterSeconds: seconds },
      );
    },
  };
}
