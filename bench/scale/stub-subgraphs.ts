import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The one answer every subgraph fetch gets: the benchmark measures planning, not execution. */
const NO_DATA = JSON.stringify({ data: null, errors: [{ message: 'scale benchmark stub: no data (planning is measured, not execution)' }] });

export interface StubSubgraphs {
  /** URL of subgraph `name`: one path per subgraph, so fetches are counted per subgraph. */
  urlOf(name: string): string;
  /** Fetches received per subgraph since the last call, then starts counting afresh. */
  takeFetches(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * Stands in for all generated subgraphs on one port. Every fetch gets `data: null` with an error,
 * so the gateway finishes the operation after its first fetch(es) with a partial-failure answer:
 * a request then costs parsing, validation, authorization (Meshgate), planning and one short hop,
 * and the count of fetches proves the operation got as far as execution (a plan was built).
 * Unlike a closed port, it cannot be taken over by another process on this shared machine.
 */
export async function startStubSubgraphs(): Promise<StubSubgraphs> {
  let fetches: Record<string, number> = {};
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('/')[1] || '(none)';
    fetches[name] = (fetches[name] ?? 0) + 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(NO_DATA);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    urlOf: (name) => `http://127.0.0.1:${port}/${name}`,
    takeFetches: () => {
      const taken = fetches;
      fetches = {};
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
