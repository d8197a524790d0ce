import { ExitCode, parseCommandArgs, positionals, printJson, urlFlag, type Command } from '../command.js';
import { readProductFolder, routingUrlOf } from '../product-folder.js';
import { connectRegistry, REGISTRY_HELP, REGISTRY_OPTIONS } from '../registry-access.js';
import { fromApiReport, printReport } from '../report.js';

const OPTIONS = {
  url: { type: 'string' },
  json: { type: 'boolean' },
  ...REGISTRY_OPTIONS,
} as const;

export const check: Command = {
  name: 'check',
  usage: `Usage: meshgate check <dir> [options]

Asks the registry whether the data product in <dir> (a folder holding schema.graphql and
dataproduct.yaml) could be published now: it parses, its descriptor is valid and consistent,
it composes with the current version of every other subgraph, it follows the governance and
lint rules, and it breaks no coordinate a client used in the usage window, tightens no
authorization and weakens no promise. Nothing is stored. Run it in the pull request.

Options:
  --url <url>         the routing URL (default: routingUrl in dataproduct.yaml)
  --json              print the report as JSON
  -h, --help          this text

${REGISTRY_HELP}
  The token needs scope registry:publish:<name> or registry:admin.

Exit codes: 0 the check passed (warnings allowed), 1 it failed, 2 usage error,
3 the registry could not be reached or refused the token.`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('check', argv, OPTIONS);
    if (values.help) {
      io.out(`${check.usage}\n`);
      return ExitCode.Ok;
    }
    const [dir] = positionals('check', given, ['dir']);
    const urlGiven = urlFlag('check', values.url);
    const folder = await readProductFolder(io.cwd, dir);
    const url = routingUrlOf(folder, urlGiven);
    const registry = connectRegistry('check', values, io, { kind: 'publish', name: folder.name });
    const report = await registry.call((client) =>
      client.check({ name: folder.name, url, sdl: folder.sdl, descriptor: folder.descriptorText }),
    );
    if (values.json) {
      printJson(io, report);
      return report.ok ? ExitCode.Ok : ExitCode.Failed;
    }
    // formatReport ends with the verdict ("Check passed: ..." or "Check failed: ...").
    printReport(io.out, fromApiReport(report));
    return report.ok ? ExitCode.Ok : ExitCode.Failed;
  },
};
