import { join } from 'node:path';
import { REPO_ROOT } from '../../shared/paths.js';
import type { GatewayUnderTest } from './measure-gateway.js';

/**
 * The child's environment: the parent's, without the settings that would change what is measured
 * (another JWT secret would refuse the benchmark's token; AUTHZ_* would turn governance off;
 * GATEWAY_WORKERS > 1 would fork workers whose memory the measured pid does not include).
 */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(JWT_|AUTHZ_|REQUIRE_AUTHENTICATION$|SUPERGRAPH_PATH$|GATEWAY_|MESHGATE_)/.test(key)) delete env[key];
  return { ...env, APOLLO_TELEMETRY_DISABLED: 'true', ...extra };
}

/** Meshgate as deployed (the Dockerfile's entry point), on the full supergraph, authorization on. */
export const meshgate = (supergraphPath: string): GatewayUnderTest => ({
  name: 'Meshgate',
  file: 'gateway/src/main.ts',
  args: () => [],
  env: (port) =>
    cleanEnv({
      SUPERGRAPH_PATH: supergraphPath,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: 'warn',
      // Decides the generated mesh's policies; the default module only knows "pii".
      MESHGATE_CONFIG: join(REPO_ROOT, 'bench', 'scale', 'meshgate.config.ts'),
    }),
  url: (port) => `http://127.0.0.1:${port}/graphql`,
});

/** Stock @apollo/gateway + @apollo/server (the side-by-side peer), on the supergraph without SECURITY features. */
export const stockApollo = (plannerSupergraphPath: string): GatewayUnderTest => ({
  name: '@apollo/gateway',
  file: 'bench/side-by-side/apollo.ts',
  args: (port) => ['--supergraph', plannerSupergraphPath, '--port', String(port)],
  env: () => cleanEnv({}),
  url: (port) => `http://127.0.0.1:${port}/`,
});
