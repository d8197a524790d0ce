import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { SUBGRAPHS_ROOT } from '../../../shared/dataproduct/folders.js';
import { ExitCode, InputError, integerFlag, parseCommandArgs, positionals, printJson, UsageError, type Command } from '../command.js';
import { NAME_RULE, nameProblem, nextFreePort, scaffold, scaffoldValues } from '../scaffold.js';

const OPTIONS = {
  dir: { type: 'string' },
  port: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const init: Command = {
  name: 'init',
  usage: `Usage: meshgate init <name> [options]

Creates the folder subgraphs/<name>/ with a data product that runs, tests and publishes as it is,
in the skeleton every data product of this repository has: schema.graphql (Federation v2.9),
dataproduct.yaml (lifecycle experimental), README.md, src/ (server, main, resolvers, loaders,
store), db/ (migrations and a deterministic seed) and test/. It owns one entity, <Name>Record,
and adds <name>Records to inventory's Product, so it joins the demo mesh out of the box.

<name> is the subgraph's name: ${NAME_RULE}.

Options:
  --dir <folder>      the parent folder (default: subgraphs/ of this repository)
  --port <port>       the port of its routingUrl (default: one above the highest routingUrl
                      port of the data products already there)
  --json              print what was created as JSON
  -h, --help          this text

Then:
  npx meshgate serve subgraphs/<name>
  NODE_OPTIONS=--experimental-vm-modules npx jest subgraphs/<name>
  npx meshgate check subgraphs/<name> && npx meshgate publish subgraphs/<name>

Exit codes: 0 created, 1 the folder exists or cannot be written, 2 usage error (a bad name).`,
  async run(argv, io) {
    const { values, positionals: given } = parseCommandArgs('init', argv, OPTIONS);
    if (values.help) {
      io.out(`${init.usage}\n`);
      return ExitCode.Ok;
    }
    const [name] = positionals('init', given, ['name']);
    const problem = nameProblem(name);
    if (problem) throw new UsageError(`init: <name>: ${problem}`);
    const parent = values.dir === undefined ? SUBGRAPHS_ROOT : resolve(io.cwd, values.dir);
    if (existsSync(parent) && !statSync(parent).isDirectory()) {
      throw new InputError(`init: --dir ${parent} is not a folder`);
    }
    const productDir = join(parent, name);
    if (existsSync(productDir)) {
      throw new InputError(`init: ${productDir} already exists: choose another name, or remove the folder first`);
    }
    let port: number;
    if (values.port !== undefined) {
      port = integerFlag('init', 'port', values.port, 1, 65_535);
    } else {
      // The repository's data products run side by side under npm start, wherever this one goes.
      const found = await nextFreePort([SUBGRAPHS_ROOT, parent]);
      for (const skipped of found.skipped) io.err(`init: passed over when choosing a port: ${skipped}\n`);
      port = found.port;
    }
    const names = scaffoldValues(name, port, productDir);
    const files = await scaffold(productDir, names);
    if (values.json) {
      printJson(io, { name, dir: productDir, port, routingUrl: names.routingUrl, files });
      return ExitCode.Ok;
    }
    const inside = relative(io.cwd, productDir);
    const shown = inside === '' || inside.startsWith('..') || isAbsolute(inside) ? productDir : inside;
    io.out(
      `Created data product "${name}" in ${shown}/ (${files.length} files), listening on port ${port} (${names.routingUrl}).

It owns ${names.Name}Record and adds Product.${names.camelName}Records to inventory's Product.
Make it yours: schema.graphql and dataproduct.yaml (owner, SLOs, classification) first, then
db/, src/ and test/. Next:

  npx meshgate serve ${shown}
  NODE_OPTIONS=--experimental-vm-modules npx jest ${shown}
  npx meshgate compose subgraphs/inventory ${shown}
  npx meshgate check ${shown}
  npx meshgate publish ${shown}
`,
    );
    return ExitCode.Ok;
  },
};
