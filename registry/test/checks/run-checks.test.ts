import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDataProductFolder, SUBGRAPHS_ROOT } from '../../../shared/dataproduct/folders.js';
import { formatReport } from '../../src/checks/format-report.js';
import { loadLintConfig } from '../../src/checks/lint-config.js';
import { runChecks } from '../../src/checks/run-checks.js';
import type { CheckInput, CheckReport, SubgraphInput } from '../../src/checks/types.js';
import { CURRENT, PRODUCTS_SDL, REVIEWS_SDL, TODAY, WEB, descriptorOf, everythingUsed, projected, publish, served, subgraph, usageOf, type UsageStub } from './fixtures.js';

function remove(name: string, options: { current?: SubgraphInput[]; usage?: UsageStub; force?: boolean } = {}): Promise<CheckReport> {
  const current = options.current ?? CURRENT;
  return runChecks({
    change: { kind: 'remove', name },
    current,
    servedSupergraphSdl: served(current),
    usage: (options.usage ?? usageOf()).usage,
    options: { usageWindowDays: 30, lint: loadLintConfig({}), force: options.force, today: TODAY },
  });
}

/** A third subgraph whose @requires needs a field only products defines. */
const SHIPPING_SDL = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires"])

type Product @key(fields: "id") {
  id: ID!
  price: Float! @external
  "Shipping cost in EUR, from the price."
  shippingCost: Float @requires(fields: "price")
}
`;

describe('remove: the rest composes, passes governance, and breaks nobody in use', () => {
  it('removing an unused subgraph passes, each removed coordinate with its evidence', async () => {
    const report = await remove('reviews');
    expect(projected(report, 'breaking')).toEqual([
      { severity: 'info', rule: 'breaking', coordinates: ['Review'] },
      { severity: 'info', rule: 'breaking', coordinates: ['Product.reviews'] },
      { severity: 'info', rule: 'breaking', coordinates: ['Query.latestReviews'] },
    ]);
    expect(report.results.find((r) => r.rule === 'breaking')?.evidence).toBe(
      'no client used Review between 2026-11-01 and 2026-12-01 (checked Review.id, Review.stars, Review.authorEmail)',
    );
    expect(report.ok).toBe(true);
    expect(report.supergraphSdl).not.toContain('Review');
    expect(report.compositionId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('removing a subgraph clients use fails, naming them; force makes it a warning', async () => {
    const used = await remove('reviews', { usage: everythingUsed() });
    expect(projected(used, 'breaking').map((r) => r.severity)).toEqual(['error', 'error', 'error']);
    // Review: one client over its three fields, counted once with the sum of its requests.
    expect(used.results.find((r) => r.rule === 'breaking')?.clients).toEqual([{ ...WEB, count: 3 * WEB.count }]);
    expect(used.ok).toBe(false);
    const forced = await remove('reviews', { usage: everythingUsed(), force: true });
    expect(projected(forced, 'breaking').map((r) => r.severity)).toEqual(['warning', 'warning', 'warning']);
    expect(forced.ok).toBe(true);
  });

  it('fails when the rest does not compose without it', async () => {
    const current = [...CURRENT, subgraph('shipping', SHIPPING_SDL, descriptorOf('shipping', { entities: [{ type: 'Product', keys: ['id'], description: 'x' }], classification: [] }))];
    const report = await remove('products', { current, force: true });
    const composition = report.results.filter((r) => r.rule === 'composition');
    expect(composition.map((r) => r.severity)).toContain('error');
    expect(composition.map((r) => r.message).join('\n')).toMatch(/Product\.price/);
    expect(report.ok).toBe(false);
    expect(report.supergraphSdl).toBeUndefined();
  });

  it("checks the rest's governance", async () => {
    const unguarded = descriptorOf('reviews', { classification: [{ field: 'Review.stars', level: 'restricted', categories: ['commercial'], reason: 'x' }] });
    const current = [subgraph('products', PRODUCTS_SDL), subgraph('reviews', REVIEWS_SDL, unguarded)];
    const report = await remove('products', { current });
    expect(projected(report, 'classified-restricted')).toEqual([{ severity: 'error', rule: 'classified-restricted', coordinates: ['Review.stars'] }]);
  });

  it('refuses to remove what is not there', async () => {
    const report = await remove('pricing');
    expect(report.results.map((r) => [r.severity, r.rule, r.message])).toEqual([['error', 'composition', 'there is no current subgraph "pricing" to remove']]);
  });

  it('does not lint or compare descriptors of what is removed', async () => {
    const report = await remove('reviews');
    expect(report.results.filter((r) => r.rule.startsWith('lint:') || r.rule.startsWith('descriptor') || r.rule === 'promise-weakened')).toEqual([]);
  });
});

describe('the real demo data products', () => {
  const NAMES = ['inventory', 'marketing', 'customer-service'];
  let current: SubgraphInput[];
  let descriptorTexts: Map<string, string>;
  beforeAll(async () => {
    const folders = await Promise.all(NAMES.map((name) => readDataProductFolder(join(SUBGRAPHS_ROOT, name))));
    current = await Promise.all(folders.map(async (f) => ({ name: f.name, url: f.routingUrl!, sdl: await readFile(f.schemaPath, 'utf8'), descriptor: f.descriptor })));
    descriptorTexts = new Map(await Promise.all(folders.map(async (f) => [f.name, await readFile(f.descriptorPath, 'utf8')] as const)));
  });

  it.each(NAMES)('republishing %s unchanged passes every check with the default rules', async (name) => {
    const candidate = current.find((s) => s.name === name)!;
    const input: CheckInput = {
      change: { kind: 'publish', candidate: { name, url: candidate.url, sdl: candidate.sdl, descriptorText: descriptorTexts.get(name)! } },
      current,
      servedSupergraphSdl: served(current),
      usage: usageOf().usage,
      options: { usageWindowDays: 30, lint: loadLintConfig({}), today: TODAY },
    };
    const report = await runChecks(input);
    expect(report.results.filter((r) => r.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.descriptor?.name).toBe(name);
    expect(report.supergraphSdl).toBe(served(current));
  });
});

describe('formatReport', () => {
  it('groups by severity, with coordinates, clients and evidence, and a summary line', async () => {
    const report = await publish({
      sdl: PRODUCTS_SDL.replace('"List price in EUR."\n  price: Float!\n', '').replace('  GAMES\n', '  GAMES\n  TOYS\n').replace('"Display name."\n', ''),
      usage: usageOf({ 'Product.price': [WEB, { client: 'ios', version: '2.0.1', count: 1, lastSeen: '2026-11-02' }] }),
    });
    expect(formatReport(report).split('\n')).toEqual([
      'Errors (1):',
      "  ✗ [breaking] Field 'price' was removed from object type 'Product'",
      '      coordinates: Product.price',
      '      used by: web 1.4.0 (40 requests, last 2026-11-30), ios 2.0.1 (1 request, last 2026-11-02)',
      '      evidence: used between 2026-11-01 and 2026-12-01: Product.price by web 1.4.0 (40), ios 2.0.1 (1)',
      '',
      'Warnings (2):',
      '  ! [lint:field-descriptions] Product: field without a description: name',
      '      coordinates: Product.name',
      "  ! [breaking] Enum value 'TOYS' was added to enum 'Category'",
      '      coordinates: Category.TOYS',
      expect.stringMatching(/^ {6}evidence: Adding an enum value may break existing clients/),
      '',
      'Info (1):',
      '  · [breaking] 1 non-breaking change',
      '      coordinates: Product.name',
      expect.stringMatching(/^ {6}evidence: Description .*Product\.name/),
      '',
      `Check failed: 1 error, 2 warnings, 1 info; composition ${report.compositionId!.slice(0, 12)}`,
    ]);
  });

  it('says a clean check passed', async () => {
    expect(formatReport(await publish())).toMatch(/^Check passed: 0 errors, 0 warnings, 0 info; composition [0-9a-f]{12}$/);
  });
});
