/**
 * Hive Gateway config for the `hive-gateway-dedup-off` variant only: turns off the upstream
 * in-flight request deduplication of @graphql-tools/executor-http (default true), which otherwise
 * collapses the identical concurrent subgraph calls a fixed-query load test produces.
 * Passed with `--config-path`; the default-settings peer uses no config file.
 */
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  transportEntries: {
    '*.http': { options: { deduplicateInflightRequests: false } },
  },
});
