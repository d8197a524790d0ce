import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { SubgraphClient } from '../../src/execution/subgraph-client.js';
import { startHostileServer, type Behaviour, type HostileServer } from '../../../test/support/hostile-server.js';

/** What @apollo/gateway hands a data source for an operation a client sent, with the request's AbortSignal in its context. */
export function incomingOperation(query: string, signal?: AbortSignal): GraphQLDataSourceProcessOptions {
  const context = signal ? { signal } : {};
  return {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (a CommonJS enum jest's ESM loader cannot import by name).
    kind: 'incoming operation' as GraphQLDataSourceProcessOptions['kind'],
    request: { query },
    context,
    incomingRequestContext: { context } as never,
  };
}

/**
 * The hostile servers and subgraph clients a test makes, stopped after each test (registers an
 * `afterEach`: call it once, at the top of a test file).
 */
export function useClientFixtures(): { hostile(behaviour: Behaviour): Promise<HostileServer>; track<C extends SubgraphClient>(client: C): C } {
  let servers: HostileServer[] = [];
  let clients: SubgraphClient[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(clients.map((c) => c.close()));
    servers = [];
    clients = [];
  });
  return {
    async hostile(behaviour) {
      const server = await startHostileServer(behaviour);
      servers.push(server);
      return server;
    },
    track(client) {
      clients.push(client);
      return client;
    },
  };
}
