/**
 * The reload scenario (issue 9): requests per second, failed and wrong answers while the
 * supergraph changes every few seconds, Meshgate beside stock @apollo/gateway, both polling the
 * same registry at the same interval, in one run on one machine.
 *
 * Everything runs in its own process: the three demo subgraphs (bench/side-by-side/subgraph.ts),
 * the registry (registry/src/main.ts, embedded database in a temporary folder), the two gateways.
 * The subgraphs are published once; then each gateway in turn takes workload (b) for `duration`
 * seconds while the publisher publishes a new revision every `periodMs`. The gateway not under
 * load is paused (SIGSTOP) meanwhile, so its own reloads take no CPU from the one measured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listDataProductFolders } from '../../shared/dataproduct/folders.js';
import { runLoad, percentile, type PreparedRequest } from '../lib/load.js';
import { prepareRequests } from '../lib/measure.js';
import { cpuMs, readyLine, spawnTsx, stopService, watchPeakRss, type Service } from '../lib/processes.js';
import { startPeer, type Probe, type StartedPeer } from '../lib/startup.js';
import { analystTokens, buildWorkloads, CROSS_DOMAIN, findStockPairs } from '../lib/workloads.js';
import { APOLLO_RELOAD, MESHGATE_RELOAD, reloadPeers } from './gateways.js';
import { headerValue, publishSchedule, spread, summarizeReloads, type PublishReload, type Spread } from './latency.js';
import { createPublisher, type Publisher } from './publisher.js';
import { publishAll, startRegistry } from './registry.js';
import { REVISED } from './revisions.js';

export const SUPERGRAPH_ID_HEADER = 'meshgate-supergraph-id';
/** How long the load may run past its duration waiting for the last publish to show. */
const RELOAD_GRACE_MS = 15_000;

export interface ReloadOptions {
  /** Seconds of load per gateway. */
  duration: number;
  /** Seconds of load before, not measured. */
  warmup: number;
  connections: number;
  /** A new revision is published every periodMs. */
  periodMs: number;
  /** Both gateways poll the registry this often. */
  pollIntervalMs: number;
  /** Variable sets of workload (b). */
  variants: number;
  /** Callers (one token each). */
  tokens: number;
  log(line: string): void;
}

export interface ReloadRow {
  peer: string;
  label: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** How long the load ran: `duration`, or longer when the last reload came late. */
  seconds: number;
  /** Transport failures, non-2xx, answers with GraphQL errors. */
  errors: number;
  /** Answers that are not the reference answer of their variable set (including the check before the load). */
  wrongAnswers: number;
  publishes: number;
  /** Publishes the registry refused (should be none: the change is harmless). */
  refused: number;
  /** Accepted publishes an answer of the load showed. */
  reloadsObserved: number;
  /** Accepted publishes no answer showed before the load ended. */
  missed: number;
  /** Publish response to the first answer carrying the new supergraph id. */
  reloadLatencyMs: Spread | null;
  /** The publish mutations themselves (the registry's checks, composition, storage), for context. */
  publishMs: Spread | null;
  /** Answers without the supergraph id header. */
  unlabelled: number;
  gatewayCpuMsPerRequest: number;
  /** The gateway's CPU over the load, in % of one core: at a few hundred requests, its reloads weigh more than per-request numbers show. */
  gatewayCpuPercent: number;
  peakRssMb: number;
  /** Each publish; `publishedAt` and `firstAnswerAt` in ms from the start of the load. */
  publishDetails: PublishReload[];
  samples?: string[];
}

export interface ReloadResult {
  settings: Omit<ReloadOptions, 'log'> & { changed: string };
  method: string;
  rows: ReloadRow[];
}

export const RELOAD_METHOD =
  'reload latency = from the publish mutation\'s response (at the publisher) to the first load answer carrying the new supergraph id ' +
  `in its ${SUPERGRAPH_ID_HEADER} header, on one clock (the benchmark process). Meshgate sets the header from the generation that served the request; ` +
  'for stock @apollo/gateway a plugin sets it from the schema Apollo Server validated the request against (its registry id), an addition of one header per answer.';

