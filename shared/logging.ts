import { pino, type Logger } from 'pino';

export type { Logger };

/** One JSON line per event on stdout, tagged with the service, as log collectors expect. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: service, level, base: { service } });
}
