import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { UsageCollector } from './usage-collector.js';
import { clientIdentity, type UsageReporter } from './usage-reporter.js';

/**
 * Records usage once Apollo Server has validated the operation and resolved which one runs: the
 * document as the client sent it (authorization filters later, but a client asking for a field uses
 * it), on this generation's API schema, under the client's `apollographql-client-name` / `-version`.
 */
export function usagePlugin<Ctx extends BaseContext>(collector: UsageCollector, reporter: UsageReporter): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, queryHash, document }) {
          const headers = request.http?.headers;
          const client = clientIdentity(headers?.get('apollographql-client-name'), headers?.get('apollographql-client-version'));
          reporter.record(client, collector.coordinatesOf(queryHash, document));
        },
      };
    },
  };
}
