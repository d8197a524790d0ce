import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { MeasurementPoint, PromiseRow, PromiseSource } from '../../gateway/src/catalog-api/types.js';
import { REPO_ROOT } from '../../shared/paths.js';

/** Where the browser tests leave their screenshots (gitignored). */
export const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots');

/** The Chromium `apt-get install -y chromium` puts here (.ci/run installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, and quiet: no update checks, sync or other traffic of the browser's own. */
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Builds catalog/dist when its sources changed (scripts/build-web.ts: a skipped build costs well
 * under a second), so the browser tests also run from a plain `npx jest test/browser`.
 */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'build-web.ts')], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 120_000 });
}

export function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A fresh browser context (its own sessionStorage) that lets nothing leave `origin` and records what it refused and what the pages' CSP blocked. */
export interface OfflineContext {
  context: BrowserContext;
  /** Every request a page made to another origin (each one was aborted). */
  foreign: string[];
  /** Every request the pages made, by URL. */
  requests: string[];
  newPage(): Promise<Page>;
  /** Content-Security-Policy violations the pages reported, and uncaught page errors. */
  problems(): Promise<string[]>;
}

export async function offlineContext(browser: Browser, origin: string): Promise<OfflineContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const foreign: string[] = [];
  const requests: string[] = [];
  const pageErrors: string[] = [];
  // The air gap: anything not for the gateway is aborted, as it would fail on an offline network.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
    foreign.push(url);
    return route.abort('internetdisconnected');
  });
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const pages: Page[] = [];
  return {
    context,
    foreign,
    requests,
    newPage: async () => {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
      pages.push(page);
      return page;
    },
    problems: async () => {
      const violations = await Promise.all(pages.filter((p) => !p.isClosed()).map((p) => p.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []).catch(() => [])));
      return [...pageErrors, ...violations.flat().map((v) => `CSP violation: ${v}`)];
    },
  };
}

/**
 * Measured promises for the catalog to show, the same for every product (in the promise monitor's
 * units: percent, ms, seconds): promises kept, one not kept, one with too few samples, and an hour of per-minute points with a latency spike and a
 * few failures, so the table's marks and the chart are all drawn.
 */
export function fakePromiseSource(now = Date.now()): PromiseSource {
  const rows: PromiseRow[] = [
    { property: 'availability', promised: 99.9, measured: 99.97, window: 'hour', met: true, samples: 6000 },
    { property: 'availability', promised: 99.9, measured: 99.95, window: 'day', met: true, samples: 120_000 },
    { property: 'availability', promised: 99.9, measured: 100, window: 'week', met: null, samples: 40 },
    { property: 'latencyP99Ms', promised: 150, measured: 182, window: 'hour', met: false, samples: 6000 },
    { property: 'latencyP99Ms', promised: 150, measured: 96, window: 'day', met: true, samples: 120_000 },
    { property: 'latencyP99Ms', promised: 150, measured: null, window: 'week', met: null, samples: 0 },
    { property: 'latencyP50Ms', promised: null, measured: 11, window: 'hour', met: null, samples: 6000 },
    { property: 'errorRate', promised: null, measured: 0.31, window: 'hour', met: null, samples: 6000 },
    { property: 'errorRate', promised: null, measured: 0.12, window: 'day', met: null, samples: 120_000 },
    { property: 'freshnessSeconds', promised: 0, measured: 420, window: 'now', met: true, samples: 1 },
  ];
  const start = Math.floor(now / 60_000) * 60_000 - 59 * 60_000;
  const hour: MeasurementPoint[] = Array.from({ length: 60 }, (_, i) => ({
    start: new Date(start + i * 60_000).toISOString(),
    requests: i === 7 ? 0 : 100,
    errors: i === 31 ? 4 : i === 44 ? 1 : 0,
    timeouts: i === 31 ? 2 : 0,
    p50Ms: i === 7 ? null : 9 + (i % 5),
    p99Ms: i === 7 ? null : i >= 28 && i <= 34 ? 160 + (i - 28) * 6 : 70 + ((i * 7) % 23),
  }));
  return {
    report: () => rows,
    series: (_product, window) => (window === 'hour' ? hour : []),
  };
}
