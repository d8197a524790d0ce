/**
 * Stock @apollo/gateway's side of the reload scenario: a SupergraphManager that polls the
 * registry's `GET /supergraph` with `If-None-Match` every `pollIntervalMs` and hands every new
 * supergraph to the gateway's own `update(sdl)`, which swaps schema and query planner in place as
 * stock does. Stock refuses Meshgate's SECURITY features, so each supergraph is stripped of them
 * first (stripSupergraph, as bench/run.ts prepares the stock peers' file).
 *
 * The plugin stamps every answer with `meshgate-supergraph-id`: the registry id of the supergraph
 * whose schema the request was validated against (Apollo Server's requestContext.schema), so the
 * benchmark measures the reload latency of both gateways the same way, on the load's own answers.
 * That is an addition to stock: one response header per request.
 */
import type { SupergraphManager } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import { stripSupergraph } from '../../gateway/src/supergraph/security-features.js';

export interface RegistrySupergraphOptions {
  /** The registry's base URL, e.g. http://127.0.0.1:4500. */
  url: string;
  token: string;
  pollIntervalMs: number;
  log(line: string): void;
}

interface Fetched {
  id: string;
  sdl: string;
}

export function registrySupergraph(options: RegistrySupergraphOptions): { manager: SupergraphManager; plugin: ApolloServerPlugin } {
  // Stripped SDL -> registry id (filled just before update(), read when the gateway reports the new schema).
  const idOfSdl = new Map<string, string>();
  const idOfSchema = new WeakMap<object, string>();
  let current: string | undefined;

  const fetchSupergraph = async (): Promise<Fetched | undefined> => {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
    if (current) headers['if-none-match'] = `"${current}"`;
    const response = await fetch(`${options.url}/supergraph`, { headers });
    if (response.status === 304) return undefined;
    if (!response.ok) throw new Error(`GET /supergraph: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
    const body = (await response.json()) as { id: string; sdl: string };
    return body.id === current ? undefined : body;
  };
  const strip = (fetched: Fetched) => {
    const sdl = stripSupergraph(fetched.sdl).plannerSdl;
    idOfSdl.clear();
    idOfSdl.set(sdl, fetched.id);
    return sdl;
  };

  const manager: SupergraphManager = {
    async initialize({ update }) {
      let first: Fetched | undefined;
      const deadline = Date.now() + 60_000;
      while (!first) {
        try {
          first = await fetchSupergraph();
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs));
        }
      }
      current = first.id;
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      // One poll at a time: the next is scheduled when the previous ended, as an interval would drift anyway.
      const poll = async () => {
        try {
          const next = await fetchSupergraph();
          if (next) {
            const started = performance.now();
            update(strip(next));
            current = next.id;
            options.log(`RELOADED ${JSON.stringify({ id: next.id, updateMs: Math.round(performance.now() - started) })}`);
          }
        } catch (error) {
          // As stock does with a supergraph it cannot load: keep serving the previous one.
          options.log(`supergraph poll failed: ${(error as Error).message}`);
        }
        if (!stopped) timer = setTimeout(poll, options.pollIntervalMs);
      };
      timer = setTimeout(poll, options.pollIntervalMs);
      return {
        supergraphSdl: strip(first),
        cleanup: async () => {
          stopped = true;
          clearTimeout(timer);
        },
      };
    },
  };

  const plugin: ApolloServerPlugin = {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          const id = coreSupergraphSdl === undefined ? undefined : idOfSdl.get(coreSupergraphSdl);
          if (id) idOfSchema.set(apiSchema, id);
        },
      };
    },
    async requestDidStart() {
      return {
        async willSendResponse({ response, schema }) {
          response.http.headers.set('meshgate-supergraph-id', idOfSchema.get(schema) ?? 'unknown');
        },
      };
    },
  };
  return { manager, plugin };
}
