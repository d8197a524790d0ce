import { request } from 'undici';

import { parseJson, type Answer } from '../support/raw-http.js';

export { flood, raw, type Answer } from '../support/raw-http.js';

export interface Send {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

/** One request over HTTP/1.1 with exactly these headers (no content type is added). */
export async function send(origin: string, init: Send): Promise<Answer> {
  const started = performance.now();
  const response = await request(`${origin}${init.path ?? '/graphql'}`, {
    method: (init.method ?? 'POST') as 'POST',
    headers: init.headers ?? {},
    body: init.body,
    signal: init.signal,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: parseJson(text), ms: performance.now() - started };
}

/** A GraphQL POST as a well-behaved client sends it. */
export function graphql(origin: string, body: Record<string, unknown> | string, headers: Record<string, string> = {}): Promise<Answer> {
  return send(origin, { headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
