import type { RequestPlugin, RequestPluginDependencies } from './plugins.js';

/**
 * Times every GraphQL request from the pipeline to its end, into the gateway's request duration
 * histogram by operation type and outcome (telemetry/gateway-metrics.ts). No plugin when metrics are off.
 */
export function metricsPlugin({ metrics }: RequestPluginDependencies): RequestPlugin | undefined {
  if (!metrics.enabled) return undefined;
  return {
    name: 'metrics',
    start({ startedAt }) {
      return {
        end(result) {
          metrics.requestEnded(result, performance.now() - startedAt);
        },
      };
    },
  };
}
