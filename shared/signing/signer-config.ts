import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, parseEnvInto } from '../config/env.js';
import { generateSigningKey, type SigningKey } from './ed25519.js';
import { readHmacSecrets } from './hmac.js';
import { parseSigningKeys, pkcs8Pem } from './private-keys.js';
import { secretWithoutHmac, signingMode } from './verifier-config.js';

/** How the gateway signs subgraph requests (`GatewayConfig.signing`). */
export type SigningConfig =
  | {
      mode: 'ed25519';
      /** The first signs; all are published at /.well-known/jwks.json (rotation). */
      keys: readonly SigningKey[];
      /** True when no key was configured and one was generated at start-up: log a warning. */
      ephemeral: boolean;
    }
  | {
      mode: 'hmac';
      /** The first signs, all verify. */
      secrets: readonly string[];
      /** True when `MESHGATE_SUBGRAPH_SECRET` was unset and the public development secret is used: log a warning. */
      development: boolean;
    };

const KEY_VARIABLES = ['MESHGATE_SIGNING_KEY_FILE', 'MESHGATE_SIGNING_KEY'] as const;

/**
 * The gateway's signing configuration from the environment:
 * - `MESHGATE_SIGNING` `ed25519` (default) or `hmac`;
 * - ed25519: `MESHGATE_SIGNING_KEY_FILE` (a file) or `MESHGATE_SIGNING_KEY` (the same text inline):
 *   PEM with one or more PKCS#8 Ed25519 private keys, or a JWK Set JSON of private keys; the first
 *   signs, all are published. Neither set: a key generated at start-up, with a warning; refused
 *   when `NODE_ENV=production` (subgraphs would have to trust whatever key a restart makes);
 * - hmac: `MESHGATE_SUBGRAPH_SECRET` (see hmac.ts).
 * A key never appears in an error: the problem names the variable, the key's place and what was expected.
 */
export function loadSigningConfig(env: Record<string, string | undefined> = process.env): SigningConfig {
  const problems: string[] = [];
  const parsed = parseEnvInto(z.object({ MESHGATE_SIGNING: signingMode() }), env, problems);
  const set = KEY_VARIABLES.filter((name) => env[name]?.trim());
  if (parsed?.MESHGATE_SIGNING === 'hmac') {
    for (const name of set) problems.push(`${name}: is set, but MESHGATE_SIGNING=hmac signs with a shared secret, not a key: unset it, or set MESHGATE_SIGNING=ed25519`);
    const { secrets, development } = readHmacSecrets(env, problems);
    if (problems.length) throw new ConfigError(problems);
    return { mode: 'hmac', secrets, development };
  }
  if (env.MESHGATE_SUBGRAPH_SECRET?.trim()) problems.push(secretWithoutHmac());
  if (set.length > 1) problems.push('MESHGATE_SIGNING_KEY: cannot be combined with MESHGATE_SIGNING_KEY_FILE: set the one the key comes from (value not shown)');
  const keys = set.length === 1 ? readKeys(set[0], env[set[0]]!.trim(), problems) : undefined;
  if (set.length === 0 && env.NODE_ENV?.trim() === 'production') {
    problems.push(
      'MESHGATE_SIGNING_KEY_FILE: expected the gateway\'s Ed25519 private key (PEM, e.g. openssl genpkey -algorithm ed25519 -out gateway-signing-key.pem) or MESHGATE_SIGNING_KEY; a key generated at start-up is refused when NODE_ENV=production (not set)',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return keys ? { mode: 'ed25519', keys, ephemeral: false } : { mode: 'ed25519', keys: [generateSigningKey()], ephemeral: true };
}

function readKeys(variable: (typeof KEY_VARIABLES)[number], value: string, problems: string[]): SigningKey[] | undefined {
  let text = value;
  let where = `${variable}:`;
  if (variable === 'MESHGATE_SIGNING_KEY_FILE') {
    where = `MESHGATE_SIGNING_KEY_FILE: ${value}`;
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      problems.push(`${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): expected a file with the gateway's Ed25519 private key(s)`);
      return undefined;
    }
  }
  try {
    return parseSigningKeys(text);
  } catch (error) {
    problems.push(`${where} ${(error as Error).message}${variable === 'MESHGATE_SIGNING_KEY' ? ' (value not shown)' : ''}`);
    return undefined;
  }
}

/**
 * The environment a cluster worker needs on top of the primary's (cluster.fork(env)): with a key
 * generated at start-up, the primary's own key, so every worker signs with and publishes the same
 * one. A configured key is read by each worker itself.
 */
export function workerSigningEnv(signing: SigningConfig): Record<string, string> {
  return signing.mode === 'ed25519' && signing.ephemeral ? { MESHGATE_SIGNING_KEY: pkcs8Pem(signing.keys) } : {};
}

/** What the operator should hear at start-up about signing; empty when nothing is unsafe. */
export function signingWarnings(signing: SigningConfig): string[] {
  switch (signing.mode) {
    case 'ed25519':
      return signing.ephemeral
        ? [
            `MESHGATE_SIGNING_KEY_FILE is not set: signing subgraph requests with a key generated at start-up (kid ${signing.keys[0].kid}), which the next start replaces; subgraphs that were given a static JWKS will refuse it. Set MESHGATE_SIGNING_KEY_FILE outside development`,
          ]
        : [];
    case 'hmac':
      return signing.development
        ? ['MESHGATE_SUBGRAPH_SECRET is not set: signing subgraph requests with the public development secret; set a secret shared with the subgraphs outside development']
        : [];
    default: {
      const unreachable: never = signing;
      throw new Error(`Unknown signing mode ${JSON.stringify((unreachable as { mode: unknown }).mode)}: expected ed25519 or hmac`);
    }
  }
}
