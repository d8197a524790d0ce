/**
 * Runs the workloads against every peer: fixes each read's right answer first (the reference
 * peer's, and every peer must give the same data), warms each peer up, then measures rounds in
 * which the peers take turns (forward, then backward), so drift in the machine hits all alike.
 */
import { isDeepStrictEqual } from 'node:util';
import { cpuMs, watchPeakRss } from './processes.js';
import { percentile, runLoad, type LoadOutcome, type PreparedRequest } from './load.js';
import type { Row } from './report.js';
import { post } from './startup.js';
import type { Workload } from './workloads.js';

export interface Gateway {
  name: string;
  url: string;
  /** The gateway process; none for the no-gateway ceiling. */
  pid?: number;
}

export interface MeasureOptions {
  workloads: readonly Workload[];
  /** The first is the reference for right answers. */
  gateways: readonly Gateway[];
  direct?: { url: string };
  subgraphs: readonly { name: string; pid: number; statsUrl: string }[];
  settings: { rounds: number; duration: number; warmup: number; connections: number };
  log(line: string): void;
}

interface Totals {
  outcomes: LoadOutcome[];
  gatewayCpuMs: number;
  subgraphCpuMs: Record<string, number>;
  statements: number;
  peakRss: number;
  precheckWrong: number;
}

export async function measureWorkloads(options: MeasureOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const workload of options.workloads) {
    const targets: Gateway[] = [...options.gateways, ...(workload.direct && options.direct ? [{ name: 'no-gateway', url: options.direct.url }] : [])];
    options.log(`(${workload.id}) ${workload.title}: checking every peer's answers`);
    const prepared = await prepareRequests(workload, targets);
    const totals = new Map<string, Totals>(targets.map((t) => [t.name, { outcomes: [], gatewayCpuMs: 0, subgraphCpuMs: {}, statements: 0, peakRss: 0, precheckWrong: prepared.get(t.name)!.wrong }]));
    for (const target of targets) await runLoad(target.url, prepared.get(target.name)!.requests, { connections: options.settings.connections, seconds: options.settings.warmup });
    for (let round = 0; round < options.settings.rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        const total = totals.get(target.name)!;
        await statementsSince(options.subgraphs);
        const gatewayCpu = target.pid ? cpuMs(target.pid) : 0;
        const subgraphCpu = subgraphsCpu(options.subgraphs);
        const rss = target.pid ? watchPeakRss(target.pid) : undefined;
        const outcome = await runLoad(target.url, prepared.get(target.name)!.requests, {
          connections: options.settings.connections,
          seconds: options.settings.duration,
          offset: round * 7919,
        });
        total.peakRss = Math.max(total.peakRss, rss?.stop() ?? 0);
        total.gatewayCpuMs += target.pid ? cpuMs(target.pid) - gatewayCpu : 0;
        for (const [name, ms] of Object.entries(subgraphsCpu(options.subgraphs))) total.subgraphCpuMs[name] = (total.subgraphCpuMs[name] ?? 0) + ms - subgraphCpu[name];
        total.statements += await statementsSince(options.subgraphs);
        total.outcomes.push(outcome);
        options.log(`(${workload.id}) round ${round + 1} ${target.name.padEnd(24)} ${(outcome.requests / outcome.seconds).toFixed(0).padStart(6)} req/s  errors ${outcome.errors}  wrong ${outcome.wrong}`);
      }
    }
    for (const target of targets) rows.push(toRow(workload, target, totals.get(target.name)!));
  }
  return rows;
}

function toRow(workload: Workload, target: Gateway, total: Totals): Row {
  const requests = total.outcomes.reduce((s, o) => s + o.requests, 0);
  const seconds = total.outcomes.reduce((s, o) => s + o.seconds, 0);
  const latencies = total.outcomes.flatMap((o) => o.latenciesMs);
  const samples = total.outcomes.flatMap((o) => o.samples).slice(0, 5);
  return {
    workload: workload.id,
    peer: target.name,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    gatewayCpuMsPerRequest: target.pid ? total.gatewayCpuMs / requests : null,
    subgraphCpuMsPerRequest: Object.values(total.subgraphCpuMs).reduce((a, b) => a + b, 0) / requests,
    subgraphCpuMsPerRequestByName: Object.fromEntries(Object.entries(total.subgraphCpuMs).map(([name, ms]) => [name, ms / requests])),
    sqlPerRequest: total.statements / requests,
    peakRssMb: target.pid ? total.peakRss / 2 ** 20 : null,
    requests,
    errors: total.outcomes.reduce((s, o) => s + o.errors, 0),
    wrongAnswers: total.outcomes.reduce((s, o) => s + o.wrong, 0) + total.precheckWrong,
    roundsRps: total.outcomes.map((o) => Math.round(o.requests / o.seconds)),
    ...(samples.length ? { samples } : {}),
  };
}

/**
 * Each read's right answer, fixed before the run: the reference peer's data, which every other
 * peer must match (compared as parsed JSON: peers format differently). Under load a read must
 * then come back byte-identical to that peer's own checked answer. A peer whose answer differs
 * keeps the reference's text as its expectation, so every such answer counts as wrong.
 */
export async function prepareRequests(workload: Workload, targets: readonly Gateway[]) {
  const bodies = workload.variants.map((v) => JSON.stringify({ query: v.query, variables: v.variables }));
  const reference: { parsed: unknown; text: string }[] = [];
  const prepared = new Map<string, { requests: PreparedRequest[]; wrong: number }>();
  for (const target of targets) {
    const isReference = target === targets[0];
    let wrong = 0;
    const requests = await mapLimited(workload.variants, 8, async (variant, i): Promise<PreparedRequest> => {
      if (variant.write) return { body: bodies[i], headers: variant.headers, write: variant.write };
      const { status, text } = await post(target.url, variant.query, variant.headers, variant.variables);
      const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown };
      if (isReference) {
        if (status !== 200 || parsed.errors || !parsed.data) throw new Error(`the reference peer ${target.name} failed on ${bodies[i]}: HTTP ${status} ${text.slice(0, 300)}`);
        reference[i] = { parsed: parsed.data, text };
        return { body: bodies[i], headers: variant.headers, expected: text };
      }
      if (status === 200 && !parsed.errors && isDeepStrictEqual(parsed.data, reference[i].parsed)) return { body: bodies[i], headers: variant.headers, expected: text };
      wrong++;
      return { body: bodies[i], headers: variant.headers, expected: reference[i].text };
    });
    prepared.set(target.name, { requests, wrong });
  }
  return prepared;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}

const subgraphsCpu = (subgraphs: MeasureOptions['subgraphs']): Record<string, number> => Object.fromEntries(subgraphs.map((s) => [s.name, cpuMs(s.pid)]));

/** SQL statements the subgraphs ran since the last call (each subgraph resets its count when asked). */
async function statementsSince(subgraphs: MeasureOptions['subgraphs']): Promise<number> {
  const counts = await Promise.all(subgraphs.map(async (s) => ((await (await fetch(s.statsUrl)).json()) as { statements: number }).statements));
  return counts.reduce((a, b) => a + b, 0);
}
