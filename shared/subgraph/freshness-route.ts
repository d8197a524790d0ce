import type { Database } from '../db/database.js';
import { readChanges } from '../db/change-tracking.js';
import { ErrorCode, HttpError } from '../errors.js';
import { sendJson } from '../http/graphql-http.js';
import type { Route } from '../http/listen.js';
import type { Logger } from '../logging.js';

/**
 * `GET /freshness`: when the data product's data last changed, as its change record says
 * (shared/db/change-tracking.ts): `{ "lastChangedAt": ISO | null, "tables": { name: ISO } }`.
 * Open like `/health`: it tells only times and table names, never data, and the gateway reads
 * it to measure the freshness promise. Never cached: the answer is the point.
 */
export function freshnessRoute(db: Database, logger: Logger): Route {
  return async (_req, res) => {
    try {
      const record = await readChanges(db, db.schema);
      res.setHeader('cache-control', 'no-store');
      sendJson(res, 200, record);
    } catch (error) {
      // The detail (a missing table, a host name) is for the operator's log, not for whoever asks.
      logger.warn({ err: error }, 'freshness: the change record cannot be read');
      const refusal = new HttpError(503, ErrorCode.InternalServerError, 'The change record cannot be read: freshness is unknown');
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(refusal.toBody());
    }
  };
}
