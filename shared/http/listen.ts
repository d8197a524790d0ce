import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, HttpError } from '../errors.js';

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ListenOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** On close, how long in-flight requests may take to finish before their connections are cut. Default 10000 ms. */
  drainMs?: number;
  /** A request (headers and body) must arrive within this time, or its connection is closed (slow clients). Default 30000 ms. */
  requestTimeoutMs?: number;
  /** The request headers must arrive within this time. Default 10000 ms. */
  headersTimeoutMs?: number;
}

export interface Listening {
  server: Server;
  url: string;
  port: number;
  /**
   * Stops accepting connections and closes idle keep-alive ones; requests still arriving on open
   * connections get 503 SHUTTING_DOWN; in-flight requests finish, up to `drainMs`, after which
   * the remaining connections are cut. Resolves once the server is closed.
   */
  close(): Promise<void>;
}

/** Listens on `port` (0 picks a free one) and reports the URL actually bound. */
export async function listen(handler: Route, port: number, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  const drainMs = options.drainMs ?? 10_000;
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const server = createServer(
    {
      keepAliveTimeout: 65_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      headersTimeout: options.headersTimeoutMs ?? 10_000,
    },
    (req, res) => {
      if (draining) {
        res.shouldKeepAlive = false;
        const refusal = new HttpError(503, ErrorCode.ShuttingDown, 'The service is shutting down: retry on another instance');
        res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' }).end(refusal.toBody());
        return;
      }
      inFlight.add(res);
      res.once('close', () => {
        inFlight.delete(res);
        // Once a drained request is answered its connection is idle: close it rather than keep it alive.
        if (draining) setImmediate(() => server.closeIdleConnections());
      });
      void handler(req, res);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${shownHost}:${bound}/graphql`,
    port: bound,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        draining = true;
        // Answers still to be written say the connection ends with them.
        for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
        const cut = setTimeout(() => server.closeAllConnections(), drainMs);
        cut.unref();
        server.close((error) => {
          clearTimeout(cut);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      })),
  };
}
