import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { loadDataProducts } from '../support/data-products.js';
import { startGateway, type GatewayProcess, type LogLine } from '../support/gateway-process.js';
import { parsePrometheus, type Scrape } from '../support/prometheus.js';
import { TEST_GATEWAY_SIGNING_ENV } from '../support/signing-keys.js';
import { startTestSubgraph, type TestSubgraph } from '../support/subgraphs.js';
import { allowedEverything } from '../support/tokens.js';

/**
 * GATEWAY_WORKERS=2 for real: `node --import tsx gateway/src/main.ts` as a cluster primary with
 * two worker processes on one shared port 0, in front of the three subgraphs (in this process).
 * Requests spread over both workers, and /metrics, whichever worker answers it, shows the sum over both.
 */
/** The gateway's child node processes, from the kernel's view (not the gateway's own report). */
function childNodeProcesses(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when there is no such process.
  }
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([childPid, command]) => childPid && command === 'node')
    .map(([childPid]) => Number(childPid))
    .sort((a, b) => a - b);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let probes = 0;
/**
 * One query on a connection of its own (the cluster hands out connections, not requests, in turn),
 * with an operation name found again in the audit line of the worker that served it.
 */
async function probe(gateway: GatewayProcess, url: string, headers: Record<string, string>): Promise<{ data: any; errors?: unknown; pid: number }> {
  const operationName = `ClusterProbe${++probes}`;
  const body = JSON.stringify({ query: `query ${operationName} { products(lowStock: true, limit: 10) { sku name totalStock } }` });
  const answer = await new Promise<any>((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  const audit = await gateway.waitFor((line) => line.audit === true && line.operationName === operationName, `the audit line of ${operationName}`);
  return { ...answer, pid: audit.pid };
}

/** One request on a connection of its own, answered as text (e.g. a /metrics scrape). */
function send(url: string, method: 'GET' | 'POST', headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Probes until every pid in `expected` has answered (connections go round the workers, so a few suffice). */
async function servingPids(gateway: GatewayProcess, url: string, headers: Record<string, string>, expected: number[]): Promise<number[]> {
  const seen = new Set<number>();
  for (let i = 0; i < 10 * expected.length && expected.some((pid) => !seen.has(pid)); i++) {
    const answer = await probe(gateway, url, headers);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.products).toHaveLength(10);
    seen.add(answer.pid);
  }
  return [...seen].sort((a, b) => a - b);
}

describe('GATEWAY_WORKERS=2 in front of the three subgraphs', () => {
  let subgraphs: TestSubgraph[];
  let gateway: GatewayProcess;
  let ready: LogLine;
  let headers: Record<string, string>;

  beforeAll(async () => {
    const products = await loadDataProducts();
    subgraphs = await Promise.all(products.map((product) => startTestSubgraph(product)));
    // The gateway composes every folder under subgraphs/, each reached at its <PREFIX>URL.
    const urls = Object.fromEntries(products.map((p, i) => [`${p.envPrefix}URL`, subgraphs[i].subgraph.url]));
    headers = await allowedEverything();
    gateway = startGateway({ ...urls, GATEWAY_WORKERS: '2', GATEWAY_PORT: '0', ...TEST_GATEWAY_SIGNING_ENV });
    ready = await gateway.waitFor((line) => line.pid === gateway.child.pid && /^gateway ready at /.test(line.msg), 'the primary reported ready');
  }, 120_000);

  afterAll(async () => {
    if (gateway?.child.exitCode === null) gateway.child.kill('SIGKILL');
    await Promise.all((subgraphs ?? []).map((s) => s.stop()));
  });

  it('forks two workers that share one port, chosen at random, and says so once', async () => {
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(ready.url).not.toContain(':0/');
    expect([...ready.workers].sort((a: number, b: number) => a - b)).toEqual(childNodeProcesses(gateway.child.pid!));
    // Each process writes to the shared pipe on its own schedule: a worker's line may follow the primary's.
    for (const pid of ready.workers) {
      const workerReady = await gateway.waitFor((line) => line.pid === pid && /^worker ready at /.test(line.msg), `worker ${pid} logged ready`);
      expect(workerReady.url).toBe(ready.url);
    }
    // Start-up warnings come from the primary only, not once per worker.
    const warnings = gateway.lines.filter((line) => /^JWT_SECRET is not set/.test(line.msg));
    expect(warnings.map((line) => line.pid)).toEqual([gateway.child.pid]);
  });

  // The first test to send queries, so the counters below start from zero. Here rather than in a file
  // of its own: a cluster takes seconds to start, and this one is already running.
  it('/metrics, whichever worker answers it, counts the requests of both workers', async () => {
    const json = { 'content-type': 'application/json', ...headers };
    // Queries until both workers served some (each names its pid in its audit line).
    const servedBy = new Set<number>();
    let sent = 0;
    for (let i = 0; i < 40 && (servedBy.size < 2 || sent < 6); i++) {
      const operationName = `MetricsProbe${i}`;
      const answer = await send(ready.url, 'POST', json, JSON.stringify({ query: `query ${operationName} { products(limit: 2) { sku name } }` }));
      expect(answer.status).toBe(200);
      sent++;
      const audit = await gateway.waitFor((line) => line.audit === true && line.operationName === operationName, `the audit line of ${operationName}`);
      servedBy.add(audit.pid);
    }
    expect(servedBy.size).toBe(2);

    // Several scrapes, each on its own connection, so both workers answer some of them.
    const metricsUrl = ready.url.replace('/graphql', '/metrics');
    const scrapes: Scrape[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await send(metricsUrl, 'GET', {});
      expect(answer.status).toBe(200);
      scrapes.push(parsePrometheus(answer.text));
    }
    for (const m of scrapes) {
      // Counters and histograms add up over the workers: no worker alone served all of them.
      expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_type: 'query', outcome: 'success' })).toBe(sent);
      expect(m.value('meshgate_subgraph_fetch_duration_seconds_count', { subgraph_name: 'inventory', outcome: 'ok' })).toBe(sent);
      // Gauges do not: one serving supergraph reads 1 (max over the workers), not 2.
      expect(m.samples.filter((s) => s.name === 'meshgate_supergraph_info').map((s) => s.value)).toEqual([1]);
      expect(m.value('meshgate_subgraph_circuit_state', { subgraph_name: 'inventory' })).toBe(0);
      expect(m.value('meshgate_supergraph_reloads_total', { outcome: 'served' })).toBe(2);
    }
  }, 90_000);

  it('answers queries from both workers', async () => {
    const workers = childNodeProcesses(gateway.child.pid!);
    expect(workers).toHaveLength(2);
    expect(await servingPids(gateway, ready.url, headers, workers)).toEqual(workers);
  }, 60_000);

  it('replaces a worker that is killed, and keeps answering', async () => {
    const [victim, survivor] = childNodeProcesses(gateway.child.pid!);
    process.kill(victim, 'SIGKILL');
    // Once the primary has seen the death it hands connections only to the survivor, while the replacement starts.
    await gateway.waitFor((line) => line.worker === victim && line.signal === 'SIGKILL', 'the primary saw the worker die');
    const during = await probe(gateway, ready.url, headers);
    expect(during.errors).toBeUndefined();
    expect(during.pid).toBe(survivor);
    const replaced = await gateway.waitFor((line) => line.msg === 'replacement worker ready', 'a replacement was ready');
    const workers = childNodeProcesses(gateway.child.pid!);
    expect(workers).toEqual([survivor, replaced.worker].sort((a, b) => a - b));
    expect(replaced.url).toBe(ready.url);
    expect(await servingPids(gateway, ready.url, headers, workers)).toEqual(workers);
  }, 90_000);

  it('stops every worker on SIGTERM and exits 0', async () => {
    const workers = childNodeProcesses(gateway.child.pid!);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(workers.filter(isAlive)).toEqual([]);
    expect(gateway.lines.filter((line) => line.msg === 'stopping').map((line) => line.pid).sort()).toEqual([gateway.child.pid, ...workers].sort());
    await expect(fetch(ready.url.replace('/graphql', '/health'))).rejects.toThrow();
  }, 60_000);
});

