import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { ConfigError } from '../../shared/config/env.js';
import { PUBLIC_SECRETS } from '../../shared/config/public-secrets.js';
import { listDataProductFolders } from '../../shared/dataproduct/folders.js';
import { REPO_ROOT } from '../../shared/paths.js';
import { loadSubgraphConfig } from '../../shared/subgraph/data-product.js';

// Every secret value the documentation or the compose file prints is one anybody can read: each
// must be in PUBLIC_SECRETS, and every service must refuse it when NODE_ENV=production.

const products = await listDataProductFolders();
const DOCUMENTS = ['README.md', 'docker-compose.yml', 'Dockerfile', ...products.map((p) => `subgraphs/${p.name}/README.md`)];

/** `JWT_SECRET=value`, `MESHGATE_SUBGRAPH_SECRET: value`, and backticked words that look like a secret. */
function printedSecrets(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:JWT_SECRET|MESHGATE_SUBGRAPH_SECRET)\s*[=:]\s*["']?([^\s"'`)]+)/g)) {
    const value = m[1];
    // Shell and compose expansions, placeholders and the variable's own value are not literal secrets.
    if (/^[$<{*-]/.test(value) || value.length < 16) continue;
    found.add(value);
  }
  for (const m of text.matchAll(/\$\{\w*SECRET\w*:-([^}]+)\}/g)) found.add(m[1]);
  for (const m of text.matchAll(/`([a-z0-9][a-z0-9-]{15,})`/g)) if (m[1].includes('secret')) found.add(m[1]);
  return [...found];
}

const printed = DOCUMENTS.flatMap((file) => printedSecrets(readFileSync(join(REPO_ROOT, file), 'utf8')).map((secret) => ({ file, secret })));

describe('secrets printed in this repository', () => {
  it('finds the ones the README shows (so the scan itself works)', () => {
    expect(printed.map((p) => p.secret)).toEqual(expect.arrayContaining(['meshgate-development-secret-change-me', 'meshgate-development-subgraph-secret']));
  });

  it.each(printed)('$file prints $secret: it is a known public secret', ({ secret }) => {
    expect(PUBLIC_SECRETS.has(secret)).toBe(true);
  });

  it.each([...PUBLIC_SECRETS])('%s is refused in production by the gateway and every subgraph', (secret) => {
    // A shared subgraph secret exists only with MESHGATE_SIGNING=hmac (the default signs with the gateway's key).
    const production = { NODE_ENV: 'production', JWT_SECRET: 'an-operator-secret-of-at-least-32-bytes!', MESHGATE_SIGNING: 'hmac', MESHGATE_SUBGRAPH_SECRET: 'an-operator-secret-of-at-least-32-chars' };
    expect(() => loadGatewayConfig(production)).not.toThrow();
    expect(() => loadGatewayConfig({ ...production, JWT_SECRET: secret })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ ...production, MESHGATE_SUBGRAPH_SECRET: secret })).toThrow(/MESHGATE_SUBGRAPH_SECRET: #1 is a secret printed in this repository/);
    for (const product of products) expect(() => loadSubgraphConfig(product, { ...production, MESHGATE_SUBGRAPH_SECRET: secret })).toThrow(ConfigError);
  });

  // A private key cannot be refused by value the way a printed secret is: none may be printed at all.
  it.each(DOCUMENTS)('%s prints no private key', (file) => {
    expect(readFileSync(join(REPO_ROOT, file), 'utf8')).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----|"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/);
  });
});
