import { Agent, request } from 'undici';
import type { Logger } from '../../../shared/logging.js';
import { once } from '../../../shared/once.js';
import type { FreshnessKnowledge } from './evaluate-promises.js';

/** What the gateway last learned from one product's `GET /freshness`. */
export interface FreshnessReading extends FreshnessKnowledge {
  /** Per table, as the product reported it (ISO). */
  tables: Readonly<Record<string, string>>;
  /** When the last good report arrived (ISO); null before the first. */
  checkedAt: string | null;
  /** Why the latest poll failed, while it keeps failing. */
  failing?: string;
}

export interface FreshnessPollerOptions {
  /** The subgraphs to poll, with their routing URLs: the serving generation's routes. */
  targets: () => readonly { name: string; url: string }[];
  /** Pause between the end of one round and the start of the next (PROMISES_FRESHNESS_INTERVAL_MS). */
  intervalMs: number;
  /** One poll's deadline: connecting and the whole answer. Default min(2000, intervalMs / 2). */
  timeoutMs?: number;
  /** An answer longer than this is refused (a report is a few hundred bytes). Default 65536. */
  maxBytes?: number;
  /** Without a good report for this long, freshness is unknown (the last value is still shown). Default 3 × intervalMs. */
  unknownAfterMs?: number;
  logger: Logger;
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
}

export interface FreshnessPoller {
  /** Polls at once, then every interval, until `stop`. */
  start(): void;
  /** One round over every target (tests; `start` runs these). */
  pollOnce(): Promise<void>;
  reading(subgraph: string): FreshnessReading | undefined;
  /** Stops the timer, the round in flight and the connections (once; later calls wait for the first). */
  stop(): Promise<void>;
}

/** More tables than this is not a data product's change record. */
const MAX_TABLES = 1000;

interface State {
  lastChangedAt: string | null;
  tables: Record<string, string>;
  checkedAt?: number;
  failing?: string;
}

/**
 * Reads each serving subgraph's `GET /freshness` (at the origin of its routing URL) every
 * interval, with a short deadline and a size bound, one round at a time. A product that fails
 * keeps its last report, logged once when it starts failing and once when it is back; after
 * `unknownAfterMs` without a good report its freshness reads as unknown.
 */
export function createFreshnessPoller(options: FreshnessPollerOptions): FreshnessPoller {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? Math.min(2000, Math.max(1, Math.floor(options.intervalMs / 2)));
  const maxBytes = options.maxBytes ?? 65_536;
  const unknownAfterMs = options.unknownAfterMs ?? 3 * options.intervalMs;
  const states = new Map<string, State>();
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  let stopped = false;
  const stopping = new AbortController();
  // Its own small pool, closed on stop: a stopped gateway leaves no connection to any product open.
  const agent = new Agent({ connections: 1, keepAliveTimeout: Math.max(options.intervalMs * 2, 4000) });

  const pollOne = async (name: string, url: string): Promise<void> => {
    const state = states.get(name) ?? { lastChangedAt: null, tables: {} };
    states.set(name, state);
    try {
      const report = await fetchReport(agent, new URL('/freshness', url), timeoutMs, maxBytes, stopping.signal);
      if (state.failing !== undefined) options.logger.info({ product: name }, `freshness of "${name}" is reported again`);
      state.lastChangedAt = report.lastChangedAt;
      state.tables = report.tables;
      state.checkedAt = now();
      state.failing = undefined;
    } catch (error) {
      if (stopping.signal.aborted) return;
      const reason = (error as Error).message;
      // Once per run of failures, not per poll: a product that is down would otherwise flood the log.
      // `product`, not `subgraph`: this is no subgraph fetch, and must not read as one of its failures.
      if (state.failing === undefined) options.logger.warn({ product: name, reason }, `freshness of "${name}" could not be read: ${reason}; its last report is kept`);
      state.failing = reason;
    }
  };

  const pollOnce = async (): Promise<void> => {
    const targets = options.targets();
    // Only the serving subgraphs are remembered: a removed one is forgotten, so memory follows the supergraph.
    const names = new Set(targets.map((t) => t.name));
    for (const name of states.keys()) if (!names.has(name)) states.delete(name);
    await Promise.all(targets.map((t) => pollOne(t.name, t.url)));
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = pollOnce().finally(() => schedule(options.intervalMs));
    }, delay);
    // A poll never keeps the process alive on its own.
    timer.unref();
  };

  return {
    start: () => schedule(0),
    pollOnce,
    reading(subgraph) {
      const state = states.get(subgraph);
      if (!state) return undefined;
      const known = state.checkedAt !== undefined && now() - state.checkedAt <= unknownAfterMs;
      return {
        known,
        lastChangedAt: state.lastChangedAt,
        tables: state.tables,
        checkedAt: state.checkedAt === undefined ? null : new Date(state.checkedAt).toISOString(),
        ...(state.failing !== undefined ? { failing: state.failing } : {}),
      };
    },
    stop: once(async () => {
      stopped = true;
      clearTimeout(timer);
      stopping.abort();
      await round?.catch(() => undefined);
      await agent.close();
    }),
  };
}

