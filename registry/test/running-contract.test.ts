import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadDataProduct } from '../../test/support/data-products.js';
import { startTestSubgraph, type TestSubgraph } from '../../test/support/subgraphs.js';
import { loadLintConfig } from '../src/checks/lint-config.js';
import type { RegistryClient } from '../src/client.js';
import type { CheckResult, PublishInput } from '../src/api/types.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';

let test: TestRegistry;
let inventory: TestSubgraph;
let team: RegistryClient;
let contract: { sdl: string; descriptor: string };
let silent: Server;

beforeAll(async () => {
  // The demo inventory describes its fields but not every type yet: that lint rule is not what this file tests.
  test = await startTestRegistry({ lint: loadLintConfig({ REGISTRY_LINT_RULES: 'type-descriptions=warning' }) }, { runningContract: { timeoutMs: 500 } });
  const product = await loadDataProduct('inventory');
  // A real kit subgraph that verifies the gateway's signatures: it still answers the unsigned `{ _service { sdl } }`.
  inventory = await startTestSubgraph(product);
  contract = { sdl: await readFile(product.schemaPath, 'utf8'), descriptor: await readFile(product.descriptorPath, 'utf8') };
  team = await test.client(['registry:publish:inventory'], 'inventory-ci');
  // Accepts connections and never answers.
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  silent?.closeAllConnections();
  await new Promise((resolve) => silent?.close(resolve));
  await inventory?.stop();
  await test?.stop();
});

const input = (overrides: Partial<PublishInput> = {}): PublishInput => ({ name: 'inventory', url: inventory.subgraph.url, ...contract, ...overrides });
const runningResults = (results: CheckResult[]) => results.filter((r) => r.rule === 'running-contract');

describe('the running contract on publish', () => {
  it('refuses a contract the running subgraph does not serve, naming the coordinates that differ', async () => {
    const changed = contract.sdl.replace('  sku: String!\n', '  sku: String!\n  "Where it is made."\n  origin: String\n');
    expect(changed).not.toBe(contract.sdl);
    const result = await team.publish(input({ sdl: changed }));
    expect(result.ok).toBe(false);
    expect(result.version).toBeNull();
    const [mismatch] = runningResults(result.report.results);
    expect(mismatch).toMatchObject({ severity: 'ERROR', coordinates: ['Product.origin'], evidence: 'Product.origin: published ": String", running absent' });
    expect(mismatch.message).toContain(`The subgraph running at ${inventory.subgraph.url} serves a different contract than the one being published (it differs at Product.origin)`);
    // The same change deployed after its schema: the check is skipped on request.
    const skipped = await team.check(input({ sdl: changed }));
    expect(runningResults(skipped.results)).toEqual([]);
  });

  it('publishes when the running subgraph serves the published contract (comments and printing aside)', async () => {
    const result = await team.publish(input({ sdl: `# A comment the running subgraph cannot know about.\n${contract.sdl}` }));
    expect(runningResults(result.report.results)).toEqual([]);
    expect(result).toMatchObject({ ok: true, version: { name: 'inventory', version: 1, url: inventory.subgraph.url } });
  });

  it('refuses when the subgraph cannot be reached or does not answer in time, unless the check is skipped', async () => {
    const closed = await team.publish(input({ url: 'http://127.0.0.1:1/graphql' }));
    expect(closed.ok).toBe(false);
    expect(runningResults(closed.report.results)[0].message).toMatch(/^The subgraph at http:\/\/127\.0\.0\.1:1\/graphql could not be reached .*skipRunningCheck/);

    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`;
    const late = await team.publish(input({ url: silentUrl }));
    expect(runningResults(late.report.results)[0].message).toContain('did not answer within 500 ms');

    const skipped = await team.publish(input({ url: silentUrl, skipRunningCheck: true }));
    expect(skipped).toMatchObject({ ok: true, version: { version: 2, url: silentUrl } });
  });
});
