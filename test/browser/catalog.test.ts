import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadDescriptor } from '../../shared/dataproduct/descriptor.js';
import { ensureWebBuilt, fakePromiseSource, launchBrowser, offlineContext, SCREENSHOTS, type OfflineContext } from '../support/browser.js';
import { loadDataProduct, loadDataProducts } from '../support/data-products.js';
import { startPlatform, type Platform } from '../support/platform.js';
import { bearer } from '../support/tokens.js';

// The catalog in real headless Chromium against the real platform (registry, the demo data
// products and a gateway reading the registry, in process, port 0): browsing, search, history
// with its summaries, what a token may read and why, promises next to measurements, and nothing
// fetched from anywhere but the gateway. The promise monitor is a fixed source
// (test/support/browser.ts) so the marks and the chart are known.

/** A second version of inventory: one field deprecated and one consumer more, so the history has a summary to show. */
const DEPRECATED = { coordinate: 'Product.lowStock', reason: 'Compare totalStock with each reorderPoint' };

async function publishSecondInventory(platform: Platform): Promise<void> {
  const product = await loadDataProduct('inventory');
  const [sdl, descriptor] = await Promise.all([readFile(product.schemaPath, 'utf8'), readFile(product.descriptorPath, 'utf8')]);
  const served = platform.gateway.supergraphId;
  const result = await platform.admin.publish({
    name: 'inventory',
    url: platform.subgraphs.inventory.subgraph.url,
    sdl: sdl.replace(/^(\s+lowStock: Boolean!)$/m, `$1 @deprecated(reason: "${DEPRECATED.reason}")`),
    descriptor: descriptor.replace('consumers: [', 'consumers: [pricing analytics, '),
    label: 'deprecate-low-stock',
    // The running subgraph serves the field without the deprecation: only the contract changes.
    skipRunningCheck: true,
  });
  if (!result.ok) throw new Error(`publishing inventory v2 was refused: ${JSON.stringify(result.report.results)}`);
  const deadline = Date.now() + 10_000;
  while (platform.gateway.supergraphId === served) {
    if (Date.now() > deadline) throw new Error('the gateway did not serve inventory v2 within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let stack: Platform;
let browser: Browser;
let origin: string;
let session: OfflineContext;
const foreign: string[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  [stack, browser] = await Promise.all([startPlatform({ gatewayDependencies: { promises: fakePromiseSource() } }), launchBrowser()]);
  await publishSecondInventory(stack);
  origin = new URL(stack.gateway.url).origin;
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});
// Each test starts a new browser context: its own sessionStorage, so no token carries over.
beforeEach(async () => {
  session = await offlineContext(browser, origin);
});
afterEach(async () => {
  foreign.push(...session.foreign);
  expect(await session.problems()).toEqual([]);
  await session.context.close();
});

async function openProduct(page: Page, name: string): Promise<void> {
  await page.goto(`${origin}/catalog/products/${name}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(`^${name}`) }).waitFor();
}

const accessOf = (page: Page, coordinate: string) => page.getByTestId(`access-${coordinate}`);

async function readableOf(page: Page, coordinate: string): Promise<string | null> {
  const cell = accessOf(page, coordinate);
  await page.waitForFunction((c) => document.querySelector(`[data-testid="access-${c}"]`)?.getAttribute('data-readable') !== '', coordinate);
  return cell.getAttribute('data-readable');
}

async function useToken(page: Page, token: string): Promise<void> {
  await page.getByTestId('identity').click();
  await page.getByLabel('Paste a token (JWT)').fill(`Bearer ${token}`);
  await page.getByRole('button', { name: 'Use this token' }).click();
}

describe('the catalog', () => {
  it('lists every data product from / and opens one with its owner, entities, fields and history', async () => {
    const page = await session.newPage();
    await page.goto(`${origin}/`);
    expect(new URL(page.url()).pathname).toBe('/catalog/');
    const products = await loadDataProducts();
    const cards = page.getByRole('list', { name: 'Data products' }).getByRole('listitem');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(products.length);

    await page.getByRole('link', { name: 'inventory', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^inventory/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/catalog/products/inventory');
    const inventory = await loadDescriptor(products.find((p) => p.name === 'inventory')!.descriptorPath);
    const owner = page.getByRole('region', { name: 'Owner' });
    await expect(owner.innerText()).resolves.toContain(inventory.owner.team);
    await expect(owner.getByRole('link').getAttribute('href')).resolves.toBe(`mailto:${inventory.owner.contact}`);
    await expect(page.locator('.product-header .badge').innerText()).resolves.toMatch(new RegExp(inventory.lifecycle ?? 'active', 'i'));
    await expect(page.getByRole('region', { name: 'Entities' }).innerText()).resolves.toMatch(/Product\s+id\s*sku/);
    // A classified field shows its level; its requirement is in plain words.
    const unitCost = page.locator('tr[id="Product.unitCost"]');
    await expect(unitCost.locator('.badge').innerText()).resolves.toMatch(/confidential/i);
    await expect(unitCost.innerText()).resolves.toContain('needs the scope finance:read');
    // The registry's versions, newest first, each with what changed in words.
    const history = page.getByRole('region', { name: 'Change history' }).locator('ol > li');
    await history.first().waitFor();
    await expect(history.first().innerText()).resolves.toMatch(/^v2 publish[\s\S]*platform-admin deprecate-low-stock/i);
    await expect(history.first().innerText()).resolves.toContain(`Field '${DEPRECATED.coordinate}' is deprecated`);
    await expect(history.first().innerText()).resolves.toContain('New consumer: pricing analytics');
    await expect(history.last().innerText()).resolves.toMatch(/^v1 publish[\s\S]*First version/i);
    // The deprecation is on its field too, with its reason.
    const deprecated = page.locator(`tr[id="${DEPRECATED.coordinate}"]`);
    await expect(deprecated.getByText('deprecated', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(deprecated.innerText()).resolves.toContain(`Deprecated: ${DEPRECATED.reason}`);

    // Back to the list, as a browser's back button does it; a reload of a client route still works.
    await page.goBack();
    await cards.first().waitFor();
    await page.goto(`${origin}/catalog/products/marketing`);
    await page.getByRole('heading', { level: 1, name: /^marketing/ }).waitFor();
  });

  it('searches products, types and fields and links a field hit to its row', async () => {
    const page = await session.newPage();
    await page.goto(`${origin}/catalog/`);
    await page.getByRole('searchbox').fill('unitCost');
    const hit = page.getByRole('region', { name: 'Search results' }).getByRole('link', { name: 'Product.unitCost' });
    await hit.waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('unitCost');
    await hit.click();
    await page.getByRole('heading', { level: 1, name: /^inventory/ }).waitFor();
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe('#Product.unitCost');
    await expect(page.locator('tr[id="Product.unitCost"]').isVisible()).resolves.toBe(true);

    // A search for nothing says so; a search in the address runs on load.
    await page.goto(`${origin}/catalog/?q=${encodeURIComponent('no-such-thing-anywhere')}`);
    await page.getByText('Nothing matches').waitFor();
  });

  it('marks each field readable or not: anonymous, then with a pasted finance token', async () => {
    const page = await session.newPage();
    await openProduct(page, 'inventory');
    await page.getByTestId('access-note').getByText('an anonymous caller').waitFor();
    expect(await readableOf(page, 'Product.unitCost')).toBe('false');
    expect(await readableOf(page, 'Product.name')).toBe('true');
    await expect(accessOf(page, 'Product.unitCost').innerText()).resolves.toMatch(/not readable[\s\S]*finance:read/);

    const { authorization } = await bearer({ subject: 'fiona', scopes: ['finance:read'] });
    await useToken(page, authorization.replace(/^Bearer /, ''));
    await page.getByTestId('identity').getByText('fiona').waitFor();
    await page.getByTestId('access-note').getByText('fiona').waitFor();
    expect(await readableOf(page, 'Product.unitCost')).toBe('true');
    // The token is for this tab only, and survives a reload.
    await expect(page.evaluate(() => sessionStorage.getItem('meshgate.token'))).resolves.toMatch(/^eyJ/);
    await page.reload();
    await page.getByTestId('access-note').getByText('fiona').waitFor();

    await page.getByRole('region', { name: 'Promises' }).getByTestId('measurement-chart').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'catalog-product-finance.png'), fullPage: true });
    // The README's picture (docs/catalog.png is a copy of this one, made by hand: a test never writes into the tree).
    const promises = await page.getByRole('region', { name: 'Promises' }).boundingBox();
    await page.screenshot({ path: join(SCREENSHOTS, 'catalog.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(promises!.y + promises!.height + 24) } });
  });

  it('picks a development token, and reading changes with it', async () => {
    const page = await session.newPage();
    await openProduct(page, 'customer-service');
    expect(await readableOf(page, 'Customer.email')).toBe('false');
    await expect(accessOf(page, 'Customer.email').innerText()).resolves.toMatch(/authentication/);

    await page.getByTestId('identity').click();
    await page.getByTestId('dev-token-analyst').click();
    await page.getByTestId('identity').getByText('analyst').waitFor();
    await page.getByTestId('access-note').getByText('analyst', { exact: true }).waitFor();
    // Signed in but without the pii policy: still not readable, and now only the policy is missing.
    expect(await readableOf(page, 'Customer.email')).toBe('false');
    await expect(accessOf(page, 'Customer.email').innerText()).resolves.toMatch(/policy pii/);
    await expect(accessOf(page, 'Customer.email').innerText()).resolves.not.toMatch(/authentication/);

    await page.getByTestId('identity').click();
    await page.getByTestId('dev-token-support').click();
    await page.getByTestId('access-note').getByText('support', { exact: true }).waitFor();
    expect(await readableOf(page, 'Customer.email')).toBe('true');
    expect(await readableOf(page, 'SupportTicket.subject')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, 'catalog-support-token.png') });
  });

  it('says plainly when the gateway refuses a token, and forgets it on request', async () => {
    const page = await session.newPage();
    await openProduct(page, 'inventory');
    await useToken(page, 'not-a-jwt');
    await page.getByTestId('identity').getByText('Token refused').waitFor();
    await page.getByRole('region', { name: 'Types and fields' }).getByRole('alert').getByText(/Could not load what you may read/).waitFor();
    await page.getByTestId('identity').click();
    await page.getByRole('dialog', { name: 'Token' }).getByRole('alert').getByText('The gateway refused this token').waitFor();
    await page.getByRole('button', { name: 'Forget token' }).click();
    await page.getByTestId('access-note').getByText('an anonymous caller').waitFor();
  });

  it('shows promises next to what was measured, marks one not kept, and draws the chart', async () => {
    const page = await session.newPage();
    await openProduct(page, 'inventory');
    // Anonymous: the promises, and why the measurements are not shown.
    const promises = page.getByRole('region', { name: 'Promises' });
    await promises.getByTestId('promises-need-token').waitFor();
    await expect(promises.innerText()).resolves.toMatch(/Availability\s+99\.9 %/);

    await page.getByTestId('identity').click();
    await page.getByTestId('dev-token-analyst').click();
    const notKept = promises.getByTestId('promise-latencyP99Ms-hour');
    await notKept.waitFor();
    await expect(notKept.getAttribute('data-met')).resolves.toBe('false');
    await expect(notKept.innerText()).resolves.toMatch(/182 ms\s+✗ not kept/);
    await expect(promises.getByTestId('promise-availability-hour').innerText()).resolves.toMatch(/99\.97 %\s+✓ kept/);
    await expect(promises.getByTestId('promise-availability-week').innerText()).resolves.toContain('only 40 samples: too few to judge');
    await expect(promises.getByTestId('promise-latencyP99Ms-week').innerText()).resolves.toContain('no data yet');
    await expect(promises.getByTestId('promise-errorRate-hour').innerText()).resolves.toMatch(/0\.31 %\s+nothing promised/);
    await expect(promises.getByTestId('promise-freshnessSeconds-now').innerText()).resolves.toMatch(/changed 7 min ago\s+✓ kept/);
    await expect(promises.getByTestId('not-kept-summary').innerText()).resolves.toBe('1 promise was not kept.');

    const chart = promises.getByTestId('measurement-chart');
    await chart.waitFor();
    // p50 and p99 lines, broken where a minute had no requests; failure bars for the two bad minutes.
    await expect(chart.locator('path.p99').getAttribute('d')).resolves.toMatch(/^M[\d.,]+(L[\d.,]+)+M/);
    await expect(chart.locator('rect.error-bar').count()).resolves.toBe(2);
    await expect(chart.locator('line.promised').count()).resolves.toBe(1);
    await promises.getByRole('button', { name: 'Day' }).click();
    await promises.getByText('No requests reached this subgraph in this window yet.').waitFor();
  });

  it('fetched nothing from another origin in any test', () => {
    expect(foreign).toEqual([]);
  });
});
