/**
 * The load generator: a closed loop of `connections` concurrent callers over keep-alive
 * connections (undici), each sending the next request of a fixed list as soon as its previous
 * answer arrived, for a fixed time. Every answer is checked: a read must be byte-identical to
 * the answer fixed for it before the run, a write must satisfy its predicate. Latencies are kept
 * whole, so percentiles over several rounds are exact (not averages of percentiles).
 */
import { Pool } from 'undici';

export interface PreparedRequest {
  body: string;
  headers: Record<string, string>;
  /** The exact answer a read must give; absent for writes. */
  expected?: string;
  /** Checks a write's parsed `data`. */
  write?: (data: unknown) => boolean;
}

export interface LoadOutcome {
  requests: number;
  seconds: number;
  latenciesMs: number[];
  /** Transport failures, non-2xx statuses, answers with GraphQL errors. */
  errors: number;
  /** 2xx answers without errors that are not the right answer. */
  wrong: number;
  /** A few failing answers, for the report. */
  samples: string[];
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Index of the first request sent (rounds start at different places in the list). */
  offset?: number;
  /** Called with every complete answer's headers and the time (performance.now()) its body arrived. */
  onAnswer?: (headers: Record<string, string | string[] | undefined>, at: number) => void;
  /** Keeps the load running past `seconds` until this settles (the reload scenario waits for its last reload). */
  until?: Promise<unknown>;
}

export async function runLoad(url: string, requests: readonly PreparedRequest[], options: LoadOptions): Promise<LoadOutcome> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: options.connections, keepAliveTimeout: 30_000 });
  const outcome: LoadOutcome = { requests: 0, seconds: 0, latenciesMs: [], errors: 0, wrong: 0, samples: [] };
  const note = (text: string) => outcome.samples.length < 5 && outcome.samples.push(text.slice(0, 400));
  let next = options.offset ?? 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let settled = options.until === undefined;
  const settle = () => (settled = true);
  options.until?.then(settle, settle);
  const caller = async () => {
    while (performance.now() < deadline || !settled) {
      const request = requests[next++ % requests.length];
      const sent = performance.now();
      let status = 0;
      let text = '';
      try {
        const response = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...request.headers }, body: request.body });
        status = response.statusCode;
        text = await response.body.text();
        options.onAnswer?.(response.headers, performance.now());
      } catch (error) {
        outcome.errors++;
        note(`transport: ${(error as Error).message}`);
        continue;
      }
      outcome.latenciesMs.push(performance.now() - sent);
      outcome.requests++;
      const verdict = judge(request, status, text);
      if (verdict === 'error') outcome.errors++;
      if (verdict === 'wrong') outcome.wrong++;
      if (verdict !== 'ok') note(`${verdict} (HTTP ${status}): ${text}`);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, caller));
  outcome.seconds = (performance.now() - started) / 1000;
  await pool.close();
  return outcome;
}

function judge(request: PreparedRequest, status: number, text: string): 'ok' | 'error' | 'wrong' {
  if (request.expected !== undefined && status === 200 && text === request.expected) return 'ok';
  if (status < 200 || status >= 300) return 'error';
  let parsed: { data?: unknown; errors?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'wrong';
  }
  if (parsed.errors) return 'error';
  if (request.write) return request.write(parsed.data) ? 'ok' : 'wrong';
  return 'wrong';
}

/** Percentile of an unsorted sample (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
