import { ExitCode, parseCommandArgs, positionals, type Command } from '../command.js';
import { connectRegistry, REGISTRY_HELP, REGISTRY_OPTIONS } from '../registry-access.js';
import { printPublishResult } from '../report.js';

const OPTIONS = { force: { type: 'boolean' }, json: { type: 'boolean' }, ...REGISTRY_OPTIONS } as const;

export const remove: Command = {
  name: 'remove',
  usage: `Usage: meshgate remove <name> [options]

Removes subgraph <name> from the supergraph, after the checks a removal needs: the others
still compose without it, and no coordinate it contributes was used in the usage window.
Its versions stay in the history; publishing it again brings it back.

Options:
  --force             breaking changes become warnings (composition errors still refuse)
  --json              print the registry's answer as JSON
  -h, --help          this text

${REGISTRY_HELP}
  The token needs scope registry:admin.

Exit codes: 0 removed, 1 refused (the report says why), 2 usage error, 3 the registry could
not be reached or refused the token.`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('remove', argv, OPTIONS);
    if (values.help) {
      io.out(`${remove.usage}\n`);
      return ExitCode.Ok;
    }
    const [name] = positionals('remove', given, ['name']);
    const registry = connectRegistry('remove', values, io, { kind: 'admin' });
    const result = await registry.call((client) => client.remove(name, values.force === true));
    const done = printPublishResult(io, result, { verb: 'remove', name, json: values.json === true });
    return done ? ExitCode.Ok : ExitCode.Failed;
  },
};
