/**
 * Secrets anyone can read: they are written in this repository's code, README or
 * docker-compose.yml. Fine for a laptop demo; every service refuses them when NODE_ENV=production,
 * like the built-in development secrets. test/deploy/public-secrets.test.ts checks that every
 * secret value the README and docker-compose.yml print is in this list.
 */
export const PUBLIC_SECRETS: ReadonlySet<string> = new Set([
  // The built-in development defaults (`npm run token` signs with the first).
  'meshgate-development-secret-change-me',
  'meshgate-development-subgraph-secret',
  // Fallbacks docker-compose.yml used to carry before it required real secrets; still in circulation.
  'compose-demo-subgraph-secret-change-me',
  'compose-demo-jwt-secret-change-me-0123456789',
]);

/** Whether `value` is one of the public secrets (compared as given, after trimming). */
export function isPublicSecret(value: string): boolean {
  return PUBLIC_SECRETS.has(value.trim());
}
