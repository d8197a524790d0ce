import type { GraphiQLProps } from 'graphiql';

/**
 * GraphiQL's fetcher: a same-origin POST to the gateway's /graphql with the headers editor's
 * headers. Refusals the gateway answers before GraphQL runs (401 for a bad token, 429, 413) are
 * JSON too and shown in the result pane as they arrived.
 */
export const ENDPOINT = '/graphql';

export const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  for (const [name, value] of Object.entries((options?.headers ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const response = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify(params) });
  const text = await response.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`The gateway answered HTTP ${response.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
};
