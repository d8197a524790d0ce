import { formatReport } from '../checks/format-report.js';
import type { CheckReport as ChecksReport, Severity } from '../checks/types.js';
import type { CheckReport, Severity as ApiSeverity } from './types.js';

/**
 * The registry's API spells severities as its GraphQL enum (ERROR) and absent values as null;
 * the checks, and so `formatReport`, use lower case and leave them out. Every client that prints a
 * report it received (the CLI, a data product publishing itself) converts it here.
 */
const SEVERITIES: Record<ApiSeverity, Severity> = { ERROR: 'error', WARNING: 'warning', INFO: 'info' };

export function fromApiReport(report: CheckReport): ChecksReport {
  return {
    ok: report.ok,
    ...(report.compositionId ? { compositionId: report.compositionId } : {}),
    results: report.results.map((result) => ({
      severity: SEVERITIES[result.severity],
      rule: result.rule,
      message: result.message,
      coordinates: [...result.coordinates],
      clients: result.clients.map((c) => ({ ...c })),
      ...(result.evidence ? { evidence: result.evidence } : {}),
    })),
  };
}

/** The readable report (grouped by severity, a summary line last) of a report the API returned. */
export function formatApiReport(report: CheckReport): string {
  return formatReport(fromApiReport(report));
}
