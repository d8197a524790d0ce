import { fromApiReport } from '../../registry/src/api/report.js';
import type { PublishResult } from '../../registry/src/api/types.js';
import { formatReport } from '../../registry/src/checks/format-report.js';
import { printJson, type Io } from './command.js';

/** The checks' own report type, which `formatReport` reads. */
export type ChecksReport = Parameters<typeof formatReport>[0];

export { fromApiReport };

/** The readable report as `formatReport` groups it (by severity, a summary line last). */
export function printReport(write: (text: string) => void, report: ChecksReport): void {
  write(`${formatReport(report).trimEnd()}\n`);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function summary(report: Pick<ChecksReport, 'results'>): string {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const result of report.results) counts[result.severity] += 1;
  return `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`;
}

function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 12) : '(none)';
}

/**
 * What `publish`, `rollback` and `remove` print: the report, then one line saying what the
 * registry did, or why it refused. Resolves to whether the change was made (or was already there).
 */
export function printPublishResult(io: Io, result: PublishResult, action: { verb: string; name: string; json: boolean }): boolean {
  if (action.json) {
    printJson(io, result);
    return result.ok;
  }
  const report = fromApiReport(result.report);
  printReport(io.out, report);
  if (!result.ok) {
    io.out(`Refused: ${action.verb} ${action.name}; nothing was changed.\n`);
    return false;
  }
  const version = result.version;
  if (result.unchanged) {
    io.out(`Unchanged: ${action.name}${version ? ` version ${version.version}` : ''} is already current; nothing to ${action.verb}.\n`);
    return true;
  }
  const supergraph = result.supergraph;
  const what = version ? `${action.name} is now version ${version.version} (${version.action}${version.url ? `, ${version.url}` : ''})` : action.name;
  const served = supergraph ? `; supergraph ${shortId(supergraph.id)} of ${plural(supergraph.inputs.length, 'subgraph')}` : '';
  io.out(`Done: ${what}${served}.\n`);
  return true;
}
