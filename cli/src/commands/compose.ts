import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { loadDescriptor } from '../../../shared/dataproduct/descriptor.js';
import { loadLintConfig } from '../../../registry/src/checks/lint-config.js';
import { runChecks } from '../../../registry/src/checks/run-checks.js';
import type { CheckResult, SubgraphInput } from '../../../registry/src/checks/types.js';
import { ExitCode, InputError, parseCommandArgs, printJson, UsageError, type Command, type Io } from '../command.js';
import { readProductFolder, routingUrlOf, type ProductFolder } from '../product-folder.js';
import { printReport, summary, type ChecksReport } from '../report.js';

const OPTIONS = { out: { type: 'string', short: 'o' }, json: { type: 'boolean' } } as const;

export const compose: Command = {
  name: 'compose',
  usage: `Usage: meshgate compose <dir> [<dir>...] [options]

Composes the data products in the given folders (each holding schema.graphql and
dataproduct.yaml, with a routingUrl) into a supergraph, without a registry, and runs the checks
that need none: each contract parses, each descriptor is valid and consistent with its schema,
the set composes, and the governance and lint rules hold (REGISTRY_LINT_RULES sets the lint
levels, as for the registry). Breaking-change and usage checks need the registry: meshgate check.

Prints the supergraph SDL on stdout (the report, if any, on stderr), or writes it to --out.

Options:
  -o, --out <file>    write the supergraph SDL to this file
  --json              print { ok, compositionId, supergraphSdl, results } as JSON instead
  -h, --help          this text

Example:
  meshgate compose subgraphs/inventory subgraphs/marketing subgraphs/customer-service subgraphs/pricing

Exit codes: 0 composed and every check passed (warnings allowed), 1 composition or a check
failed (nothing is written), 2 usage error.`,
  async run(argv, io) {
    const { values, positionals: dirs } = parseCommandArgs('compose', argv, OPTIONS);
    if (values.help) {
      io.out(`${compose.usage}\n`);
      return ExitCode.Ok;
    }
    if (dirs.length === 0) throw new UsageError('compose: expected at least one data product folder, e.g. meshgate compose subgraphs/inventory subgraphs/marketing');
    const folders = await Promise.all(dirs.map((dir) => readProductFolder(io.cwd, dir)));
    const names = new Map<string, string>();
    for (const folder of folders) {
      const other = names.get(folder.name);
      if (other !== undefined) throw new InputError(`compose: ${other} and ${folder.dir} are both subgraph "${folder.name}": give each subgraph once`);
      names.set(folder.name, folder.dir);
    }
    const urls = folders.map((folder) => routingUrlOf(folder, undefined));
    const report = await offlineChecks(folders, urls, io);
    const composed = report.ok ? composeFolders(folders, urls) : undefined;
    if (composed && 'errors' in composed) report.results.push(...composed.errors);
    const sdl = composed && 'sdl' in composed ? composed.sdl : undefined;
    const ok = report.results.every((r) => r.severity !== 'error') && sdl !== undefined;
    const compositionId = sdl === undefined ? null : createHash('sha256').update(sdl).digest('hex');
    if (values.json) {
      printJson(io, { ok, compositionId, supergraphSdl: ok ? sdl : null, results: report.results });
    } else {
      if (report.results.length > 0) printReport(io.err, { ...report, ok, ...(compositionId ? { compositionId } : {}) });
      if (ok && sdl !== undefined) {
        if (values.out !== undefined) {
          const out = resolve(io.cwd, values.out);
          await writeFile(out, sdl);
          io.err(`Supergraph of ${folders.length} subgraphs (${compositionId!.slice(0, 12)}) written to ${out}; ${summary(report)}.\n`);
        } else {
          io.out(sdl.endsWith('\n') ? sdl : `${sdl}\n`);
        }
      } else {
        io.err(`Composition of ${folders.map((f) => f.name).join(', ')} failed the offline checks (${summary(report)}): nothing written.\n`);
      }
    }
    return ok ? ExitCode.Ok : ExitCode.Failed;
  },
};

/**
 * The registry's checks with nothing served and no usage recorded: each folder in turn is the
 * candidate, published over the others, so every folder's own rules run (descriptor, governance,
 * lint); what several runs share (composition) is reported once.
 */
async function offlineChecks(folders: readonly ProductFolder[], urls: readonly string[], io: Io): Promise<ChecksReport> {
  const current: SubgraphInput[] = [];
  for (const [i, folder] of folders.entries()) {
    try {
      current.push({ name: folder.name, url: urls[i], sdl: folder.sdl, descriptor: await loadDescriptor(folder.descriptorPath) });
    } catch {
      // An invalid descriptor is reported when its folder is the candidate (rule descriptor-valid).
    }
  }
  const lint = loadLintConfig({ ...io.env });
  const seen = new Set<string>();
  const results: CheckResult[] = [];
  for (const [i, folder] of folders.entries()) {
    const report = await runChecks({
      change: { kind: 'publish', candidate: { name: folder.name, url: urls[i], sdl: folder.sdl, descriptorText: folder.descriptorText } },
      current,
      usage: async () => new Map(),
      options: { usageWindowDays: 30, lint },
    });
    for (const result of report.results) {
      const key = JSON.stringify([result.severity, result.rule, result.message, result.coordinates]);
      if (seen.has(key)) continue;
      seen.add(key);
      results.push(result);
    }
  }
  return { ok: results.every((r) => r.severity !== 'error'), results };
}

/** Composition's own supergraph of exactly these folders at their routing URLs, or its errors as results. */
function composeFolders(folders: readonly ProductFolder[], urls: readonly string[]): { sdl: string } | { errors: CheckResult[] } {
  const result = composeServices(folders.map((folder, i) => ({ name: folder.name, url: urls[i], typeDefs: parse(folder.sdl) })));
  if (result.errors) {
    return {
      errors: result.errors.map((error) => ({
        severity: 'error' as const,
        rule: 'composition',
        message: `${error.extensions?.code ? `[${String(error.extensions.code)}] ` : ''}${error.message}`,
        coordinates: [],
        clients: [],
      })),
    };
  }
  return { sdl: result.supergraphSdl };
}
