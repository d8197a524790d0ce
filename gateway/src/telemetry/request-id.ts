import { randomUUID } from 'node:crypto';
import type { RequestPlugin } from './plugins.js';

/** Accepted from the client, echoed on the answer, forwarded to every subgraph. */
export const REQUEST_ID_HEADER = 'x-request-id';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's request id if it is 1..128 characters of `[A-Za-z0-9._:-]`, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined, generate: () => string = randomUUID): string {
  return typeof header === 'string' && VALID_REQUEST_ID.test(header) ? header : generate();
}

export const requestIdPlugin: RequestPlugin = {
  name: 'request-id',
  start({ http }) {
    const requestId = requestIdOf(http.headers[REQUEST_ID_HEADER]);
    return {
      responseHeaders: { [REQUEST_ID_HEADER]: requestId },
      subgraphHeaders: { [REQUEST_ID_HEADER]: requestId },
      logBindings: { requestId },
    };
  },
};
