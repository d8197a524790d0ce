/**
 * `npm run bench`: Meshgate side by side with stock @apollo/gateway and Hive Gateway (and no
 * gateway at all), over the same three demo subgraphs and data, in one run on one machine.
 * See bench/README.md for what is measured and how to read it.
 *
 *   npm run bench:install            # once: the peers' own packages, in bench/
 *   npm run bench [-- --quick] [--rounds 2] [--duration 6] [--connections 16] [--only meshgate,apollo]
 *                 [--workloads a,b,c,d] [--database-url postgres://…] [--skip-scale] [--skip-reload] [--out file.json]
 *   Opt-in peers run only when --only names them: meshgate-telemetry-off, meshgate-telemetry-on (the cost of metrics and tracing).
 *
 * The reload scenario (bench/reload.ts, also `npm run bench:reload` alone) and the scale scenario run
 * after the workloads, each with the machine to itself.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { composeContracts } from '../gateway/src/supergraph/compose-source.js';
import { prepareSupergraph } from '../gateway/src/supergraph/security-features.js';
import { listDataProductFolders } from '../shared/dataproduct/folders.js';
import { REPO_ROOT } from '../shared/paths.js';
import { measureWorkloads, type Gateway } from './lib/measure.js';
import { startOtlpSink, type OtlpSink } from './lib/otlp-sink.js';
import { APOLLO, OPT_IN_PEERS, PEERS, type Supergraphs } from './lib/peers.js';
import { readyLine, spawnTsx, stopService, type Service } from './lib/processes.js';
import { checkTargets, formatTable, formatTargets, withRatios } from './lib/report.js';
import { planningCost, startPeer, type StartedPeer } from './lib/startup.js';
import { analystTokens, buildWorkloads, CROSS_DOMAIN, findStockPairs } from './lib/workloads.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '16' },
    variants: { type: 'string' },
    tokens: { type: 'string', default: '50' },
    only: { type: 'string' },
    workloads: { type: 'string', default: 'a,b,c,d' },
    'database-url': { type: 'string' },
    'skip-scale': { type: 'boolean', default: false },
    'skip-reload': { type: 'boolean', default: false },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'latest.json') },
  },
});

const number = (name: string, value: string | undefined, fallback: number) => {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name}: expected a positive number (got "${value}")`);
  return parsed;
};
const settings = {
  quick: args.quick!,
  rounds: number('rounds', args.rounds, 2),
  duration: number('duration', args.duration, args.quick ? 1.5 : 6),
  warmup: number('warmup', args.warmup, args.quick ? 1 : 2),
  connections: number('connections', args.connections, 16),
  variants: number('variants', args.variants, args.quick ? 60 : 200),
  tokens: number('tokens', args.tokens, 50),
  database: args['database-url'] ? 'postgresql server' : 'embedded (PGlite)',
};
const workloadIds = args.workloads!.split(',');
const only = args.only?.split(',');
// --quick leaves out the Hive variant with dedup off (an explanation of Hive's number, not a peer).
const peers = [
  ...PEERS.filter((p) => (!only || only.some((o) => p.name.startsWith(o))) && !(settings.quick && p.name === 'hive-gateway-dedup-off')),
  // Opt-in peers run only when --only names them exactly.
  ...OPT_IN_PEERS.filter((p) => only?.includes(p.name)),
];

if (!existsSync(join(REPO_ROOT, 'bench', 'node_modules', '@graphql-hive', 'gateway'))) {
  console.error('The benchmark peers are not installed: run `npm run bench:install` once (it installs bench/package.json).');
  process.exit(1);
}

const log = (line: string) => console.error(`[bench] ${line}`);
const services: Service[] = [];
const stopAll = () => Promise.all(services.map(stopService));
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
// The telemetry-on peer's stand-in collector and its Prometheus-like scrape.
let sink: OtlpSink | undefined;
let scrapes = 0;
let scraper: NodeJS.Timeout | undefined;

try {
  // --- subgraphs: one process each, as deployed; a fresh copy of the seeded data -------------
  log(`starting the three subgraphs (${settings.database})`);
  const subgraphs = await Promise.all(
    (await listDataProductFolders()).map(async (product) => {
      const service = spawnTsx('bench/side-by-side/subgraph.ts', ['--domain', product.name, ...(args['database-url'] ? ['--database-url', args['database-url']] : [])]);
      services.push(service);
      const ready = await readyLine<{ name: string; url: string; statsUrl: string }>(service);
      return { ...ready, pid: service.child.pid!, schemaPath: product.schemaPath };
    }),
  );
  const dir = await mkdtemp(join(tmpdir(), 'meshgate-bench-'));
  const sdl = await composeContracts(subgraphs.map((s) => ({ name: s.name, url: s.url, schemaPath: s.schemaPath })));
  const supergraphs: Supergraphs = { full: join(dir, 'supergraph.full.graphql'), stripped: join(dir, 'supergraph.stripped.graphql') };
  await writeFile(supergraphs.full, sdl);
  await writeFile(supergraphs.stripped, prepareSupergraph(sdl).plannerSdl);

  const tokens = await analystTokens(settings.tokens);
  const inventory = subgraphs.find((s) => s.name === 'inventory')!;
  // (a) runs last: merging identical requests lets a gateway answer it several times faster, and the
  // heap that throughput grows would otherwise count in the next workload's peak RSS.
  const workloads = buildWorkloads({ variants: settings.variants, tokens, stockPairs: await findStockPairs(inventory.url) })
    .filter((w) => workloadIds.includes(w.id))
    .sort((x, y) => Number(x.id === 'a') - Number(y.id === 'a'));

  // --- a stand-in collector for the telemetry-on peer ------------------------------------------
  if (peers.some((p) => p.name === 'meshgate-telemetry-on')) {
    sink = await startOtlpSink();
    process.env.OTEL_SINK_URL = sink.url;
  }

  // --- peers: started one at a time (cold start, planning cost), then all kept running ---------
  const probe = { query: CROSS_DOMAIN, headers: tokens[0] };
  const started: StartedPeer[] = [];
  const startup: Record<string, { label: string; coldStartMs: number; newOperationMs: number; knownOperationMs: number }> = {};
  for (const definition of peers) {
    const peer = await startPeer(definition, supergraphs, probe);
    services.push(peer.service);
    started.push(peer);
    const planning = await planningCost(peer.url, probe);
    startup[definition.name] = { label: definition.label, coldStartMs: peer.coldStartMs, ...planning };
    log(`${definition.name}: cold start ${peer.coldStartMs.toFixed(0)} ms, new operation ${planning.newOperationMs.toFixed(1)} ms vs known ${planning.knownOperationMs.toFixed(1)} ms`);
  }
  const telemetryOn = started.find((p) => p.definition.name === 'meshgate-telemetry-on');
  if (telemetryOn) {
    const metricsUrl = new URL('/metrics', telemetryOn.url);
    // Every 5 s, as a Prometheus server would (its default is 15 s): the scrape's own cost counts too.
    scraper = setInterval(() => void fetch(metricsUrl).then(async (r) => (await r.text(), r.ok && scrapes++)).catch(() => undefined), 5000);
    scraper.unref();
  }
  // Apollo first: its answers are the reference every peer is checked against.
  started.sort((a, b) => Number(b.definition.name === APOLLO) - Number(a.definition.name === APOLLO));
  const gateways: Gateway[] = started.map((p) => ({ name: p.definition.name, url: p.url, pid: p.service.child.pid! }));

  const rows = withRatios(
    await measureWorkloads({
      workloads,
      gateways,
      direct: !only || only.some((o) => 'no-gateway'.startsWith(o)) ? { url: inventory.url } : undefined,
      subgraphs,
      settings,
      log,
    }),
  );
  // Table order: Meshgate first, the reference next, then the others.
  const order = [...peers.map((p) => p.name), 'no-gateway'];
  rows.sort((a, b) => a.workload.localeCompare(b.workload) || order.indexOf(a.peer) - order.indexOf(b.peer));

  let reload: unknown;
  let reloadTable = '';
  if (!args['skip-reload']) {
    await stopAll(); // the reload scenario starts its own subgraphs, registry and gateways
    const { formatReloadTable, reloadSettings, runReloadScenario } = await import('./reload.js');
    const result = await runReloadScenario({ ...reloadSettings({ quick: settings.quick, connections: String(settings.connections), variants: String(settings.variants), tokens: String(settings.tokens) }), log });
    reload = result;
    reloadTable = formatReloadTable(result);
  }

  let scale: unknown;
  let scaleTable = '';
  if (!args['skip-scale'] && !settings.quick) {
    await stopAll(); // the scale scenario wants the machine to itself
    const { runScaleScenario, formatScaleTable } = await import('./scale/run.js');
    log('scale scenario: generated supergraph of 100 subgraphs / 5,000 types');
    const result = await runScaleScenario({});
    scale = result;
    scaleTable = formatScaleTable(result);
  }

  const titles = Object.fromEntries(workloads.map((w) => [w.id, w.title]));
  const targets = checkTargets(rows);
  console.log(`\nMeshgate benchmark, ${new Date().toISOString()}, Node ${process.version}, ${availableParallelism()} cores (shared by the load generator, the gateway and the subgraphs)`);
  console.log(`${settings.rounds} rounds x ${settings.duration} s per peer and workload, peers alternating, ${settings.warmup} s warm-up, ${settings.connections} connections, subgraph data: ${settings.database}`);
  console.log(formatTable(rows, titles));
  console.log('\nStart-up (each peer alone): cold start = spawn to first correct cross-domain answer; new operation = first request of an unseen operation (parse, validate, authorize, plan) vs a known one');
  for (const [name, s] of Object.entries(startup)) {
    console.log(`  ${name.padEnd(24)} cold start ${s.coldStartMs.toFixed(0).padStart(5)} ms   new operation ${s.newOperationMs.toFixed(1).padStart(6)} ms   known ${s.knownOperationMs.toFixed(1).padStart(6)} ms`);
  }
  if (sink) console.log(`\nTelemetry-on peer: ${sink.exports} trace exports (${(sink.bytes / 1024 / 1024).toFixed(1)} MiB) reached the stand-in collector; /metrics scraped ${scrapes} times`);
  if (reloadTable) console.log(`\n${reloadTable}`);
  if (scaleTable) console.log(`\n${scaleTable}`);
  console.log(`\nTargets (issue 4):\n${formatTargets(targets)}`);
  await mkdir(dirname(args.out!), { recursive: true });
  await writeFile(args.out!, JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: availableParallelism(), settings, startup, results: rows, targets, reload, scale }, null, 2));
  console.log(`\nJSON: ${args.out}`);
} finally {
  if (scraper) clearInterval(scraper);
  await stopAll();
  await sink?.close();
}
