import { ExitCode, parseCommandArgs, positionals, urlFlag, type Command } from '../command.js';
import { readProductFolder, routingUrlOf } from '../product-folder.js';
import { connectRegistry, REGISTRY_HELP, REGISTRY_OPTIONS } from '../registry-access.js';
import { printPublishResult } from '../report.js';

const OPTIONS = {
  url: { type: 'string' },
  label: { type: 'string' },
  'skip-running-check': { type: 'boolean' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  ...REGISTRY_OPTIONS,
} as const;

export const publish: Command = {
  name: 'publish',
  usage: `Usage: meshgate publish <dir> [options]

Publishes the data product in <dir> (a folder holding schema.graphql and dataproduct.yaml; its
subgraph may be written in any language) as a new version. The registry runs the same checks
as \`meshgate check\` and refuses whatever they fail; it also asks the running subgraph at its
routing URL for its schema and refuses a publish whose running schema differs. An accepted
publish makes a new supergraph, which the gateways pick up without a restart.

Options:
  --url <url>             the routing URL (default: routingUrl in dataproduct.yaml)
  --label <text>          a version label stored with it, e.g. the commit sha
  --skip-running-check    do not compare with the running subgraph (it is deployed after
                          its schema is published)
  --force                 admin only: breaking changes and weakened promises become warnings
                          (parse, composition and governance errors still refuse)
  --json                  print the registry's answer as JSON
  -h, --help              this text

${REGISTRY_HELP}
  The token needs scope registry:publish:<name>, or registry:admin (required for --force).

Exit codes: 0 published (or unchanged), 1 refused (the report says why), 2 usage error,
3 the registry could not be reached or refused the token.`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('publish', argv, OPTIONS);
    if (values.help) {
      io.out(`${publish.usage}\n`);
      return ExitCode.Ok;
    }
    const [dir] = positionals('publish', given, ['dir']);
    const urlGiven = urlFlag('publish', values.url);
    const folder = await readProductFolder(io.cwd, dir);
    const url = routingUrlOf(folder, urlGiven);
    const registry = connectRegistry('publish', values, io, values.force ? { kind: 'admin' } : { kind: 'publish', name: folder.name });
    const result = await registry.call((client) =>
      client.publish({
        name: folder.name,
        url,
        sdl: folder.sdl,
        descriptor: folder.descriptorText,
        ...(values.label !== undefined ? { label: values.label } : {}),
        ...(values['skip-running-check'] ? { skipRunningCheck: true } : {}),
        ...(values.force ? { force: true } : {}),
      }),
    );
    const accepted = printPublishResult(io, result, { verb: 'publish', name: folder.name, json: values.json === true });
    return accepted ? ExitCode.Ok : ExitCode.Failed;
  },
};