export async function runReloadScenario(options: ReloadOptions): Promise<ReloadResult> {
  const { log } = options;
  const dir = await mkdtemp(join(tmpdir(), 'meshgate-bench-reload-'));
  const services: Service[] = [];
  try {
    const folders = await listDataProductFolders();
    log(`reload: starting the ${folders.length} subgraphs and the registry (data in ${dir})`);
    const subgraphs = await Promise.all(
      folders.map(async (folder) => {
        const service = spawnTsx('bench/side-by-side/subgraph.ts', ['--domain', folder.name]);
        services.push(service);
        const ready = await readyLine<{ name: string; url: string }>(service);
        return { folder, url: ready.url };
      }),
    );
    const registry = await startRegistry(join(dir, 'registry'));
    services.push(registry.service);
    const { published, supergraphId } = await publishAll(registry, subgraphs);
    const revised = published.find((p) => p.name === REVISED.subgraph);
    if (!revised) throw new Error(`reload: no ${REVISED.subgraph} subgraph to revise among ${published.map((p) => p.name).join(', ')}`);
    log(`reload: published ${published.map((p) => p.name).join(', ')}; supergraph ${supergraphId.slice(0, 12)}`);

    const tokens = await analystTokens(options.tokens);
    const inventory = subgraphs.find((s) => s.folder.name === 'inventory');
    if (!inventory) throw new Error('reload: workload (b) needs the inventory subgraph');
    const workload = buildWorkloads({ variants: options.variants, tokens, stockPairs: await findStockPairs(inventory.url) }).find((w) => w.id === 'b')!;
    const probe: Probe = { query: CROSS_DOMAIN, headers: tokens[0] };

    // Stock Apollo first: its answers are the reference every answer is checked against.
    const definitions = reloadPeers({ url: registry.url, token: registry.gatewayToken, pollIntervalMs: options.pollIntervalMs }).sort((a, b) => Number(b.name === APOLLO_RELOAD) - Number(a.name === APOLLO_RELOAD));
    const started: StartedPeer[] = [];
    for (const definition of definitions) {
      const peer = await startPeer(definition, { full: '', stripped: '' }, probe);
      services.push(peer.service);
      started.push(peer);
      log(`reload: ${definition.name} serving after ${peer.coldStartMs.toFixed(0)} ms`);
    }
    log(`reload: checking every answer of workload (b) on both gateways`);
    const prepared = await prepareRequests(workload, started.map((p) => ({ name: p.definition.name, url: p.url, pid: p.service.child.pid! })));
    const publisher = createPublisher(registry, revised, supergraphId);

    const rows: ReloadRow[] = [];
    // Meshgate first in the table and in time; each alone on the machine (the other paused).
    for (const peer of [...started].sort((a, b) => Number(b.definition.name === MESHGATE_RELOAD) - Number(a.definition.name === MESHGATE_RELOAD))) {
      const others = started.filter((p) => p !== peer);
      const { requests, wrong } = prepared.get(peer.definition.name)!;
      rows.push(await measureUnderReloads(peer, others, requests, wrong, publisher, probe, options));
    }
    return {
      settings: { duration: options.duration, warmup: options.warmup, connections: options.connections, periodMs: options.periodMs, pollIntervalMs: options.pollIntervalMs, variants: options.variants, tokens: options.tokens, changed: `${REVISED.subgraph}: description of type ${REVISED.type}, a new revision per publish` },
      method: RELOAD_METHOD,
      rows,
    };
  } finally {
    await Promise.all(services.map(stopService));
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureUnderReloads(peer: StartedPeer, others: readonly StartedPeer[], requests: PreparedRequest[], precheckWrong: number, publisher: Publisher, probe: Probe, options: ReloadOptions): Promise<ReloadRow> {
  const name = peer.definition.name;
  const pid = peer.service.child.pid!;
  for (const other of others) process.kill(other.service.child.pid!, 'SIGSTOP');
  try {
    await waitForSupergraph(peer.url, probe, publisher.currentId);
    await runLoad(peer.url, requests, { connections: options.connections, seconds: options.warmup });
    const firstSeen = new Map<string, number>();
    let unlabelled = 0;
    const cpuBefore = cpuMs(pid);
    const rss = watchPeakRss(pid);
    const start = performance.now();
    const durationMs = options.duration * 1000;
    // No publish in the last stretch: the last one must have time to be polled and served.
    const tailMs = Math.max(options.periodMs / 2, 2 * options.pollIntervalMs);
    const publishing = publisher.run(start, publishSchedule(durationMs, options.periodMs, tailMs), start + durationMs - tailMs);
    // A slow publish or reload would land after the end of the load and count as missed: the load
    // goes on until the last accepted publish reached an answer (or RELOAD_GRACE_MS passed).
    const lastSeen = publishing.then(async (publishes) => {
      const last = [...publishes].reverse().find((p) => p.id !== undefined);
      const giveUp = performance.now() + RELOAD_GRACE_MS;
      while (last && !firstSeen.has(last.id!) && performance.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const outcome = await runLoad(peer.url, requests, {
      connections: options.connections,
      seconds: options.duration,
      until: lastSeen,
      onAnswer: (headers, at) => {
        const id = headerValue(headers, SUPERGRAPH_ID_HEADER);
        if (id === undefined || id === 'unknown') unlabelled++;
        else if (!firstSeen.has(id)) firstSeen.set(id, at);
      },
    });
    const publishes = await publishing;
    const peakRss = rss.stop();
    const cpu = cpuMs(pid) - cpuBefore;
    const summary = summarizeReloads(publishes, firstSeen);
    const row: ReloadRow = {
      peer: name,
      label: peer.definition.label,
      rps: outcome.requests / outcome.seconds,
      p50: percentile(outcome.latenciesMs, 50),
      p99: percentile(outcome.latenciesMs, 99),
      requests: outcome.requests,
      seconds: outcome.seconds,
      errors: outcome.errors,
      wrongAnswers: outcome.wrong + precheckWrong,
      publishes: publishes.length,
      refused: publishes.length - summary.accepted,
      reloadsObserved: summary.observed,
      missed: summary.missed,
      reloadLatencyMs: summary.latencyMs,
      publishMs: spread(publishes.map((p) => p.publishMs)),
      unlabelled,
      gatewayCpuMsPerRequest: cpu / outcome.requests,
      gatewayCpuPercent: (100 * cpu) / (outcome.seconds * 1000),
      peakRssMb: peakRss / 2 ** 20,
      // Times from the start of the load, so the JSON reads as a timeline.
      publishDetails: summary.publishes.map((p) => ({ ...p, publishedAt: round(p.publishedAt - start), publishMs: round(p.publishMs), ...(p.firstAnswerAt === undefined ? {} : { firstAnswerAt: round(p.firstAnswerAt - start), latencyMs: round(p.latencyMs!) }) })),
      ...(outcome.samples.length ? { samples: outcome.samples } : {}),
    };
    const latency = row.reloadLatencyMs;
    options.log(
      `reload: ${name.padEnd(16)} ${row.rps.toFixed(0).padStart(5)} req/s  errors ${row.errors}  wrong ${row.wrongAnswers}  reloads ${row.reloadsObserved}/${summary.accepted}` +
        (latency ? `  latency ${latency.min.toFixed(0)}/${latency.median.toFixed(0)}/${latency.max.toFixed(0)} ms` : '') +
        (row.refused ? `  refused ${row.refused}: ${publishes.find((p) => p.refused)?.refused}` : ''),
    );
    return row;
  } finally {
    for (const other of others) if (other.service.child.exitCode === null) process.kill(other.service.child.pid!, 'SIGCONT');
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Waits until the gateway answers from the supergraph `id` (the one it must serve before the load starts). */
async function waitForSupergraph(url: string, probe: Probe, id: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  while (performance.now() < deadline) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...probe.headers }, body: JSON.stringify({ query: probe.query }) });
    last = response.headers.get(SUPERGRAPH_ID_HEADER) ?? '(no header)';
    await response.arrayBuffer();
    if (response.ok && last === id) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} still answers from supergraph ${last}, not ${id}, after ${timeoutMs} ms`);
}
