/**
 * The scale scenario on its own (issue 4): generated 100 subgraphs / 5,000 types, Meshgate and stock
 * @apollo/gateway side by side. Prints a table on stdout (progress on stderr); --json also writes the result.
 *
 *   node --import tsx bench/scale/run.ts [--subgraphs 100] [--types 5000] [--seed 4] [--hops 5] [--runs 3] [--out /tmp/meshgate-bench/scale] [--json out.json]
 *
 * The side-by-side driver imports `runScaleScenario` from here (or from ./scenario.js) and adds the result to its own output.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatScaleTable } from './report.js';
import { runScaleScenario } from './scenario.js';

export { runScaleScenario, type ScaleOptions, type ScaleResult } from './scenario.js';
export { formatScaleTable } from './report.js';

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${flag}: expected a whole number, got "${value}"`);
  return parsed;
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subgraphs: { type: 'string' },
      types: { type: 'string' },
      seed: { type: 'string' },
      hops: { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const result = await runScaleScenario({
    subgraphs: wholeNumber('subgraphs', values.subgraphs),
    types: wholeNumber('types', values.types),
    seed: wholeNumber('seed', values.seed),
    hops: wholeNumber('hops', values.hops),
    runs: wholeNumber('runs', values.runs),
    outDir: values.out,
  });
  console.log(formatScaleTable(result));
  if (values.json) {
    await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
    console.error(`scale: result written to ${resolve(values.json)}`);
  }
}

// Runs only as a script: importing this module (the side-by-side driver does) must not start a benchmark.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
