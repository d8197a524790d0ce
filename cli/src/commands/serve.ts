import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadDataProductDefinition } from '../../../shared/subgraph/load-definition.js';
import { runDataProduct } from '../../../shared/subgraph/data-product.js';
import { ExitCode, InputError, integerFlag, parseCommandArgs, positionals, UsageError, type Command } from '../command.js';

const OPTIONS = {
  port: { type: 'string' },
  registry: { type: 'string' },
  token: { type: 'string' },
  'no-publish': { type: 'boolean' },
} as const;

export const serve: Command = {
  name: 'serve',
  usage: `Usage: meshgate serve <dir> [options]

Runs the data product in <dir> (written with this repository's kit: its src/server.ts exports
a defineDataProduct(...)) as its own process would: opens its database (embedded PGlite under
data/<name>/ unless <PREFIX>DATABASE_URL is set), applies db/migrations, seeds the demo data
once, and listens on the port of its routingUrl. When a registry is configured
(MESHGATE_REGISTRY_URL, or --registry) it publishes itself once it listens. Stop it with Ctrl-C.

Options:
  --port <port>       listen here instead (sets <PREFIX>PORT)
  --registry <url>    publish to this registry on start (sets MESHGATE_REGISTRY_URL)
  --token <jwt>       with scope registry:publish:<name> (sets MESHGATE_TOKEN)
  --no-publish        do not publish on start (sets MESHGATE_PUBLISH_ON_START=false)
  -h, --help          this text

Every other setting is the data product's own environment, e.g. for subgraphs/pricing:
PRICING_PORT, PRICING_HOST, PRICING_DATABASE_URL, PRICING_DATA_DIR, PRICING_URL, MESHGATE_SEED,
LOG_LEVEL and the gateway-signature settings.

Exit codes: 0 stopped by a signal, 1 it could not start (the message says why), 2 usage error.`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('serve', argv, OPTIONS);
    if (values.help) {
      io.out(`${serve.usage}\n`);
      return ExitCode.Ok;
    }
    const [dir] = positionals('serve', given, ['dir']);
    const port = values.port === undefined ? undefined : integerFlag('serve', 'port', values.port, 1, 65_535);
    if (values['no-publish'] && (values.registry !== undefined || values.token !== undefined)) {
      throw new UsageError('serve: --no-publish cannot be combined with --registry or --token, which are only for publishing on start');
    }
    const folder = resolve(io.cwd, dir);
    if (!existsSync(folder)) throw new InputError(`serve: ${folder} does not exist: expected a data product folder such as subgraphs/inventory`);
    let definition;
    try {
      definition = await loadDataProductDefinition(folder);
    } catch (error) {
      throw new InputError(`serve: ${(error as Error).message}`);
    }
    // runDataProduct reads the data product's configuration from the process environment, as
    // its own main.ts does; the flags are shorthands for those variables.
    if (port !== undefined) process.env[`${definition.envPrefix}PORT`] = String(port);
    if (values.registry !== undefined) process.env.MESHGATE_REGISTRY_URL = values.registry;
    if (values.token !== undefined) process.env.MESHGATE_TOKEN = values.token;
    if (values['no-publish']) process.env.MESHGATE_PUBLISH_ON_START = 'false';
    await runDataProduct(definition);
    // Listening: the process lives until SIGINT or SIGTERM, when runDataProduct stops and exits.
    return ExitCode.Ok;
  },
};
