const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * Turns one JSON log line of a child service into a short human line for the terminal,
 * `[service] level message (error)`; a line that is not JSON is shown as it is.
 */
export function formatLogLine(service: string, line: string): string | null {
  if (!line.trim()) return null;
  const tag = `[${service}]`.padEnd(19);
  let record: { level?: number; msg?: string; err?: { message?: string } };
  try {
    record = JSON.parse(line);
  } catch {
    return `${tag} ${line}`;
  }
  const level = LEVELS[record.level ?? 30] ?? 'info';
  const error = record.err?.message ? ` (${record.err.message})` : '';
  return `${tag} ${level === 'info' ? '' : `${level} `}${record.msg ?? line}${error}`;
}
