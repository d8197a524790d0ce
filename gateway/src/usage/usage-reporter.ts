import type { Logger } from '../../../shared/logging.js';
import type { RegistryEndpoint } from '../supergraph/supergraph-config.js';

/** One row of the registry's `reportUsage`: how often one client version used one coordinate on one UTC day. */
export interface UsageEntry {
  day: string;
  clientName: string;
  clientVersion: string;
  coordinate: string;
  count: number;
}

export interface ClientIdentity {
  name: string;
  version: string;
}

export interface UsageReporterOptions {
  registry: RegistryEndpoint;
  /** Between two flushes (USAGE_REPORT_INTERVAL_MS). */
  intervalMs: number;
  logger: Logger;
  /** Distinct (day, client, version, coordinate) counts kept in memory; beyond it new ones are dropped. Default 50000. */
  maxKeys?: number;
  /** Entries per `reportUsage` call; the registry takes at most 10000. Default 10000. */
  maxEntriesPerCall?: number;
  /** Deadline of one call. Default 10000 ms. */
  timeoutMs?: number;
  /** Milliseconds since the epoch, for the UTC day. Default Date.now. */
  clock?: () => number;
  fetch?: typeof fetch;
}

export interface UsageReporter {
  /** Counts one use of each coordinate by `client`, today (UTC). */
  record(client: ClientIdentity, coordinates: readonly string[]): void;
  /** Sends what is counted; what fails to send is kept for the next flush. */
  flush(): Promise<void>;
  /** Stops the timer and flushes one last time. */
  stop(): Promise<void>;
}

const REPORT_USAGE = 'mutation ReportUsage($entries: [UsageEntryInput!]!) { reportUsage(entries: $entries) }';
const SEPARATOR = '\u0000';

/**
 * Usage counts for the registry's usage-aware checks (a breaking change to a coordinate nobody used
 * passes). Counts live here, outside any generation, so a supergraph swap loses none. Memory is
 * bounded by `maxKeys`: a flood of client names or operations drops new keys (logged, once per
 * flush) rather than growing the process; a failed flush merges its entries back under the same bound.
 */
export function createUsageReporter(options: UsageReporterOptions): UsageReporter {
  const maxKeys = options.maxKeys ?? 50_000;
  const perCall = Math.min(options.maxEntriesPerCall ?? 10_000, 10_000);
  const clock = options.clock ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const endpoint = new URL('graphql', options.registry.url.endsWith('/') ? options.registry.url : `${options.registry.url}/`).toString();
  const log = options.logger;
  let counts = new Map<string, number>();
  let dropped = 0;
  let failing = false;
  let flushing: Promise<void> | undefined;

  const add = (key: string, count: number): boolean => {
    const current = counts.get(key);
    if (current !== undefined) counts.set(key, current + count);
    else if (counts.size < maxKeys) counts.set(key, count);
    else return false;
    return true;
  };

  const send = async (entries: UsageEntry[]): Promise<void> => {
    const response = await doFetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.registry.token}` },
      body: JSON.stringify({ query: REPORT_USAGE, variables: { entries } }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let body: { data?: { reportUsage?: unknown }; errors?: { message?: string; extensions?: { code?: string } }[] } | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.status !== 200 || !body || body.errors?.length || typeof body.data?.reportUsage !== 'number') {
      const error = body?.errors?.[0];
      throw new Error(`reportUsage answered HTTP ${response.status}${error?.extensions?.code ? ` ${error.extensions.code}` : ''}${error?.message ? `: ${error.message.slice(0, 200)}` : ''}`);
    }
  };

  const flushNow = async (): Promise<void> => {
    if (dropped > 0) {
      log.warn({ dropped, maxKeys }, 'usage counts dropped: more distinct (day, client, coordinate) keys than the gateway keeps between two reports');
      dropped = 0;
    }
    if (counts.size === 0) return;
    const taken = counts;
    counts = new Map();
    const entries = [...taken].map(([key, count]) => {
      const [day, clientName, clientVersion, coordinate] = key.split(SEPARATOR) as [string, string, string, string];
      return { day, clientName, clientVersion, coordinate, count };
    });
    let sent = 0;
    try {
      for (; sent < entries.length; sent += perCall) await send(entries.slice(sent, sent + perCall));
      if (failing) log.info({ entries: entries.length }, 'usage reported to the registry again');
      failing = false;
    } catch (error) {
      // The rest waits for the next flush, merged with what arrived meanwhile, under the same bound.
      let lost = 0;
      for (const entry of entries.slice(sent)) {
        if (!add([entry.day, entry.clientName, entry.clientVersion, entry.coordinate].join(SEPARATOR), entry.count)) lost++;
      }
      if (!failing) log.warn({ reason: (error as Error).message, kept: entries.length - sent - lost, lost }, 'usage report to the registry failed: counts kept for the next one');
      failing = true;
    }
  };

  const flush = (): Promise<void> => {
    // One flush at a time: a slow registry must not see the same counts twice.
    flushing ??= flushNow().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };

  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();

  return {
    record(client, coordinates) {
      const prefix = [utcDay(clock()), client.name, client.version].join(SEPARATOR) + SEPARATOR;
      for (const coordinate of coordinates) if (!add(prefix + coordinate, 1)) dropped++;
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flushing;
      await flush();
    },
  };
}

/** `2024-05-01`: the UTC day of a timestamp. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The client as it names itself (`apollographql-client-name` / `-version`), bounded: at most 64
 * characters of letters, digits and `._-@/:+ ` (anything else becomes `_`), `unknown` when absent,
 * so a header cannot smuggle arbitrary text into the registry's reports.
 */
export function clientIdentity(name: string | undefined, version: string | undefined): ClientIdentity {
  return { name: clean(name), version: clean(version) };
}

function clean(value: string | undefined): string {
  const trimmed = (value ?? '').trim().slice(0, 64).replace(/[^A-Za-z0-9._\-@/:+ ]/g, '_');
  return trimmed === '' ? 'unknown' : trimmed;
}
