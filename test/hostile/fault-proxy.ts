import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { behaviours, startHostileServer, type Behaviour, type HostileServer } from '../support/hostile-server.js';

/** How the proxied domain behaves right now. */
export type Fault = 'none' | 'slow' | 'down' | 'hang' | 'trickle' | 'garbage' | 'status-500' | 'leaky-error';

/** How long the `slow` fault holds each request before forwarding it: above the demo domains' 150 ms p99 promise. */
export const SLOW_FAULT_MS = 200;

/**
 * A domain's subgraph behind a switch: with no fault it forwards every request byte for byte
 * (signature headers included) to the real subgraph; switched to a fault, it misbehaves the way
 * failing services do. It counts requests and the answers their caller abandoned.
 */
export interface FaultProxy extends Pick<HostileServer, 'url' | 'hits' | 'abandoned' | 'abandonedBodies' | 'stop'> {
  fault: Fault;
}

/** What a subgraph that does not mask its own failures answers: an internal message, no code. */
export const LEAKY_SUBGRAPH_MESSAGE = 'relation "marketing.promotion" does not exist at /srv/marketing/node_modules/pg/lib/client.js:526';

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let fault: Fault = 'none';
  const faults: Record<Fault, Behaviour> = {
    none: (req, res, _hit, body) => void forward(target, req, res, body),
    slow: (req, res, _hit, body) => void setTimeout(() => void forward(target, req, res, body), SLOW_FAULT_MS),
    down: (req) => req.socket.destroy(),
    hang: behaviours.hang(),
    trickle: behaviours.trickle(100),
    garbage: behaviours.html(200),
    'status-500': behaviours.status(500),
    'leaky-error': behaviours.status(200, { data: null, errors: [{ message: LEAKY_SUBGRAPH_MESSAGE, extensions: { exception: { stacktrace: ['Error: at /srv/marketing/src/store.ts:42'] } } }] }),
  };
  const server = await startHostileServer((req, res, hit, body) => faults[fault](req, res, hit, body));
  // The hostile server with a switch on it: its counters are read live, through its own getters.
  return Object.defineProperty(server, 'fault', {
    get: () => fault,
    set: (next: Fault) => {
      fault = next;
    },
  }) as HostileServer & FaultProxy;
}

async function forward(target: string, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
  try {
    const answer = await request(new URL(req.url ?? '/graphql', target), { method: req.method as 'POST', headers, body: req.method === 'POST' ? body : undefined });
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
    res.end(Buffer.from(await answer.body.arrayBuffer()));
  } catch {
    res.destroy();
  }
}
