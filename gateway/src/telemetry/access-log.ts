import { createHash } from 'node:crypto';
import type { RequestPlugin } from './plugins.js';

/** Longest operation name logged; a longer one is cut (the hash still tells operations apart). */
export const MAX_LOGGED_OPERATION_NAME = 100;
/** Longest path logged (a refused request may name any path). */
const MAX_LOGGED_PATH = 200;

/** The first 16 hex digits of the sha256 of the operation text. */
export function operationHash(query: string): string {
  return createHash('sha256').update(query).digest('hex').slice(0, 16);
}

/**
 * One info line per GraphQL request, `msg: 'request'`, when it is over: the request id (bound to
 * the request's logger by request-id.ts), method, path, status, duration, operation name and hash, the
 * subgraphs called, the error count and the supergraph generation that served it.
 */
export const accessLogPlugin: RequestPlugin = {
  name: 'access-log',
  start({ http, method, generationId, startedAt }) {
    const url = http.url ?? '/';
    const query = url.indexOf('?');
    const path = (query === -1 ? url : url.slice(0, query)).slice(0, MAX_LOGGED_PATH);
    return {
      end(result, logger) {
        logger.info(
          {
            method,
            path,
            status: result.status,
            durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
            ...(result.operationName ? { operationName: result.operationName.slice(0, MAX_LOGGED_OPERATION_NAME) } : {}),
            ...(result.query ? { operationHash: operationHash(result.query) } : {}),
            subgraphs: result.subgraphs,
            errors: result.errors,
            supergraph: generationId,
          },
          'request',
        );
      },
    };
  },
};
