import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { ConfigError, envVar, parseEnvInto } from '../config/env.js';
import { DEFAULT_SIGNATURE_MAX_AGE_SECONDS } from './headers.js';
import { readHmacSecrets } from './hmac.js';
import { publicJwksProblem, type RemoteJwksTuning } from './jwks.js';

/** Where the gateway publishes its keys when nothing says otherwise: its default address. */
export const DEFAULT_GATEWAY_JWKS_URL = 'http://127.0.0.1:4000/.well-known/jwks.json';

/** The gateway's public keys, as a subgraph is given them. */
export type GatewayJwks =
  /** Fetched (and refetched for a new key id) from the gateway. */
  | ({ kind: 'remote'; url: string } & RemoteJwksTuning)
  /** Given as data, e.g. read from MESHGATE_GATEWAY_JWKS_FILE at start-up; `source` names it in refusals. */
  | { kind: 'static'; jwks: JSONWebKeySet; source: string };

/**
 * Whether and how a subgraph checks the gateway's signature. The variants cannot be mixed:
 * Ed25519 needs the gateway's public keys, HMAC the shared secrets, not verifying nothing.
 */
export type SignatureCheck =
  | {
      verify: true;
      mode: 'ed25519';
      jwks: GatewayJwks;
      /** The name a signature must be for. Default: the subgraph's own name (`SubgraphOptions.name`). */
      audience?: string;
      /** Largest accepted clock distance of a signature. Default in config: 60. */
      maxAgeSeconds: number;
    }
  | {
      verify: true;
      mode: 'hmac';
      /** Shared with the gateway; any of them verifies (rotation). */
      secrets: readonly string[];
      /** Largest accepted clock distance of a signature. Default in config: 60. */
      maxAgeSeconds: number;
      /** True when `MESHGATE_SUBGRAPH_SECRET` was unset and the public development secret is used: log a warning. */
      development?: boolean;
    }
  /** Every request runs as ANONYMOUS. Only for tests whose gateway does not sign; never from configuration. */
  | { verify: false };

/** A check that verifies: what configuration produces (`verify: false` is for tests only). */
export type ConfiguredSignatureCheck = Extract<SignatureCheck, { verify: true }>;

/** `MESHGATE_SIGNING`: the scheme of the whole mesh; the gateway and every subgraph must agree. */
export const signingMode = () =>
  z.enum(['ed25519', 'hmac'], { error: 'expected ed25519 (the gateway signs with its private key, subgraphs verify with its public keys) or hmac (a secret shared by all)' }).default('ed25519');

/**
 * A subgraph's signature check from the environment:
 * - `MESHGATE_SIGNING` `ed25519` (default) or `hmac`;
 * - ed25519: `MESHGATE_GATEWAY_JWKS_URL` (default http://127.0.0.1:4000/.well-known/jwks.json),
 *   or `MESHGATE_GATEWAY_JWKS_FILE`, a JWK Set of the gateway's public keys read at start-up;
 * - hmac: `MESHGATE_SUBGRAPH_SECRET` (comma-separated for rotation; see hmac.ts);
 * - `MESHGATE_SIGNATURE_MAX_AGE_SECONDS` (default 60).
 * A variable of the other scheme is refused rather than ignored: it means the operator believes
 * the mesh runs on a scheme it does not.
 */
export function loadSignatureCheck(env: Record<string, string | undefined> = process.env): ConfiguredSignatureCheck {
  const problems: string[] = [];
  const parsed = parseEnvInto(
    z.object({
      MESHGATE_SIGNING: signingMode(),
      MESHGATE_SIGNATURE_MAX_AGE_SECONDS: envVar.positiveInt(DEFAULT_SIGNATURE_MAX_AGE_SECONDS),
      MESHGATE_GATEWAY_JWKS_URL: envVar.url(['http', 'https']).optional(),
      MESHGATE_GATEWAY_JWKS_FILE: z.string().optional(),
    }),
    env,
    problems,
  );
  const mode = parsed?.MESHGATE_SIGNING ?? (env.MESHGATE_SIGNING?.trim() === 'hmac' ? 'hmac' : 'ed25519');
  const maxAgeSeconds = parsed?.MESHGATE_SIGNATURE_MAX_AGE_SECONDS ?? DEFAULT_SIGNATURE_MAX_AGE_SECONDS;
  if (mode === 'hmac') {
    for (const name of ['MESHGATE_GATEWAY_JWKS_URL', 'MESHGATE_GATEWAY_JWKS_FILE']) {
      if (env[name]?.trim()) problems.push(`${name}: is set, but MESHGATE_SIGNING=hmac verifies a shared secret, not the gateway's keys: unset it, or set MESHGATE_SIGNING=ed25519`);
    }
    const { secrets, development } = readHmacSecrets(env, problems);
    if (problems.length) throw new ConfigError(problems);
    return { verify: true, mode, secrets, maxAgeSeconds, development };
  }
  if (env.MESHGATE_SUBGRAPH_SECRET?.trim()) problems.push(secretWithoutHmac());
  const file = parsed?.MESHGATE_GATEWAY_JWKS_FILE;
  if (file && parsed?.MESHGATE_GATEWAY_JWKS_URL) {
    problems.push('MESHGATE_GATEWAY_JWKS_FILE: cannot be combined with MESHGATE_GATEWAY_JWKS_URL: set the one the gateway\'s keys come from');
  }
  const jwks = file ? readJwksFile(file, problems) : undefined;
  if (problems.length) throw new ConfigError(problems);
  return {
    verify: true,
    mode,
    jwks: jwks ? { kind: 'static', jwks, source: `the JWKS file ${file}` } : { kind: 'remote', url: parsed!.MESHGATE_GATEWAY_JWKS_URL ?? DEFAULT_GATEWAY_JWKS_URL },
    maxAgeSeconds,
  };
}

/** The refusal of a shared secret while the mesh signs with keys (gateway and subgraphs say the same). */
export function secretWithoutHmac(): string {
  return 'MESHGATE_SUBGRAPH_SECRET: is set, but MESHGATE_SIGNING is ed25519 (the default), which uses no shared secret: set MESHGATE_SIGNING=hmac to keep signing with it, or unset it (value not shown)';
}

function readJwksFile(path: string, problems: string[]): JSONWebKeySet | undefined {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not JSON';
    problems.push(`MESHGATE_GATEWAY_JWKS_FILE: cannot read a JWK Set from ${path} (${reason}): expected the JSON the gateway serves at /.well-known/jwks.json`);
    return undefined;
  }
  const problem = publicJwksProblem(json);
  if (problem) {
    problems.push(`MESHGATE_GATEWAY_JWKS_FILE: ${path} is not a JWK Set of the gateway's public Ed25519 keys: ${problem}`);
    return undefined;
  }
  return json as JSONWebKeySet;
}
