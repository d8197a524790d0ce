import { ExitCode, parseCommandArgs, positionals, printJson, type Command } from '../command.js';
import { connectRegistry, REGISTRY_HELP, REGISTRY_OPTIONS } from '../registry-access.js';
import { table } from '../table.js';

const OPTIONS = { json: { type: 'boolean' }, ...REGISTRY_OPTIONS } as const;

export const subgraphs: Command = {
  name: 'subgraphs',
  usage: `Usage: meshgate subgraphs [options]

Lists the current version of every subgraph in the registry (removed ones excluded): its
version, routing URL, lifecycle, who published it and when.

Options:
  --json              print the versions as JSON (with SDL and descriptor)
  -h, --help          this text

${REGISTRY_HELP}
  The token needs scope registry:read (or registry:admin, or any registry:publish:<name>).

Exit codes: 0 listed, 2 usage error, 3 the registry could not be reached or refused the token.`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('subgraphs', argv, OPTIONS);
    if (values.help) {
      io.out(`${subgraphs.usage}\n`);
      return ExitCode.Ok;
    }
    positionals('subgraphs', given, []);
    const registry = connectRegistry('subgraphs', values, io, { kind: 'read' });
    const versions = await registry.call((client) => client.subgraphs());
    if (values.json) {
      printJson(io, versions);
      return ExitCode.Ok;
    }
    if (versions.length === 0) {
      io.out(`No subgraphs are published in the registry at ${registry.url} yet: publish one with meshgate publish <dir>.\n`);
      return ExitCode.Ok;
    }
    io.out(
      table(
        ['NAME', 'VERSION', 'LIFECYCLE', 'URL', 'PUBLISHER', 'PUBLISHED', 'LABEL'],
        // A descriptor without a lifecycle is experimental (descriptor-schema.json).
        versions.map((v) => [v.name, String(v.version), v.descriptor.lifecycle ?? 'experimental', v.url, v.publisher, v.publishedAt, v.label ?? '']),
      ),
    );
    return ExitCode.Ok;
  },
};

