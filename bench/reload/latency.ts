/**
 * Pure arithmetic of the reload scenario: when the publisher publishes, and how long each
 * published supergraph took to reach callers. Kept apart from the processes so it can be
 * tested with tables (test/bench/reload-latency.test.ts).
 *
 * Reload latency of one publish = time of the first load answer carrying the published
 * supergraph's id (the `meshgate-supergraph-id` header) minus the time the publish mutation's
 * response reached the publisher. Both are `performance.now()` of the benchmark process: one clock.
 * Every publish is a new revision, so its id cannot have been served before it was published;
 * a gateway that polls between the registry's commit and the publisher receiving the answer can
 * still show it a little earlier, and that latency is then reported as it is: negative.
 */

export interface Publish {
  /** The publisher's counter: unique across the whole run, so every publish is a new supergraph id. */
  revision: number;
  /** The accepted supergraph's composition id; absent when the registry refused or kept the old one. */
  id?: string;
  /** When the publish mutation's response arrived (performance.now()). */
  publishedAt: number;
  /** How long the publish mutation took (registry checks + composition + storage). */
  publishMs: number;
  /** Why the registry did not accept it, when it did not. */
  refused?: string;
}

export interface PublishReload extends Publish {
  /** When the first answer carrying `id` arrived; absent if none did before the load ended. */
  firstAnswerAt?: number;
  latencyMs?: number;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface ReloadSummary {
  publishes: PublishReload[];
  /** Publishes the registry accepted. */
  accepted: number;
  /** Accepted publishes an answer showed: the reloads the callers saw. */
  observed: number;
  /** Accepted publishes no answer showed before the load ended. */
  missed: number;
  latencyMs: Spread | null;
}

/**
 * Matches each publish with the first answer that carried its id.
 * `firstSeen`: supergraph id -> time of the first answer that carried it.
 */
export function summarizeReloads(publishes: readonly Publish[], firstSeen: ReadonlyMap<string, number>): ReloadSummary {
  const reloads: PublishReload[] = publishes.map((publish) => {
    const at = publish.id === undefined ? undefined : firstSeen.get(publish.id);
    return at === undefined ? { ...publish } : { ...publish, firstAnswerAt: at, latencyMs: at - publish.publishedAt };
  });
  const accepted = reloads.filter((r) => r.id !== undefined);
  const latencies = accepted.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs]));
  return { publishes: reloads, accepted: accepted.length, observed: latencies.length, missed: accepted.length - latencies.length, latencyMs: spread(latencies) };
}

/** Min, median (the lower middle of an even count) and max; null for no values. */
export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted[sorted.length - 1] };
}

/**
 * When to publish, in ms from the start of the load: the middle of each period, and none in the
 * last `tailMs` of the run, so the last publish has time to be observed before the load ends
 * (a publish nobody could see would count as missed for no fault of the gateway).
 */
export function publishSchedule(durationMs: number, periodMs: number, tailMs: number): number[] {
  if (!(periodMs > 0)) throw new Error(`periodMs must be positive (got ${periodMs})`);
  const offsets: number[] = [];
  for (let at = periodMs / 2; at <= durationMs - tailMs; at += periodMs) offsets.push(at);
  return offsets;
}

/** The value of one response header, as undici gives it (a repeated header is an array: its first value). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
