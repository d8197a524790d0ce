import { randomUUID } from 'node:crypto';

/** Accepted from the client by the gateway, echoed on its answer, forwarded to every subgraph, logged by both. */
export const REQUEST_ID_HEADER = 'x-request-id';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id a header carries if it is 1..128 characters of `[A-Za-z0-9._:-]`, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined, generate: () => string = randomUUID): string {
  return typeof header === 'string' && VALID_REQUEST_ID.test(header) ? header : generate();
}
