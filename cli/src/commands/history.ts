import { ExitCode, integerFlag, parseCommandArgs, positionals, printJson, type Command } from '../command.js';
import { connectRegistry, REGISTRY_HELP, REGISTRY_OPTIONS } from '../registry-access.js';
import { table } from '../table.js';

const OPTIONS = { limit: { type: 'string' }, json: { type: 'boolean' }, ...REGISTRY_OPTIONS } as const;

export const history: Command = {
  name: 'history',
  usage: `Usage: meshgate history <name> [options]

Lists the versions of subgraph <name>, newest first: publishes, rollbacks and removals, who
made each and when, its label, and which one is current. Roll back with
meshgate rollback <name> --to <version>.

Options:
  --limit <n>         how many versions, 1..1000 (default 50)
  --json              print the versions as JSON (with SDL and descriptor)
  -h, --help          this text

${REGISTRY_HELP}
  The token needs scope registry:read (or registry:admin, or any registry:publish:<name>).

Exit codes: 0 listed, 1 no such subgraph, 2 usage error, 3 the registry could not be reached
or refused the token.`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('history', argv, OPTIONS);
    if (values.help) {
      io.out(`${history.usage}\n`);
      return ExitCode.Ok;
    }
    const [name] = positionals('history', given, ['name']);
    const limit = values.limit === undefined ? undefined : integerFlag('history', 'limit', values.limit, 1, 1000);
    const registry = connectRegistry('history', values, io, { kind: 'read' });
    const versions = await registry.call((client) => client.history(name, limit));
    if (values.json) {
      printJson(io, versions);
      return versions.length > 0 ? ExitCode.Ok : ExitCode.Failed;
    }
    if (versions.length === 0) {
      io.err(`meshgate history: the registry at ${registry.url} has no subgraph "${name}": meshgate subgraphs lists those it has\n`);
      return ExitCode.Failed;
    }
    io.out(
      table(
        ['VERSION', 'ACTION', 'CURRENT', 'PUBLISHER', 'PUBLISHED', 'LABEL', 'URL'],
        versions.map((v) => [String(v.version), v.action, v.current ? 'yes' : '', v.publisher, v.publishedAt, v.label ?? '', v.url]),
      ),
    );
    return ExitCode.Ok;
  },
};
