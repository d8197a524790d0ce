import { ExitCode, integerFlag, parseCommandArgs, positionals, UsageError, type Command } from '../command.js';
import { connectRegistry, REGISTRY_HELP, REGISTRY_OPTIONS } from '../registry-access.js';
import { printPublishResult } from '../report.js';

const OPTIONS = { to: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' }, ...REGISTRY_OPTIONS } as const;

export const rollback: Command = {
  name: 'rollback',
  usage: `Usage: meshgate rollback <name> --to <version> [options]

Publishes a copy of version <version> of subgraph <name> as its newest version, after the same
checks as a publish (against what is served now, so rolling back a change clients already use
can itself be breaking). meshgate history <name> lists the versions.

Options:
  --to <version>      the version to return to (required)
  --force             breaking changes and weakened promises become warnings
  --json              print the registry's answer as JSON
  -h, --help          this text

${REGISTRY_HELP}
  The token needs scope registry:admin.

Exit codes: 0 rolled back (or already current), 1 refused (the report says why), 2 usage error,
3 the registry could not be reached or refused the token.`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('rollback', argv, OPTIONS);
    if (values.help) {
      io.out(`${rollback.usage}\n`);
      return ExitCode.Ok;
    }
    const [name] = positionals('rollback', given, ['name']);
    if (values.to === undefined) throw new UsageError('rollback: --to <version> is required: the version to return to (meshgate history <name> lists them)');
    const version = integerFlag('rollback', 'to', values.to, 1);
    const registry = connectRegistry('rollback', values, io, { kind: 'admin' });
    const result = await registry.call((client) => client.rollback(name, version, values.force === true));
    const done = printPublishResult(io, result, { verb: `roll back to version ${version} of`, name, json: values.json === true });
    return done ? ExitCode.Ok : ExitCode.Failed;
  },
};
