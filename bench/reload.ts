/**
 * `npm run bench:reload`: the reload scenario alone (bench/reload/scenario.ts; `npm run bench`
 * runs it too, unless --skip-reload). Meshgate and stock @apollo/gateway under workload (b) while
 * the registry's supergraph changes every few seconds: RPS, p50/p99, failed and wrong answers,
 * and the reload latency (publish to the first answer from the new supergraph).
 *
 *   npm run bench:reload [-- --quick] [--duration 30] [--warmup 3] [--connections 16] [--period-ms 3000]
 *                        [--poll-ms 1000] [--variants 200] [--tokens 50] [--out bench/results/reload.json]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../shared/paths.js';
import { formatReloadTable } from './reload/report.js';
import { runReloadScenario, type ReloadOptions } from './reload/scenario.js';

export { formatReloadTable } from './reload/report.js';
export { runReloadScenario, type ReloadOptions, type ReloadResult } from './reload/scenario.js';

const positive = (name: string, value: string | undefined, fallback: number) => {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name}: expected a positive number (got "${value}")`);
  return parsed;
};

/** The scenario's settings from its flags; bench/run.ts passes its own --quick, --connections, --variants, --tokens. */
export function reloadSettings(values: { quick?: boolean; duration?: string; warmup?: string; connections?: string; 'period-ms'?: string; 'poll-ms'?: string; variants?: string; tokens?: string }): Omit<ReloadOptions, 'log'> {
  return {
    duration: positive('duration', values.duration, values.quick ? 10 : 30),
    warmup: positive('warmup', values.warmup, values.quick ? 2 : 3),
    connections: positive('connections', values.connections, 16),
    periodMs: positive('period-ms', values['period-ms'], 3000),
    pollIntervalMs: positive('poll-ms', values['poll-ms'], 1000),
    variants: positive('variants', values.variants, values.quick ? 60 : 200),
    tokens: positive('tokens', values.tokens, 50),
  };
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'period-ms': { type: 'string' },
      'poll-ms': { type: 'string' },
      variants: { type: 'string' },
      tokens: { type: 'string' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'reload.json') },
    },
  });
  const settings = reloadSettings(values);
  const result = await runReloadScenario({ ...settings, log: (line) => console.error(`[bench] ${line}`) });
  console.log(`\nMeshgate reload benchmark, ${new Date().toISOString()}, Node ${process.version}, ${availableParallelism()} cores (shared by the load generator, the gateway, the registry and the subgraphs)`);
  console.log(formatReloadTable(result));
  await mkdir(dirname(values.out!), { recursive: true });
  await writeFile(values.out!, JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: availableParallelism(), reload: result }, null, 2));
  console.log(`\nJSON: ${resolve(values.out!)}`);
}

// Runs only as a script: bench/run.ts imports this module.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
