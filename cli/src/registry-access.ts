import { createRegistryClient, RegistryError, type RegistryClient } from '../../registry/src/client.js';
import { InputError, isHttpUrl, RegistryAccessError, UsageError, type Io } from './command.js';

/** Where the registry listens unless `--registry` or MESHGATE_REGISTRY_URL says otherwise (its REGISTRY_PORT default). */
export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:4500';

/** The flags of every command that talks to the registry. */
export const REGISTRY_OPTIONS = {
  registry: { type: 'string' },
  token: { type: 'string' },
} as const;

export const REGISTRY_HELP = `Registry:
  --registry <url>    the registry (default $MESHGATE_REGISTRY_URL, else ${DEFAULT_REGISTRY_URL})
  --token <jwt>       bearer token (default $MESHGATE_TOKEN); for development mint one with
                      meshgate token --scope <scope>`;

/** What a command needs the token to allow, so a refusal can name the scope to ask for. */
export type Access = { kind: 'read' } | { kind: 'publish'; name: string } | { kind: 'admin' };

export function scopesFor(access: Access): string {
  switch (access.kind) {
    case 'read':
      return 'registry:read (or registry:admin, or any registry:publish:<name>)';
    case 'publish':
      return `registry:publish:${access.name} (or registry:admin)`;
    case 'admin':
      return 'registry:admin';
    default: {
      const unreachable: never = access;
      throw new Error(`unhandled access ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The scope a development token for this access needs, for the hint in error messages. */
function mintHint(access: Access): string {
  const scope = access.kind === 'publish' ? `registry:publish:${access.name}` : access.kind === 'admin' ? 'registry:admin' : 'registry:read';
  return `npx meshgate token --scope ${scope}`;
}

/** Error codes with which the registry refuses a request it understood. */
const REFUSALS = new Set(['NOT_FOUND', 'BAD_USER_INPUT']);

export interface RegistryConnection {
  url: string;
  client: RegistryClient;
  /** Runs one registry call, turning a transport or authorization failure into a message that says what to do. */
  call<T>(request: (client: RegistryClient) => Promise<T>): Promise<T>;
}

/** The registry URL and token from the flags, else the environment; a missing token or malformed URL is a usage error. */
export function connectRegistry(command: string, flags: { registry?: string; token?: string }, io: Io, access: Access): RegistryConnection {
  const url = (flags.registry ?? io.env.MESHGATE_REGISTRY_URL ?? DEFAULT_REGISTRY_URL).trim();
  if (!isHttpUrl(url)) {
    const source = flags.registry !== undefined ? '--registry' : 'MESHGATE_REGISTRY_URL';
    throw new UsageError(`${command}: ${source} expects an http(s) URL such as ${DEFAULT_REGISTRY_URL}, got "${url}"`);
  }
  const token = (flags.token ?? io.env.MESHGATE_TOKEN ?? '').trim();
  if (token === '') {
    throw new UsageError(
      `${command}: no registry token: pass --token or set MESHGATE_TOKEN to a token with scope ${scopesFor(access)}` +
        ` (for development: export MESHGATE_TOKEN=$(${mintHint(access)}))`,
    );
  }
  const client = createRegistryClient({ url, token, ...(io.fetch ? { fetch: io.fetch } : {}) });
  return {
    url,
    client,
    call: async (request) => {
      try {
        return await request(client);
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        // The registry understood and refused the request itself (no such version, a malformed
        // argument): that is the user's to fix, like a refused check, not a registry failure.
        if (REFUSALS.has(error.code)) throw new InputError(`the registry at ${url} refused it: ${error.message}`);
        throw new RegistryAccessError(describeRegistryError(error, url, access));
      }
    },
  };
}

/** Says what went wrong with the registry and what to do about it. */
export function describeRegistryError(error: RegistryError, url: string, access: Access): string {
  const { status, code } = error;
  if (status === 401 || code === 'UNAUTHENTICATED') {
    return (
      `The registry at ${url} refused the token (401 UNAUTHENTICATED): ${error.message}. ` +
      `Pass a valid token with --token or MESHGATE_TOKEN, with scope ${scopesFor(access)} (for development: ${mintHint(access)})`
    );
  }
  if (status === 403 || code === 'FORBIDDEN') {
    // The registry's message usually names the scope already; say it only when it does not.
    const needs = error.message.includes('registry:') ? '' : `. This needs a token with scope ${scopesFor(access)}`;
    return `The registry at ${url} refused this (403 FORBIDDEN): ${error.message}${needs}`;
  }
  if (code === 'UNREACHABLE') {
    // The client's message names the URL and the cause (ECONNREFUSED, ENOTFOUND, ...).
    return (
      `${error.message}. Start it with \`npm start\` (the whole mesh) or \`npx tsx registry/src/main.ts\`, ` +
      'or point --registry or MESHGATE_REGISTRY_URL at a running one'
    );
  }
  if (status === 0 || code === 'BAD_RESPONSE') return `${error.message} (${code})`;
  return `The registry at ${url} answered with an error (${code}${status !== 200 ? `, HTTP ${status}` : ''}): ${error.message}`;
}