describe('GATEWAY_WORKERS failures', () => {
  it('refuses a wrong value before forking anything, naming the variable', async () => {
    const gateway = startGateway({ GATEWAY_WORKERS: 'lots', GATEWAY_PORT: '0' });
    expect(await gateway.exited).toBe(1);
    expect(gateway.text()).toContain('GATEWAY_WORKERS: expected a positive whole number of worker processes, or auto (one per core) (got "lots")');
    expect(gateway.lines).toEqual([]);
  });

  it('gives up with exit 1 when workers keep dying on start-up, instead of restarting them forever', async () => {
    const gateway = startGateway({ GATEWAY_WORKERS: '2', GATEWAY_PORT: '0', SUPERGRAPH_PATH: '/nonexistent/supergraph.graphql' });
    expect(await gateway.exited).toBe(1);
    const deaths = gateway.lines.filter((line) => line.onStartUp === true);
    // Two deaths are retried, the third in a row ends it.
    expect(deaths).toHaveLength(3);
    expect(deaths.at(-1)!.msg).toMatch(/^workers keep dying on start-up \(3 in a row\): giving up/);
    expect(gateway.text()).toContain('/nonexistent/supergraph.graphql');
  }, 90_000);
});

describe('one process (GATEWAY_WORKERS unset)', () => {
  it('stops on SIGTERM with exit 0 (Apollo Server does not re-raise the signal)', async () => {
    const gateway = startGateway({ GATEWAY_PORT: '0' });
    await gateway.waitFor((line) => /^gateway ready at /.test(line.msg), 'the gateway reported ready');
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 60_000);
});
