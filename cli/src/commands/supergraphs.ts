import { ExitCode, integerFlag, parseCommandArgs, positionals, printJson, type Command } from '../command.js';
import { connectRegistry, REGISTRY_HELP, REGISTRY_OPTIONS } from '../registry-access.js';
import { table } from '../table.js';

const OPTIONS = { limit: { type: 'string' }, json: { type: 'boolean' }, ...REGISTRY_OPTIONS } as const;

export const supergraphs: Command = {
  name: 'supergraphs',
  usage: `Usage: meshgate supergraphs [options]

Lists the registry's compositions, newest first: each supergraph's id (the gateways' generation
id, as in their meshgate-supergraph-id header), when and by whom it was composed, the subgraph
versions it was composed from, and whether it was accepted (served) or refused, and why.

Options:
  --limit <n>         how many, 1..1000 (default 20)
  --json              print them as JSON (with the SDL)
  -h, --help          this text

${REGISTRY_HELP}
  The token needs scope registry:read (or registry:admin, or any registry:publish:<name>).

Exit codes: 0 listed, 2 usage error, 3 the registry could not be reached or refused the token.`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('supergraphs', argv, OPTIONS);
    if (values.help) {
      io.out(`${supergraphs.usage}\n`);
      return ExitCode.Ok;
    }
    positionals('supergraphs', given, []);
    const limit = values.limit === undefined ? undefined : integerFlag('supergraphs', 'limit', values.limit, 1, 1000);
    const registry = connectRegistry('supergraphs', values, io, { kind: 'read' });
    const list = await registry.call((client) => client.supergraphs(limit));
    if (values.json) {
      printJson(io, list);
      return ExitCode.Ok;
    }
    io.out(
      table(
        ['ID', 'CREATED', 'PUBLISHER', 'ACCEPTED', 'INPUTS', 'REASON'],
        list.map((s) => [
          s.id.slice(0, 12),
          s.createdAt,
          s.publisher,
          s.accepted ? 'yes' : 'no',
          s.inputs.map((i) => `${i.name}@${i.version}`).join(' '),
          // The first line only: a refusal's full report is in --json and in the publish that caused it.
          (s.reason ?? '').split('\n')[0].slice(0, 100),
        ]),
      ),
    );
    return ExitCode.Ok;
  },
};
