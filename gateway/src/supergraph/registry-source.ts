import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import type { Logger } from '../../../shared/logging.js';
import { SupergraphError, type SupergraphSource, type SupergraphUpdate } from './source.js';

export interface RegistrySourceOptions {
  /** The registry's base URL (MESHGATE_REGISTRY_URL), e.g. http://127.0.0.1:4500. */
  url: string;
  /** Bearer token with read access (MESHGATE_REGISTRY_TOKEN). */
  token: string;
  /** Pause between two polls, and between two start-up attempts (SUPERGRAPH_POLL_INTERVAL_MS). Default there 2000. */
  pollIntervalMs: number;
  /** How long start-up waits for the registry's first supergraph (SUPERGRAPH_STARTUP_TIMEOUT_MS). Default there 60000. */
  startupTimeoutMs: number;
  logger: Logger;
  /** Deadline of one poll. Default 10000 ms. */
  requestTimeoutMs?: number;
  /** Default the global fetch. */
  fetch?: typeof fetch;
}

/** How one poll ended. */
type Poll =
  | { kind: 'changed'; etag: string; id: string; update: SupergraphUpdate }
  | { kind: 'unchanged' }
  /** `fatal`: retrying cannot help (the token is refused), so start-up stops at once. */
  | { kind: 'failed'; reason: string; fatal: boolean };

/**
 * The registry's latest accepted supergraph, polled with `If-None-Match` (304: nothing to do). At
 * start-up it retries, within `startupTimeoutMs`, until the registry has one; later, an unreachable
 * registry changes nothing (the current supergraph keeps serving) and is logged once per outage.
 * A supergraph the gateway refused is not asked for again: its ETag is kept like any other.
 */
export function supergraphFromRegistry(options: RegistrySourceOptions): SupergraphSource {
  const endpoint = new URL('supergraph', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();
  const doFetch = options.fetch ?? fetch;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const log = options.logger;

  return {
    kind: 'registry',
    description: `polled from ${endpoint} every ${options.pollIntervalMs} ms`,
    subscribe(onUpdate) {
      let etag: string | undefined;
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let inFlight: AbortController | undefined;
      let wake: (() => void) | undefined;
      let outage: string | undefined;

      const poll = async (): Promise<Poll> => {
        const controller = new AbortController();
        inFlight = controller;
        const deadline = setTimeout(() => controller.abort(), requestTimeoutMs);
        try {
          const response = await doFetch(endpoint, {
            headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
            signal: controller.signal,
          });
          if (response.status === 304) {
            await response.body?.cancel();
            return { kind: 'unchanged' };
          }
          const text = await response.text();
          if (response.status !== 200) return { kind: 'failed', ...refusal(response.status, text) };
          const read = readPayload(text);
          if (typeof read === 'string') return { kind: 'failed', reason: read, fatal: false };
          return { kind: 'changed', etag: response.headers.get('etag') ?? `"${read.id}"`, id: read.id, update: read.update };
        } catch (error) {
          const reason = controller.signal.aborted ? (stopped ? 'stopped' : `no answer within ${requestTimeoutMs} ms`) : transportReason(error);
          return { kind: 'failed', reason, fatal: false };
        } finally {
          clearTimeout(deadline);
          inFlight = undefined;
        }
      };

      const pause = (ms: number) =>
        new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, ms);
        });

      const initial = (async () => {
        const giveUpAt = Date.now() + options.startupTimeoutMs;
        let waitingLogged = false;
        for (;;) {
          const result = await poll();
          if (stopped) throw new SupergraphError('The registry source was stopped before the first supergraph arrived');
          if (result.kind === 'changed') {
            etag = result.etag;
            await onUpdate(result.update);
            return;
          }
          const reason = result.kind === 'failed' ? result.reason : 'answered 304 without a supergraph ever sent';
          if (result.kind === 'failed' && result.fatal) throw new SupergraphError(`The registry at ${options.url} refused the gateway's token: ${reason}`);
          if (Date.now() + options.pollIntervalMs > giveUpAt) {
            throw new SupergraphError(`No supergraph from the registry at ${options.url} within ${options.startupTimeoutMs} ms (SUPERGRAPH_STARTUP_TIMEOUT_MS): ${reason}`);
          }
          if (!waitingLogged) log.info({ reason }, 'waiting for the registry\'s first supergraph');
          waitingLogged = true;
          await pause(options.pollIntervalMs);
        }
      })();

      const loop = async () => {
        while (!stopped) {
          await pause(options.pollIntervalMs);
          if (stopped) return;
          const result = await poll();
          if (stopped) return;
          if (result.kind === 'failed') {
            // Once per outage: a registry down for an hour is one line, not 1800.
            if (outage === undefined) log.warn({ reason: result.reason }, 'registry unreachable: the current supergraph keeps serving');
            outage = result.reason;
            continue;
          }
          if (outage !== undefined) log.info({ after: outage }, 'registry reachable again');
          outage = undefined;
          if (result.kind === 'unchanged') continue;
          etag = result.etag;
          // A refused supergraph is reported by whoever refused it (the generation manager); polling goes on.
          await onUpdate(result.update).catch(() => undefined);
        }
      };
      initial.then(loop, () => undefined);

      return {
        initial,
        stop: async () => {
          stopped = true;
          clearTimeout(timer);
          wake?.();
          inFlight?.abort();
        },
      };
    },
  };
}

/** The registry's `GET /supergraph` answer: `{ id, sdl, subgraphs: [{ name, descriptor }] }`, or what is wrong with it. */
function readPayload(text: string): { id: string; update: SupergraphUpdate } | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'answered a body that is not JSON';
  }
  const payload = value as { id?: unknown; sdl?: unknown; subgraphs?: unknown } | null;
  if (typeof payload?.id !== 'string' || typeof payload.sdl !== 'string' || payload.sdl === '') {
    return 'answered an unexpected payload: expected { id, sdl, subgraphs } with id and sdl strings';
  }
  const subgraphs = Array.isArray(payload.subgraphs) ? (payload.subgraphs as unknown[]) : [];
  const descriptors = subgraphs.flatMap((entry) => {
    const subgraph = entry as { name?: unknown; descriptor?: unknown } | null;
    if (typeof subgraph?.name !== 'string' || typeof subgraph.descriptor !== 'object' || subgraph.descriptor === null) return [];
    return [{ name: subgraph.name, descriptor: subgraph.descriptor as DataProductDescriptor }];
  });
  if (descriptors.length !== subgraphs.length) return 'answered an unexpected payload: expected every subgraph to be { name, descriptor }';
  return { id: payload.id, update: { sdl: payload.sdl, descriptors } };
}

function refusal(status: number, text: string): { reason: string; fatal: boolean } {
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] };
    const found = body.errors?.[0]?.extensions?.code;
    if (typeof found === 'string') code = found;
  } catch {
    // Not JSON: the status says enough.
  }
  if (status === 404) return { reason: 'the registry has no accepted supergraph yet (HTTP 404)', fatal: false };
  return { reason: `HTTP ${status}${code ? ` ${code}` : ''}`, fatal: status === 401 || status === 403 };
}

function transportReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ? `transport error (${cause.code})` : 'transport error';
}
