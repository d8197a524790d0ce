import type { Logger } from '../../../shared/logging.js';
import type { Principal } from '../../../shared/principal.js';

/** One structured record per GraphQL request: who asked what, what was withheld, which classified fields were served. */
export interface AuditRecord {
  subject: string | null;
  authenticated: boolean;
  operationName: string | null;
  /** sha256 of the operation text as received. */
  operationHash: string;
  /** Paths removed (or, in dry run, that would have been removed), with their schema coordinates. */
  denied: readonly { path: string; coordinate: string }[];
  /** Classified schema coordinates ("Customer.email") whose values the response carries. */
  classifiedReturned: readonly string[];
  dryRun: boolean;
}

/** Writes audit records as JSON lines tagged `audit: true`, so a log pipeline can route them apart. */
export function createAuditLog(logger: Logger): (record: AuditRecord) => void {
  const audit = logger.child({ audit: true });
  return (record) => audit.info(record, 'graphql request');
}

export function auditSubject(principal: Principal): Pick<AuditRecord, 'subject' | 'authenticated'> {
  return { subject: principal.subject ?? null, authenticated: principal.authenticated };
}
