import { z } from 'zod';
import { ConfigError, parseEnvInto } from '../../../shared/config/env.js';
import { isPublicSecret } from '../../../shared/config/public-secrets.js';
import {
  ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  type AsymmetricAlgorithm,
  type AuthenticationOptions,
  type HmacAlgorithm,
} from './authentication.js';
import { MIN_HMAC_SECRET_BYTES } from './verification-keys.js';

/**
 * The development secret: public (it is in this repository), so it is refused in production.
 * `npm run token` signs with it when JWT_SECRET is not set, so a fresh checkout works end to end.
 */
export const DEVELOPMENT_SECRET = 'meshgate-development-secret-change-me';
/** `iss` and `aud` the HS256 setup expects unless JWT_ISSUER / JWT_AUDIENCE say otherwise. */
export const DEVELOPMENT_ISSUER = 'meshgate-dev';
export const DEVELOPMENT_AUDIENCE = 'meshgate';

const SOURCES = ['JWT_SECRET', 'JWT_JWKS_URL', 'JWT_JWKS_FILE'] as const;

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== ''))
  .optional();

const schema = z.object({
  JWT_SECRET: z.string().optional(),
  JWT_JWKS_URL: z
    .string()
    .refine((value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'expected a URL starting with http:// or https://')
    .optional(),
  JWT_JWKS_FILE: z.string().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_CLOCK_SKEW_SECONDS: z.coerce
    .number({ error: 'expected a whole number of seconds, 0 or more' })
    .int('expected a whole number of seconds, 0 or more')
    .min(0, 'expected a whole number of seconds, 0 or more')
    .default(30),
  JWT_ALGORITHMS: commaList,
  JWT_SCOPE_CLAIMS: commaList,
  NODE_ENV: z.string().optional(),
});

/**
 * Reads how the gateway verifies credentials from the environment:
 * - `JWT_SECRET` (HS256), `JWT_JWKS_URL` or `JWT_JWKS_FILE`: at most one. None means the public
 *   {@link DEVELOPMENT_SECRET}, which is refused when `NODE_ENV=production`.
 * - `JWT_ISSUER`, `JWT_AUDIENCE`: checked when set; with a secret they default to
 *   `meshgate-dev` / `meshgate`, the values `npm run token` writes.
 * - `JWT_CLOCK_SKEW_SECONDS` (default 30), `JWT_ALGORITHMS` and `JWT_SCOPE_CLAIMS` (comma lists).
 * Every problem is reported at once, each naming its variable; a secret's value is never printed.
 */
export function loadAuthenticationConfig(env: Record<string, string | undefined> = process.env): AuthenticationOptions {
  const problems: string[] = [];
  const parsed = parseEnvInto(schema, env, problems);
  // The checks across variables read the raw values, so they are reported even when a value above failed.
  const raw = (name: keyof z.infer<typeof schema>) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const list = (name: 'JWT_ALGORITHMS' | 'JWT_SCOPE_CLAIMS') => raw(name)?.split(',').map((item) => item.trim()).filter((item) => item !== '');

  const set = SOURCES.filter((name) => raw(name) !== undefined);
  if (set.length > 1) {
    problems.push(`${set.join(' and ')} are ${set.length === 2 ? 'both' : 'all'} set: set only one of JWT_SECRET (HS256 shared secret), JWT_JWKS_URL or JWT_JWKS_FILE`);
  }
  const production = raw('NODE_ENV') === 'production';
  if (set.length === 0 && production) {
    problems.push(
      'JWT_SECRET: not set while NODE_ENV=production; the development secret is public, so set JWT_SECRET, JWT_JWKS_URL or JWT_JWKS_FILE',
    );
  }
  const secret = raw('JWT_SECRET');
  if (secret !== undefined) {
    const bytes = new TextEncoder().encode(secret).length;
    if (bytes < MIN_HMAC_SECRET_BYTES) {
      problems.push(`JWT_SECRET: expected at least ${MIN_HMAC_SECRET_BYTES} bytes for HS256 (RFC 7518 section 3.2), got ${bytes} (value not shown)`);
    }
    if (production && isPublicSecret(secret)) {
      problems.push('JWT_SECRET: is a secret printed in this repository (README, docker-compose.yml or code), which is refused when NODE_ENV=production; generate your own, e.g. openssl rand -base64 32');
    }
  }
  // A key set's tokens come from an identity provider that serves many applications: without an
  // expected issuer and audience, a token minted for another application would be accepted here.
  if (set.length === 1 && set[0] !== 'JWT_SECRET') {
    for (const name of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
      if (raw(name) === undefined) problems.push(`${name}: required with ${set[0]}, so tokens issued for other applications are refused (not set)`);
    }
  }
  const scopeClaims = list('JWT_SCOPE_CLAIMS');
  if (scopeClaims !== undefined && scopeClaims.length === 0) {
    problems.push(`JWT_SCOPE_CLAIMS: expected a comma-separated list of claim names, got "${env.JWT_SCOPE_CLAIMS}"`);
  }

  const source = set.length === 1 ? set[0] : 'JWT_SECRET';
  const family: readonly string[] = source === 'JWT_SECRET' ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
  const algorithms = list('JWT_ALGORITHMS');
  if (algorithms !== undefined) {
    const foreign = algorithms.filter((alg) => !family.includes(alg));
    if (algorithms.length === 0 || foreign.length > 0) {
      const where = source === 'JWT_SECRET' && set.length === 0 ? 'with the development secret' : `with ${source}`;
      problems.push(`JWT_ALGORITHMS: expected a comma list of ${family.join(', ')} ${where}, got "${env.JWT_ALGORITHMS}"`);
    }
  }
  if (problems.length > 0 || !parsed) throw new ConfigError(problems);

  const common = {
    issuer: parsed.JWT_ISSUER,
    audience: parsed.JWT_AUDIENCE,
    clockSkewSeconds: parsed.JWT_CLOCK_SKEW_SECONDS,
    ...(parsed.JWT_SCOPE_CLAIMS !== undefined ? { scopeClaims: parsed.JWT_SCOPE_CLAIMS } : {}),
  };
  if (parsed.JWT_JWKS_URL !== undefined) {
    return { kind: 'jwks', url: parsed.JWT_JWKS_URL, ...common, ...asymmetric(algorithms) };
  }
  if (parsed.JWT_JWKS_FILE !== undefined) {
    return { kind: 'jwks-file', path: parsed.JWT_JWKS_FILE, ...common, ...asymmetric(algorithms) };
  }
  return {
    kind: 'hs256',
    secret: parsed.JWT_SECRET ?? DEVELOPMENT_SECRET,
    ...common,
    issuer: parsed.JWT_ISSUER ?? DEVELOPMENT_ISSUER,
    audience: parsed.JWT_AUDIENCE ?? DEVELOPMENT_AUDIENCE,
    // Checked against HMAC_ALGORITHMS above.
    ...(algorithms !== undefined ? { algorithms: algorithms as HmacAlgorithm[] } : {}),
  };
}

function asymmetric(algorithms: string[] | undefined): { algorithms?: AsymmetricAlgorithm[] } {
  // Checked against ASYMMETRIC_ALGORITHMS above.
  return algorithms !== undefined ? { algorithms: algorithms as AsymmetricAlgorithm[] } : {};
}
