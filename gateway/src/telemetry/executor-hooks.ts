// The two places the executor hands request telemetry what it sees: the answer's errors, and each subgraph call.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GovernedContext } from '../execution/governed-gateway.js';
import type { RequestDecorator } from '../execution/request-signing.js';
import { telemetryOf } from './plugins.js';

/**
 * Tells the request's telemetry how many GraphQL errors its answer carries (the access log's
 * `errors`); for any Apollo Server whose context carries `telemetry` (the gateway's, the catalog API's).
 */
export const errorCountPlugin: ApolloServerPlugin<Pick<GovernedContext, 'telemetry'>> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const errors = response.body.kind === 'single' ? (response.body.singleResult.errors?.length ?? 0) : 0;
        contextValue.telemetry?.recordErrors(errors);
      },
    };
  },
};

/**
 * Wraps a subgraph client's `decorate` hook: adds the request's telemetry headers (the request id)
 * to each outgoing request and reports the subgraph as called. Requests the gateway makes on its
 * own behalf (no incoming request) carry none.
 */
export function withTelemetry(subgraph: string, decorate: RequestDecorator): RequestDecorator {
  return (body, headers, options) => {
    const telemetry = 'incomingRequestContext' in options ? telemetryOf(options.context) : undefined;
    if (telemetry) {
      Object.assign(headers, telemetry.subgraphHeaders);
      telemetry.subgraphCalled(subgraph);
    }
    decorate(body, headers, options);
  };
}
