import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import type { HmacAlgorithm } from './authentication.js';
import { DEVELOPMENT_AUDIENCE, DEVELOPMENT_ISSUER, DEVELOPMENT_SECRET } from './authentication-config.js';

/** What a minted token says; everything but the subject has a development default. */
export interface MintTokenInput {
  /** `sub`. */
  subject: string;
  /** `scope`, written space-separated; a string is taken as already space-separated. Default: no `scope` claim. */
  scopes?: string | readonly string[];
  /** `roles`, an array claim. Default: no `roles` claim. */
  roles?: readonly string[];
  /** Further claims, written as given. */
  claims?: Readonly<Record<string, unknown>>;
  /** Lifetime from `issuedAt` to `exp`. Default 3600. */
  ttlSeconds?: number;
  /** `iat` in seconds since the epoch; tests pass a fixed or past time. Default now. */
  issuedAt?: number;
  /** `nbf` in seconds since the epoch. Default: no `nbf` claim. */
  notBefore?: number;
  /** Default {@link DEVELOPMENT_SECRET}. */
  secret?: string;
  /** `iss`. Default {@link DEVELOPMENT_ISSUER}. */
  issuer?: string;
  /** `aud`. Default {@link DEVELOPMENT_AUDIENCE}. */
  audience?: string;
  /** Default HS256. */
  algorithm?: HmacAlgorithm;
}

/** A signed HMAC JWT for development and tests, shaped as the gateway's HS256 setup expects. */
export async function mintToken(input: MintTokenInput): Promise<string> {
  const issuedAt = input.issuedAt ?? Math.floor(Date.now() / 1000);
  const scope = typeof input.scopes === 'string' ? input.scopes.trim() : (input.scopes ?? []).join(' ');
  const payload: Record<string, unknown> = { ...input.claims };
  if (scope !== '') payload.scope = scope;
  if (input.roles !== undefined && input.roles.length > 0) payload.roles = [...input.roles];
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: input.algorithm ?? 'HS256', typ: 'JWT' })
    .setSubject(input.subject)
    .setIssuer(input.issuer ?? DEVELOPMENT_ISSUER)
    .setAudience(input.audience ?? DEVELOPMENT_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (input.ttlSeconds ?? 3600));
  if (input.notBefore !== undefined) jwt.setNotBefore(input.notBefore);
  return jwt.sign(new TextEncoder().encode(input.secret ?? DEVELOPMENT_SECRET));
}

export const TOKEN_USAGE = `Usage: npm run token -- --sub <subject> [options]

Prints a signed HS256 JWT the gateway accepts. It signs with JWT_SECRET and writes JWT_ISSUER /
JWT_AUDIENCE when they are set, otherwise the public development secret, issuer "${DEVELOPMENT_ISSUER}"
and audience "${DEVELOPMENT_AUDIENCE}".

Options:
  --sub <subject>       the "sub" claim (required)
  --scope "<a b>"       space-separated scopes for the "scope" claim; may be repeated
  --roles <a,b>         the "roles" array claim; may be repeated or comma-separated
  --ttl <duration>      lifetime: 90s, 15m, 1h, 7d or plain seconds (default 1h)
  --claim <key=value>   an extra claim; may be repeated. The value is read as JSON when it parses
                        (42, true, ["a","b"]), otherwise as a string
  -h, --help            this text

Example:
  npm run token -- --sub alice --scope "finance:read support:read" --roles pii-reader
  curl -H "Authorization: Bearer $(npm run -s token -- --sub alice)" ...`;

/** A command-line mistake: the command prints it and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type TokenCommand = { kind: 'help' } | { kind: 'mint'; input: Pick<MintTokenInput, 'subject' | 'scopes' | 'roles' | 'claims' | 'ttlSeconds'> };

// Claims the command writes itself, or that a flag already sets.
const RESERVED_CLAIMS: Record<string, string> = {
  sub: '--sub',
  scope: '--scope',
  roles: '--roles',
  exp: '--ttl',
  iat: '--ttl',
  nbf: '--ttl',
  iss: 'JWT_ISSUER',
  aud: 'JWT_AUDIENCE',
};

/** Reads the token command's arguments (without `node script`); a mistake throws {@link UsageError}. */
export function parseTokenArgs(argv: readonly string[]): TokenCommand {
  let values: ReturnType<typeof parseFlags>;
  try {
    values = parseFlags(argv);
  } catch (error) {
    // node:util's messages already name the flag ("Unknown option '--foo'").
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  const subject = values.sub?.trim();
  if (subject === undefined || subject === '') throw new UsageError('--sub is required: the subject the token is for, e.g. --sub alice');
  const scopes = (values.scope ?? []).flatMap((value) => value.split(/\s+/)).filter((scope) => scope !== '');
  const roles = (values.roles ?? []).flatMap((value) => value.split(',')).map((role) => role.trim()).filter((role) => role !== '');
  const claims: Record<string, unknown> = {};
  for (const entry of values.claim ?? []) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new UsageError(`--claim: expected key=value, got "${entry}"`);
    const key = entry.slice(0, equals).trim();
    const reservedBy = RESERVED_CLAIMS[key];
    if (reservedBy !== undefined) throw new UsageError(`--claim: "${key}" is set by ${reservedBy}, not by --claim`);
    if (Object.hasOwn(claims, key)) throw new UsageError(`--claim: "${key}" is given twice`);
    claims[key] = claimValue(entry.slice(equals + 1));
  }
  return {
    kind: 'mint',
    input: { subject, scopes, roles, claims, ttlSeconds: values.ttl === undefined ? 3600 : parseDuration(values.ttl) },
  };
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      sub: { type: 'string' },
      scope: { type: 'string', multiple: true },
      roles: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      claim: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `15m`, `1h`, `7d` or plain seconds, to a positive number of seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] as number) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(`--ttl: expected a positive duration like 90s, 15m, 1h or 7d, got "${text}"`);
  }
  return seconds;
}

function claimValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