/** One `GET /freshness`, checked: a small JSON object of ISO times, or an error that says what arrived. */
async function fetchReport(agent: Agent, url: URL, timeoutMs: number, maxBytes: number, stopping: AbortSignal): Promise<{ lastChangedAt: string | null; tables: Record<string, string> }> {
  const signal = AbortSignal.any([stopping, AbortSignal.timeout(timeoutMs)]);
  let text: string;
  try {
    const answer = await request(url, { method: 'GET', headers: { accept: 'application/json' }, signal, dispatcher: agent });
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      throw new Error(answer.statusCode === 404 ? 'it serves no /freshness (HTTP 404)' : `answered HTTP ${answer.statusCode}`);
    }
    const declared = Number(answer.headers['content-length']);
    if (declared > maxBytes) {
      answer.body.destroy();
      throw new Error(`answered ${declared} bytes, more than the ${maxBytes} a freshness report may have`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of answer.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        answer.body.destroy();
        throw new Error(`answered more than the ${maxBytes} bytes a freshness report may have`);
      }
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (signal.aborted && !stopping.aborted) throw new Error(`no answer within ${timeoutMs} ms`);
    throw error;
  }
  return parseReport(text);
}

export function parseReport(text: string): { lastChangedAt: string | null; tables: Record<string, string> } {
  const expected = 'expected { "lastChangedAt": ISO time or null, "tables": { name: ISO time } }';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`answered something that is not JSON: ${expected}`);
  }
  const report = value as { lastChangedAt?: unknown; tables?: unknown } | null;
  if (typeof report !== 'object' || report === null || Array.isArray(report)) throw new Error(`answered ${describe(value)}: ${expected}`);
  const { lastChangedAt, tables } = report;
  if (lastChangedAt !== null && !isTime(lastChangedAt)) throw new Error(`answered lastChangedAt ${describe(lastChangedAt)}: ${expected}`);
  if (typeof tables !== 'object' || tables === null || Array.isArray(tables)) throw new Error(`answered tables ${describe(tables)}: ${expected}`);
  const entries = Object.entries(tables);
  if (entries.length > MAX_TABLES) throw new Error(`answered ${entries.length} tables, more than ${MAX_TABLES}`);
  const checked: Record<string, string> = {};
  for (const [name, time] of entries) {
    if (name.length > 200 || !isTime(time)) throw new Error(`answered table "${name.slice(0, 50)}" with ${describe(time)}: ${expected}`);
    checked[name] = new Date(time).toISOString();
  }
  return { lastChangedAt: lastChangedAt === null ? null : new Date(lastChangedAt).toISOString(), tables: checked };
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;
}
