import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../shared/logging.js';

/** A real pino logger whose JSON lines land in `lines`, for tests that read what a service logs. */
export function captureLogs(level = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
