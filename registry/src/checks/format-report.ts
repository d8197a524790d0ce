import type { CheckReport, CheckResult, Severity } from './types.js';

const GROUPS: readonly { severity: Severity; title: string }[] = [
  { severity: 'error', title: 'Errors' },
  { severity: 'warning', title: 'Warnings' },
  { severity: 'info', title: 'Info' },
];

/**
 * The report as `meshgate check` prints it: errors, then warnings, then info, each result on its
 * line (`[rule] message`) with what it concerns, who uses it and why it was judged so indented
 * below, and a summary line last.
 */
export function formatReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const { severity, title } of GROUPS) {
    const group = report.results.filter((r) => r.severity === severity);
    if (group.length === 0) continue;
    lines.push(`${title} (${group.length}):`);
    for (const r of group) lines.push(...formatResult(r));
    lines.push('');
  }
  lines.push(summary(report));
  return lines.join('\n');
}

function formatResult(r: CheckResult): string[] {
  const lines = [`  ${mark(r.severity)} [${r.rule}] ${r.message}`];
  if (r.coordinates.length) lines.push(`      coordinates: ${r.coordinates.join(', ')}`);
  if (r.clients.length) {
    lines.push(`      used by: ${r.clients.map((c) => `${c.client} ${c.version} (${c.count} ${c.count === 1 ? 'request' : 'requests'}, last ${c.lastSeen})`).join(', ')}`);
  }
  if (r.evidence) lines.push(`      evidence: ${r.evidence}`);
  return lines;
}

function mark(severity: Severity): string {
  switch (severity) {
    case 'error':
      return '✗';
    case 'warning':
      return '!';
    case 'info':
      return '·';
    default: {
      const unexpected: never = severity;
      throw new Error(`unreachable: unknown severity ${String(unexpected)}`);
    }
  }
}

function summary(report: CheckReport): string {
  const count = (severity: Severity) => report.results.filter((r) => r.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const counts = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`;
  const composition = report.compositionId ? `; composition ${report.compositionId.slice(0, 12)}` : '';
  return `${report.ok ? 'Check passed' : 'Check failed'}: ${counts}${composition}`;
}
