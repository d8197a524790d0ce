import type { GatewayInterface, GatewayLoadResult } from '@apollo/server-gateway-interface';
import type { GraphQLSchema } from 'graphql';

/**
 * A gateway loaded before Apollo Server starts, so that Meshgate can index the planner's own API
 * schema instead of building the supergraph a second time (seconds and hundreds of MB at a few
 * thousand types). Apollo Server still calls `onSchemaLoadOrUpdate` and then `load`: the listener
 * hears the schema that is already loaded, and `load` hands over the result of the load done.
 */
export function preloadedGateway(inner: GatewayInterface, loaded: GatewayLoadResult, current: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }): GatewayInterface {
  let handedOver = false;
  return {
    onSchemaLoadOrUpdate: (callback) => {
      const unsubscribe = inner.onSchemaLoadOrUpdate(callback);
      callback(current);
      return unsubscribe;
    },
    load: async () => {
      if (handedOver) throw new Error('preloadedGateway: load() was called twice');
      handedOver = true;
      return loaded;
    },
    stop: () => inner.stop(),
  };
}
