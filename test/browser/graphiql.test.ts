import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuilt, launchBrowser, offlineContext, SCREENSHOTS, type OfflineContext } from '../support/browser.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { bearer } from '../support/tokens.js';

// The IDE the gateway serves a browser at /graphql (catalog/src/graphiql/), in headless Chromium
// against the real gateway and demo data products: examples opened from the catalog run as they
// are, with the catalog's token in the headers editor, and on a network where nothing but the
// gateway answers (no CDN, no fonts), under the pages' strict Content-Security-Policy.

let stack: TestStack;
let browser: Browser;
let origin: string;
let session: OfflineContext;

beforeAll(async () => {
  ensureWebBuilt();
  [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
  origin = new URL(stack.gateway.url).origin;
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});
beforeEach(async () => {
  session = await offlineContext(browser, origin);
});
afterEach(async () => {
  expect(session.foreign).toEqual([]);
  expect(await session.problems()).toEqual([]);
  await session.context.close();
});

/** The text of GraphiQL's editors, in page order: query, variables, headers; and the result pane. */
async function editors(page: Page): Promise<{ query: string; variables: string; headers: string; result: string }> {
  return page.evaluate(() => {
    type WithEditor = Element & { CodeMirror?: { getValue(): string } };
    const value = (el: Element | null | undefined) => (el as WithEditor | null | undefined)?.CodeMirror?.getValue() ?? '';
    const inputs = [...document.querySelectorAll('.graphiql-editor .CodeMirror')];
    return { query: value(inputs[0]), variables: value(inputs[1]), headers: value(inputs[2]), result: value(document.querySelector('.result-window .CodeMirror')) };
  });
}

/** GraphiQL's editors are CodeMirror instances created after the first render, the query's filled last. */
async function ideReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const inputs = [...document.querySelectorAll('.graphiql-editor .CodeMirror')] as (Element & { CodeMirror?: unknown })[];
    return inputs.length >= 3 && inputs.every((el) => el.CodeMirror) && document.querySelector('.result-window .CodeMirror');
  });
}

async function run(page: Page): Promise<Record<string, any>> {
  const answer = page.waitForResponse((response) => new URL(response.url()).pathname === '/graphql' && response.request().method() === 'POST' && !response.request().postData()?.includes('IntrospectionQuery'));
  await page.locator('.graphiql-execute-button').click();
  await answer;
  await page.waitForFunction(() => ((document.querySelector('.result-window .CodeMirror') as Element & { CodeMirror?: { getValue(): string } })?.CodeMirror?.getValue() ?? '') !== '');
  return JSON.parse((await editors(page)).result) as Record<string, any>;
}

async function openFirstExample(page: Page, product: string): Promise<string> {
  await page.goto(`${origin}/catalog/products/${product}`);
  const example = page.getByRole('region', { name: 'Examples' }).getByRole('listitem').first();
  const query = await example.locator('pre').first().innerText();
  await example.getByRole('link', { name: 'Open in IDE' }).click();
  await ideReady(page);
  expect(new URL(page.url()).pathname).toBe('/graphql');
  return query;
}

describe('the IDE', () => {
  it('opens a catalog example and runs it as the catalog token, which it puts in the headers editor', async () => {
    const page = await session.newPage();
    const { authorization } = await bearer({ subject: 'fiona', scopes: ['finance:read'] });
    await page.goto(`${origin}/catalog/`);
    await page.evaluate((token) => sessionStorage.setItem('meshgate.token', token), authorization.replace(/^Bearer /, ''));

    const query = await openFirstExample(page, 'inventory');
    const opened = await editors(page);
    expect(opened.query.trim()).toBe(query.trim());
    expect(JSON.parse(opened.headers)).toEqual({ Authorization: authorization });

    const sent = page.waitForRequest((request) => new URL(request.url()).pathname === '/graphql' && request.method() === 'POST' && !request.postData()?.includes('IntrospectionQuery'));
    const result = await run(page);
    expect((await sent).headers().authorization).toBe(authorization);
    expect(result.errors).toBeUndefined();
    // The first inventory example reads unit costs: a finance token gets them.
    expect(result.data.products.length).toBeGreaterThan(0);
    expect(typeof result.data.products[0].unitCost).toBe('number');
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql-example.png') });
  });

  it('runs the same example without a token and shows the denial the catalog warned of', async () => {
    const page = await session.newPage();
    await page.goto(`${origin}/catalog/products/inventory`);
    await page.getByRole('region', { name: 'Examples' }).getByText('Without a token: needs the scope finance:read').first().waitFor();
    await openFirstExample(page, 'inventory');
    expect((await editors(page)).headers.trim()).toBe('');
    const result = await run(page);
    expect(result.data.products.length).toBeGreaterThan(0);
    expect(result.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('works offline: the schema loads, the docs show it, an operation from the address runs', async () => {
    const page = await session.newPage();
    const variables = JSON.stringify({ limit: 2 });
    await page.goto(`${origin}/graphql?${new URLSearchParams({ query: 'query Few($limit: Int) { products(limit: $limit) { sku name } }', variables })}`);
    await ideReady(page);
    expect(JSON.parse((await editors(page)).variables)).toEqual({ limit: 2 });
    const result = await run(page);
    expect(result).toEqual({ data: { products: [expect.objectContaining({ sku: expect.any(String) }), expect.objectContaining({ sku: expect.any(String) })] } });

    // Introspection reached the gateway and the documentation explorer shows its root types.
    await page.getByRole('button', { name: /Show Documentation Explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql-offline.png') });
    // Every request the IDE made went to the gateway itself.
    expect(session.requests.length).toBeGreaterThan(3);
    expect(session.requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
  });

  it('is what a browser gets at /graphql instead of a landing page that loads from a CDN', async () => {
    const answer = await fetch(stack.gateway.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    const html = await answer.text();
    expect(answer.status).toBe(200);
    expect(html).toContain('<div id="graphiql">');
    expect(html).not.toMatch(/https?:\/\//);
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
    // GraphQL clients are answered as before.
    const json = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await json.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('the catalog over the gateway\'s own promise monitor', () => {
  it('shows what the gateway measured of the requests just made, too few to judge yet', async () => {
    for (let i = 0; i < 5; i += 1) {
      const answer = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ products(limit: 1) { sku } }' }) });
      expect(answer.status).toBe(200);
    }
    const page = await session.newPage();
    await page.goto(`${origin}/catalog/products/inventory`);
    await page.getByTestId('identity').click();
    await page.getByTestId('dev-token-analyst').click();
    const availability = page.getByTestId('promise-availability-hour');
    await availability.waitFor();
    // Every fetch answered: 100 %, from at least the five above, below the monitor's minimum to judge.
    await expect(availability.innerText()).resolves.toMatch(/^100 %\s+only \d+ samples: too few to judge$/);
    await page.getByTestId('measurement-chart').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'catalog-measured.png'), fullPage: true });
  });
});
