/**
 * Start-up costs, measured on each peer with nothing else running: cold start (process spawn
 * to the first correct answer of the cross-domain query) and the cost of planning an operation
 * the gateway has not seen (a new operation's latency minus a known one's, sequentially).
 */
import type { PeerDefinition, Supergraphs } from './peers.js';
import { freePort, type Service } from './processes.js';

export interface Probe {
  query: string;
  headers: Record<string, string>;
}

export interface StartedPeer {
  definition: PeerDefinition;
  service: Service;
  url: string;
  coldStartMs: number;
}

export async function post(url: string, query: string, headers: Record<string, string>, variables?: Record<string, unknown>) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, text: await response.text() };
}

export async function startPeer(definition: PeerDefinition, supergraphs: Supergraphs, probe: Probe): Promise<StartedPeer> {
  const port = await freePort();
  const url = definition.url(port);
  const spawned = performance.now();
  const service = definition.start(port, supergraphs);
  const deadline = spawned + 120_000;
  while (performance.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`${definition.name} exited with ${service.child.exitCode}:\n${service.log()}`);
    try {
      const { status, text } = await post(url, probe.query, probe.headers);
      const body = JSON.parse(text);
      if (status === 200 && body.data && !body.errors) return { definition, service, url, coldStartMs: performance.now() - spawned };
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${definition.name} gave no correct answer within 120 s:\n${service.log()}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Median latency of `count` operations never seen before (each a new text: a new alias, so a
 * new plan) and of a known one. Their difference is what a new operation costs the gateway:
 * parsing, validation, authorization filter and query planning.
 */
export async function planningCost(url: string, probe: Probe, count = 15): Promise<{ newOperationMs: number; knownOperationMs: number }> {
  const timed = async (query: string) => {
    const started = performance.now();
    const { status, text } = await post(url, query, probe.headers);
    if (status !== 200 || JSON.parse(text).errors) throw new Error(`planning probe failed: HTTP ${status} ${text.slice(0, 300)}`);
    return performance.now() - started;
  };
  await timed(probe.query);
  const fresh: number[] = [];
  const known: number[] = [];
  for (let i = 0; i < count; i++) {
    fresh.push(await timed(probe.query.replace('products(', `fresh${Date.now()}x${i}: products(`)));
    known.push(await timed(probe.query));
  }
  return { newOperationMs: median(fresh), knownOperationMs: median(known) };
}
