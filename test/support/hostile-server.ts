import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How a misbehaving subgraph answers one request, once its body has arrived; `hit` counts from 1. */
export type Behaviour = (req: IncomingMessage, res: ServerResponse, hit: number, body: Buffer) => void;

/** A subgraph stand-in on port 0 that misbehaves on purpose, and counts what happened to it. */
export interface HostileServer {
  url: string;
  /** Requests received. */
  hits: number;
  /** Responses whose connection closed before they finished (the client gave up on them). */
  abandoned: number;
  /** The request bodies of those responses, in the order they were abandoned. */
  abandonedBodies: readonly string[];
  /** Connections that have closed, for whatever reason. */
  closedConnections: number;
  behave(behaviour: Behaviour): void;
  stop(): Promise<void>;
}

export async function startHostileServer(initial: Behaviour): Promise<HostileServer> {
  let behaviour = initial;
  const sockets = new Set<Socket>();
  const state = { hits: 0, abandoned: 0, closedConnections: 0, abandonedBodies: [] as string[] };
  const server: Server = createServer((req, res) => {
    const hit = ++state.hits;
    const chunks: Buffer[] = [];
    res.on('close', () => {
      if (res.writableFinished) return;
      state.abandoned++;
      state.abandonedBodies.push(Buffer.concat(chunks).toString('utf8'));
    });
    // Read the request body first, as a real subgraph would, then misbehave.
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => behaviour(req, res, hit, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      state.closedConnections++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    get hits() {
      return state.hits;
    },
    get abandoned() {
      return state.abandoned;
    },
    get abandonedBodies() {
      return state.abandonedBodies;
    },
    get closedConnections() {
      return state.closedConnections;
    },
    behave: (next) => {
      behaviour = next;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/graphql`;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** The misbehaviours the tests use, by name. */
export const behaviours = {
  ok: (data: unknown = { ok: true }): Behaviour => (_req, res, hit) => json(res, 200, { data: { ...(data as object), hit } }),
  graphqlErrors: (): Behaviour => (_req, res) => json(res, 200, { data: null, errors: [{ message: 'no such product' }] }),
  /** Accepts the request and never answers. */
  hang: (): Behaviour => () => undefined,
  /** Headers at once, then one byte every `everyMs`, forever. */
  trickle: (everyMs = 300): Behaviour => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":{"x":"');
    const timer = setInterval(() => res.write('a'), everyMs);
    res.on('close', () => clearInterval(timer));
  },
  html: (status = 200): Behaviour => (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
  },
  jsonNotGraphQL: (): Behaviour => (_req, res) => json(res, 200, { status: 'ok', items: [1, 2, 3] }),
  status: (status: number, body?: unknown): Behaviour => (_req, res) => {
    if (body === undefined) {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    } else json(res, status, body);
  },
  /** Half an answer, then the connection is torn down. */
  resetMidBody: (): Behaviour => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"data":{"x":"', () => setTimeout(() => res.socket?.destroy(), 10));
  },
  /** The connection is closed before any answer, on the first `times` hits; then `then`. */
  dropFirst: (times: number, then: Behaviour): Behaviour => (req, res, hit, body) => {
    if (hit <= times) req.socket.destroy();
    else then(req, res, hit, body);
  },
  /** `total` bytes of a JSON string, chunk after chunk, honouring backpressure; no content-length. */
  oversized: (total: number, declare = false): Behaviour => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(total) } : {}) });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < total && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  },
} satisfies Record<string, (...args: never[]) => Behaviour>;

/** Polls until `condition` holds; gives up (and says what it waited for) after `limitMs`. */
export async function until(condition: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`Waited ${limitMs} ms for ${what}; it did not happen`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
