import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../shared/paths.js';
import { ExitCode, InputError, RegistryAccessError, UsageError, type Command, type CommandEntry, type Io } from './command.js';
/**
 * Every command, in the order a domain team meets them. A command's module is imported only when
 * it runs: compose alone pulls in composition and every check, and `--help` should not wait for them.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', summary: 'scaffold a new data product in subgraphs/<name>/', load: async () => (await import('./commands/init.js')).init },
  { name: 'serve', summary: 'run a data product of this repository locally: migrations, seed, listen', load: async () => (await import('./commands/serve.js')).serve },
  { name: 'check', summary: 'check a data product change against the registry, without publishing it', load: async () => (await import('./commands/check.js')).check },
  { name: 'publish', summary: 'publish a data product to the registry; gateways serve it within seconds', load: async () => (await import('./commands/publish.js')).publish },
  { name: 'subgraphs', summary: 'list the current version of every published subgraph', load: async () => (await import('./commands/subgraphs.js')).subgraphs },
  { name: 'history', summary: 'list every version of one subgraph, newest first', load: async () => (await import('./commands/history.js')).history },
  { name: 'supergraphs', summary: 'list every composed supergraph: when, by whom, from which versions, accepted or why not', load: async () => (await import('./commands/supergraphs.js')).supergraphs },
  { name: 'rollback', summary: 'make a previous version of a subgraph current again (admin)', load: async () => (await import('./commands/rollback.js')).rollback },
  { name: 'remove', summary: 'remove a subgraph from the supergraph (admin)', load: async () => (await import('./commands/remove.js')).remove },
  { name: 'compose', summary: 'compose data product folders into a supergraph offline, with the offline checks', load: async () => (await import('./commands/compose.js')).compose },
  { name: 'token', summary: 'mint a development token (HS256) for the gateway and the registry', load: async () => (await import('./commands/token.js')).token },
];

export function version(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: meshgate <command> [options]

The Meshgate platform from a domain team's side: scaffold a data product, run it, check a change
against the registry, publish it, and see or roll back what the mesh serves.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     this text; meshgate <command> --help for a command's
  -v, --version  the Meshgate version

The registry commands read --registry / MESHGATE_REGISTRY_URL (default http://127.0.0.1:4500)
and --token / MESHGATE_TOKEN.

Exit codes: 0 ok, 1 a check failed or a change was refused, 2 usage error, 3 registry or
transport error.`;
}

/** Runs one command line (without `node meshgate`), reporting every failure on stderr; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(`${mainUsage()}\n`);
    return ExitCode.Usage;
  }
  if (first === '--help' || first === '-h') {
    io.out(`${mainUsage()}\n`);
    return ExitCode.Ok;
  }
  if (first === '--version' || first === '-v') {
    io.out(`meshgate ${version()}\n`);
    return ExitCode.Ok;
  }
  if (first === 'help') return runCli(rest.length > 0 ? [rest[0], '--help'] : ['--help'], io);
  const entry = COMMANDS.find((c) => c.name === first);
  if (!entry) {
    const what = first.startsWith('-') ? `Unknown option "${first}"` : `Unknown command "${first}"`;
    io.err(`meshgate: ${what}: expected one of ${COMMANDS.map((c) => c.name).join(', ')}\nRun meshgate --help for usage.\n`);
    return ExitCode.Usage;
  }
  const command = await entry.load();
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportFailure(command, error, io);
  }
}

function reportFailure(command: Command, error: unknown, io: Io): ExitCode {
  if (error instanceof UsageError) {
    io.err(`meshgate ${error.message}\nRun meshgate ${command.name} --help for usage.\n`);
    return ExitCode.Usage;
  }
  if (error instanceof RegistryAccessError) {
    io.err(`meshgate ${command.name}: ${error.message}\n`);
    return ExitCode.Registry;
  }
  if (error instanceof InputError) {
    io.err(`meshgate ${error.message.startsWith(`${command.name}: `) ? '' : `${command.name}: `}${error.message}\n`);
    return ExitCode.Failed;
  }
  // Anything else is a failure the command did not phrase (a configuration error, a file it could
  // not write): its message, without a stack, is what the user can act on.
  io.err(`meshgate ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
  return ExitCode.Failed;
}
