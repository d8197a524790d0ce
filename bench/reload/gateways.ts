/**
 * The two gateways of the reload scenario, both reading their supergraph from the same registry
 * and polling it at the same interval: Meshgate with its registry source (generations), and stock
 * @apollo/gateway with a SupergraphManager doing the same polling (bench/side-by-side/registry-supergraph.ts).
 */
import type { PeerDefinition } from '../lib/peers.js';
import { spawnTsx } from '../lib/processes.js';

export const MESHGATE_RELOAD = 'meshgate';
export const APOLLO_RELOAD = 'apollo-gateway';

export interface RegistryAccess {
  url: string;
  token: string;
  pollIntervalMs: number;
}

export function reloadPeers(registry: RegistryAccess): PeerDefinition[] {
  return [
    {
      name: MESHGATE_RELOAD,
      label: `Meshgate, SUPERGRAPH_SOURCE=registry, polled every ${registry.pollIntervalMs} ms`,
      start: (port) =>
        spawnTsx('gateway/src/main.ts', [], {
          SUPERGRAPH_SOURCE: 'registry',
          MESHGATE_REGISTRY_URL: registry.url,
          MESHGATE_REGISTRY_TOKEN: registry.token,
          SUPERGRAPH_POLL_INTERVAL_MS: String(registry.pollIntervalMs),
          GATEWAY_PORT: String(port),
          LOG_LEVEL: process.env.MESHGATE_BENCH_LOG_LEVEL ?? 'warn',
        }),
      url: (port) => `http://127.0.0.1:${port}/graphql`,
    },
    {
      name: APOLLO_RELOAD,
      label: `stock @apollo/gateway + @apollo/server, SupergraphManager polling the registry every ${registry.pollIntervalMs} ms`,
      start: (port) =>
        spawnTsx('bench/side-by-side/apollo.ts', ['--registry', registry.url, '--poll-ms', String(registry.pollIntervalMs), '--port', String(port)], {
          MESHGATE_REGISTRY_TOKEN: registry.token,
        }),
      url: (port) => `http://127.0.0.1:${port}/`,
    },
  ];
}
