/**
 * The gateways compared, each started in its own process over the same supergraph and the same
 * subgraph instances. Meshgate gets the supergraph with its SECURITY features; stock
 * @apollo/gateway and Hive Gateway get it stripped of them (stock Apollo refuses them).
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../shared/paths.js';
import { spawnService, spawnTsx, type Service } from './processes.js';

export interface Supergraphs {
  /** Composed with the SECURITY features (Meshgate). */
  full: string;
  /** `prepareSupergraph(sdl).plannerSdl`: what stock Apollo accepts (Apollo, Hive). */
  stripped: string;
}

export interface PeerDefinition {
  name: string;
  label: string;
  start(port: number, supergraphs: Supergraphs): Service;
  /** GraphQL endpoint on `port`. */
  url(port: number): string;
}

const BENCH = join(REPO_ROOT, 'bench');

/** MESHGATE_BENCH_PROFILE_DIR=dir: Meshgate writes a V8 CPU profile there when it stops (open it in Chrome DevTools). */
const profileArgs = () => (process.env.MESHGATE_BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.MESHGATE_BENCH_PROFILE_DIR}`] : []);
export const APOLLO = 'apollo-gateway';

const meshgate = (authz: boolean): PeerDefinition => ({
  name: `meshgate-authz-${authz ? 'on' : 'off'}`,
  label: `Meshgate, authorization ${authz ? 'on' : 'off'}`,
  start: (port, sg) =>
    spawnTsx('gateway/src/main.ts', [], {
      SUPERGRAPH_PATH: sg.full,
      GATEWAY_PORT: String(port),
      AUTHZ_ENABLED: String(authz),
      LOG_LEVEL: process.env.MESHGATE_BENCH_LOG_LEVEL ?? 'warn',
    }, profileArgs()),
  url: (port) => `http://127.0.0.1:${port}/graphql`,
});

function hive(name: string, label: string, configPath?: string): PeerDefinition {
  return {
    name,
    label,
    // Default settings; only host and port given. cwd = bench/, where no gateway.config.* is picked up.
    start: (port, sg) =>
      spawnService(
        process.execPath,
        [
          join(BENCH, 'node_modules/@graphql-hive/gateway/dist/bin.js'),
          'supergraph',
          sg.stripped,
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          ...(configPath ? ['--config-path', configPath] : []),
        ],
        { cwd: BENCH, env: process.env },
      ),
    url: (port) => `http://127.0.0.1:${port}/graphql`,
  };
}

export const PEERS: readonly PeerDefinition[] = [
  meshgate(true),
  meshgate(false),
  {
    name: APOLLO,
    label: 'stock @apollo/gateway + @apollo/server',
    start: (port, sg) => spawnTsx('bench/side-by-side/apollo.ts', ['--supergraph', sg.stripped, '--port', String(port)]),
    url: (port) => `http://127.0.0.1:${port}/`,
  },
  hive('hive-gateway', 'Hive Gateway, defaults'),
  // Upstream in-flight dedup off (see hive-dedup-off.config.ts): how much of Hive's number is that.
  hive('hive-gateway-dedup-off', 'Hive Gateway, upstream dedup off', join(BENCH, 'side-by-side/hive-dedup-off.config.ts')),
];

/**
 * The cost of telemetry (issue 10): Meshgate with metrics and tracing both off, against both on
 * (every span exported to `OTEL_SINK_URL`, a stand-in collector the runner starts, and /metrics
 * scraped by the runner as Prometheus would). Run only when named in --only, e.g.
 * `npm run bench -- --only apollo-gateway,meshgate-telemetry-off,meshgate-telemetry-on --workloads b`.
 */
export const OPT_IN_PEERS: readonly PeerDefinition[] = [false, true].map((on) => ({
  name: `meshgate-telemetry-${on ? 'on' : 'off'}`,
  label: `Meshgate, metrics and tracing ${on ? 'on' : 'off'}`,
  start: (port, sg) =>
    spawnTsx('gateway/src/main.ts', [], {
      SUPERGRAPH_PATH: sg.full,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: process.env.MESHGATE_BENCH_LOG_LEVEL ?? 'warn',
      METRICS_ENABLED: String(on),
      ...(on
        ? { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_SINK_URL ?? '', OTEL_SERVICE_NAME: 'meshgate-gateway' }
        : { OTEL_TRACES_EXPORTER: 'none' }),
    }, profileArgs()),
  url: (port) => `http://127.0.0.1:${port}/graphql`,
}));

/** The no-gateway ceiling: requests sent straight to the inventory subgraph. */
export const DIRECT = { name: 'no-gateway', label: 'no gateway (inventory subgraph directly)' };
