import { ANONYMOUS, type Principal } from '../../shared/principal.js';
import { signEd25519, type SigningKey } from '../../shared/signing/ed25519.js';
import { signedContent } from '../../shared/signing/headers.js';
import { signHmac, type SigningSecrets } from '../../shared/signing/hmac.js';
import { TEST_SIGNING_KEY } from './signing-keys.js';

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

/**
 * POSTs one GraphQL operation over real HTTP and returns status, headers and the parsed body.
 * Response data defaults to `Record<string, any>`: tests read answers of every shape and pin them
 * with `toEqual`, which checks far more than a hand-written type would.
 */
export async function postGraphQL<Data = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return parseResponse<Data>(url, response);
}

/**
 * How a test signs a request as the gateway would: Ed25519 for one subgraph (`audience`, with the
 * test gateway key unless `key` is given), or HMAC with `secret` (MESHGATE_SIGNING=hmac).
 */
export type SigningAs = {
  /** Who the gateway vouches for. Default ANONYMOUS. */
  principal?: Principal;
  /** Clock of the signer in ms since the epoch (to sign stale or future requests). Default now. */
  now?: number;
} & (
  | {
      /** The name of the subgraph the signature is for. */
      audience: string;
      /** Default the test gateway key (TEST_SIGNING_KEY). */
      key?: SigningKey;
    }
  | { secret: SigningSecrets }
);

/** The signature headers for `content` (see `signedContent`), as `signing` says. */
export function signatureHeaders(content: string | Uint8Array, signing: SigningAs): Record<string, string> {
  const principal = signing.principal ?? ANONYMOUS;
  return 'secret' in signing
    ? signHmac({ body: content, principal, secret: signing.secret, now: signing.now })
    : signEd25519({ body: content, principal, audience: signing.audience, key: signing.key ?? TEST_SIGNING_KEY, now: signing.now });
}

/** POSTs one operation straight to a subgraph, signed as the gateway would sign it. */
export async function postSigned<Data = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> | undefined,
  signing: SigningAs,
): Promise<GraphQLResponse<Data>> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signatureHeaders(body, signing) }, body });
  return parseResponse<Data>(url, response);
}

/** Sends one operation as a GET (`?query=…`), signed when `signing` is given. */
export async function getGraphQL<Data = Record<string, any>>(url: string, query: string, signing?: SigningAs): Promise<GraphQLResponse<Data>> {
  const target = new URL(url);
  target.searchParams.set('query', query);
  const headers: Record<string, string> = {
    // Apollo Server's CSRF prevention accepts a GET only with a non-simple header.
    'apollo-require-preflight': 'true',
  };
  if (signing) Object.assign(headers, signatureHeaders(signedContent('GET', target.pathname + target.search, ''), signing));
  return parseResponse<Data>(url, await fetch(target, { headers }));
}

async function parseResponse<Data>(url: string, response: Response): Promise<GraphQLResponse<Data>> {
  const text = await response.text();
  let body: GraphQLResponse<Data>['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Expected a JSON body from ${url}, got HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body };
}
