import type { ScaleOperation } from './operations.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { freePort, spawnService, stopService, type Service } from '../lib/processes.js';
import { memoryOf, waitListening } from './processes.js';
import type { StubSubgraphs } from './stub-subgraphs.js';
import { median } from './summary.js';

/** How to start one gateway as its own process. */
export interface GatewayUnderTest {
  name: string;
  file: string;
  args(port: number): string[];
  env(port: number): NodeJS.ProcessEnv;
  /** Its GraphQL endpoint once listening on `port`. */
  url(port: number): string;
}

export interface OperationTimings {
  /** First request of an operation this process has never seen: includes building its plan. */
  firstMs: number;
  /** The very next request of the same operation: the plan comes from the cache. */
  secondMs: number;
  /** Median of CACHED_RUNS further requests of it. */
  cachedMedianMs: number;
  /** Subgraph fetches one request made (> 0 proves the operation was planned and executed). */
  fetches: number;
}

export interface GatewayMeasurement {
  /** Spawn of the process -> its port accepts connections (supergraph loaded). */
  startMs: number;
  rssAfterStartMb: number | null;
  /** Highest RSS so far (VmHWM) when it started listening: start-up's peak. */
  peakRssAfterStartMb: number | null;
  /** The operation under test, first in a fresh process. */
  first: OperationTimings;
  /** Another new operation (same shape, other subgraphs), planned in the now-warm process. */
  second: OperationTimings;
  /** Right after the first operation's first request (its plan built and cached). */
  rssAfterFirstPlanMb: number | null;
  /** After both operations, each sent 7 times. */
  rssAfterPlansMb: number | null;
  peakRssMb: number | null;
}

const CACHED_RUNS = 5;
const START_TIMEOUT_MS = 180_000;

/**
 * Starts one gateway in a fresh process and measures start-up, memory, and the cost of planning:
 * each operation is sent once new and then again (cached plan). Both requests do the same work
 * apart from planning (the stub answers every fetch alike), so first - cached is the planner's time,
 * plus parsing and validating the operation, which Apollo Server caches as well (a few ms of it).
 */
export async function measureGateway(
  gateway: GatewayUnderTest,
  operations: { first: ScaleOperation; second: ScaleOperation },
  headers: Record<string, string>,
  stub: StubSubgraphs,
): Promise<GatewayMeasurement> {
  const port = await freePort();
  const started = performance.now();
  // Its own environment, not ours added to it: the scenario removes variables that would change the gateway.
  const child = spawnService(process.execPath, ['--import', 'tsx', gateway.file, ...gateway.args(port)], { cwd: REPO_ROOT, env: gateway.env(port) });
  try {
    await waitListening(port, child, START_TIMEOUT_MS);
    const startMs = performance.now() - started;
    const afterStart = memoryOf(child.child.pid);
    const url = gateway.url(port);
    stub.takeFetches();
    const sampled: { afterFirstPlan: ReturnType<typeof memoryOf> } = { afterFirstPlan: null };
    const first = await timeOperation(gateway.name, url, operations.first, headers, stub, child, () => (sampled.afterFirstPlan = memoryOf(child.child.pid)));
    const second = await timeOperation(gateway.name, url, operations.second, headers, stub, child);
    const afterPlans = memoryOf(child.child.pid);
    return {
      startMs,
      rssAfterStartMb: afterStart?.rssMb ?? null,
      peakRssAfterStartMb: afterStart?.peakRssMb ?? null,
      first,
      second,
      rssAfterFirstPlanMb: sampled.afterFirstPlan?.rssMb ?? null,
      rssAfterPlansMb: afterPlans?.rssMb ?? null,
      peakRssMb: afterPlans?.peakRssMb ?? null,
    };
  } finally {
    await stopService(child);
  }
}

async function timeOperation(
  gateway: string,
  url: string,
  operation: ScaleOperation,
  headers: Record<string, string>,
  stub: StubSubgraphs,
  child: Service,
  afterFirstRun?: () => void,
): Promise<OperationTimings> {
  const run = async () => {
    const started = performance.now();
    const answer = await post(url, operation, headers);
    const ms = performance.now() - started;
    const fetches = Object.values(stub.takeFetches()).reduce((a, b) => a + b, 0);
    // No fetch means the operation never reached execution (refused, invalid): nothing was planned.
    if (answer.status !== 200 || fetches === 0) {
      throw new Error(`${gateway}: ${operation.name} was not planned and executed (HTTP ${answer.status}, ${fetches} subgraph fetches): ${answer.text.slice(0, 500)}\n${child.log()}`);
    }
    return { ms, fetches };
  };
  const first = await run();
  afterFirstRun?.();
  const second = await run();
  const cached: number[] = [];
  for (let i = 0; i < CACHED_RUNS; i++) cached.push((await run()).ms);
  return { firstMs: first.ms, secondMs: second.ms, cachedMedianMs: median(cached), fetches: first.fetches };
}

async function post(url: string, operation: ScaleOperation, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: operation.query, operationName: operation.name }),
  });
  return { status: response.status, text: await response.text() };
}
