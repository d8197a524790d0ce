import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { SUBGRAPHS_ROOT } from '../../shared/dataproduct/folders.js';
import { COMMANDS } from '../src/cli.js';
import { ExitCode } from '../src/command.js';
import { nameProblem, render, scaffoldValues, TEMPLATE_DIR } from '../src/scaffold.js';
import { cli } from './support/io.js';

const TOKEN = { MESHGATE_TOKEN: 'a-token' };
// Nothing listens on port 1: a connection there is refused at once.
const NOWHERE = { MESHGATE_REGISTRY_URL: 'http://127.0.0.1:1', ...TOKEN };

describe('meshgate command line', () => {
  it.each<[string, string[], Record<string, string>, ExitCode, 'stdout' | 'stderr', string | RegExp]>([
    ['no command', [], {}, ExitCode.Usage, 'stderr', 'Usage: meshgate <command>'],
    ['--help', ['--help'], {}, ExitCode.Ok, 'stdout', 'Usage: meshgate <command>'],
    ['-h', ['-h'], {}, ExitCode.Ok, 'stdout', 'Exit codes: 0 ok, 1 a check failed'],
    ['--version', ['--version'], {}, ExitCode.Ok, 'stdout', /^meshgate \d+\.\d+\.\d+\n$/],
    ['help <command>', ['help', 'publish'], {}, ExitCode.Ok, 'stdout', 'Usage: meshgate publish <dir>'],
    ['an unknown command', ['frob'], {}, ExitCode.Usage, 'stderr', 'Unknown command "frob": expected one of init, serve, check, publish'],
    ['an unknown global option', ['--frob'], {}, ExitCode.Usage, 'stderr', 'Unknown option "--frob"'],
    ['an unknown flag', ['check', 'x', '--bogus'], {}, ExitCode.Usage, 'stderr', "meshgate check: Unknown option '--bogus'"],
    ['a flag without its value', ['history', 'x', '--limit'], {}, ExitCode.Usage, 'stderr', "Option '--limit <value>' argument missing"],
    ['a missing positional', ['check'], {}, ExitCode.Usage, 'stderr', 'meshgate check: expected <dir>, got nothing'],
    ['an extra positional', ['publish', 'a', 'b'], {}, ExitCode.Usage, 'stderr', 'expected only <dir>, got the extra argument b'],
    ['a positional where none is taken', ['subgraphs', 'x'], TOKEN, ExitCode.Usage, 'stderr', 'expected only flags, got the extra argument x'],
    ['a limit out of range', ['history', 'x', '--limit', '0'], TOKEN, ExitCode.Usage, 'stderr', '--limit expects a whole number between 1 and 1000, got "0"'],
    ['rollback without --to', ['rollback', 'x'], TOKEN, ExitCode.Usage, 'stderr', '--to <version> is required'],
    ['rollback to a non-number', ['rollback', 'x', '--to', 'two'], TOKEN, ExitCode.Usage, 'stderr', '--to expects a whole number 1 or more, got "two"'],
    ['a non-http --url', ['publish', 'x', '--url', 'ftp://host/graphql'], TOKEN, ExitCode.Usage, 'stderr', '--url expects an http(s) URL'],
    ['a malformed registry URL', ['subgraphs', '--registry', 'registry:4500'], TOKEN, ExitCode.Usage, 'stderr', '--registry expects an http(s) URL'],
    ['no token', ['subgraphs'], {}, ExitCode.Usage, 'stderr', 'no registry token: pass --token or set MESHGATE_TOKEN'],
    ['no token for a publish', ['remove', 'pricing'], {}, ExitCode.Usage, 'stderr', 'with scope registry:admin'],
    ['an unreachable registry', ['subgraphs'], NOWHERE, ExitCode.Registry, 'stderr', 'Cannot reach the registry at http://127.0.0.1:1'],
    ['an unreachable registry for history', ['history', 'pricing'], NOWHERE, ExitCode.Registry, 'stderr', 'npm start'],
    ['a folder that does not exist', ['check', '/nonexistent/pricing'], TOKEN, ExitCode.Failed, 'stderr', '/nonexistent/pricing is not a folder'],
    ['a folder without a contract', ['publish', 'cli'], TOKEN, ExitCode.Failed, 'stderr', 'expected schema.graphql and dataproduct.yaml in it'],
    ['compose without folders', ['compose'], {}, ExitCode.Usage, 'stderr', 'expected at least one data product folder'],
    ['init with a bad name', ['init', 'Pricing_Data'], {}, ExitCode.Usage, 'stderr', 'lower-case letters and digits, words joined by single hyphens'],
    ['init with a reserved word', ['init', 'class'], {}, ExitCode.Usage, 'stderr', '"class" is a reserved word'],
    ['init of an existing folder', ['init', 'inventory'], {}, ExitCode.Failed, 'stderr', 'subgraphs/inventory already exists'],
    ['serve on a bad port', ['serve', 'x', '--port', '70000'], {}, ExitCode.Usage, 'stderr', '--port expects a whole number between 1 and 65535'],
    ['serve of a missing folder', ['serve', '/nonexistent/pricing'], {}, ExitCode.Failed, 'stderr', '/nonexistent/pricing does not exist'],
    ['serve of a folder without a server', ['serve', 'cli'], {}, ExitCode.Failed, 'stderr', 'expected the module that exports its defineDataProduct'],
    ['a malformed token lifetime', ['token', '--ttl', 'soon'], {}, ExitCode.Usage, 'stderr', '--ttl: expected a positive duration'],
  ])('%s', async (_name, argv, env, code, stream, expected) => {
    const run = await cli(argv, { env });
    expect({ code: run.code, [stream]: run[stream] }).toEqual({ code, [stream]: expect.stringMatching(expected instanceof RegExp ? expected : escape(expected)) });
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help prints its usage, options and exit codes', async (name) => {
    const run = await cli([name, '--help']);
    expect(run).toEqual({ code: ExitCode.Ok, stderr: '', stdout: expect.stringMatching(new RegExp(`^Usage: meshgate ${name}[\\s\\S]*-h, --help[\\s\\S]*Exit codes: 0 `)) });
  });

  it('lists every command with its summary in --help', async () => {
    const { stdout } = await cli(['--help']);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`\\n  ${command.name} +${escape(command.summary)}\\n`));
  });

  it('mints a development token with the scopes asked for, on stdout alone', async () => {
    const run = await cli(['token', '--scope', 'registry:publish:pricing registry:read', '--ttl', '15m'], { env: { USER: 'dana' } });
    expect(run.code).toBe(ExitCode.Ok);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = decodeJwt(run.stdout.trim());
    expect(claims).toMatchObject({ sub: 'dana', scope: 'registry:publish:pricing registry:read', iss: 'meshgate-dev', aud: 'meshgate' });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(run.stderr).toContain('Token for "dana"');
  });

  it('lets --sub name the token subject over the default', async () => {
    const run = await cli(['token', '--sub', 'ci-bot'], { env: { USER: 'dana' } });
    expect(decodeJwt(run.stdout.trim()).sub).toBe('ci-bot');
  });
});

describe('data product names', () => {
  it.each([
    ['pricing', undefined],
    ['customer-service', undefined],
    ['b2b-orders2', undefined],
    ['Pricing', 'expected lower-case letters'],
    ['2pricing', 'expected lower-case letters'],
    ['pricing-', 'expected lower-case letters'],
    ['pricing--data', 'expected lower-case letters'],
    ['pricing_data', 'expected lower-case letters'],
    ['', 'expected lower-case letters'],
    ['a'.repeat(41), 'at most 40 characters'],
    ['delete', 'reserved word'],
    ['resolvers', 'reserved word'],
  ])('%j: %s', (name, problem) => {
    if (problem === undefined) expect(nameProblem(name)).toBeUndefined();
    else expect(nameProblem(name)).toContain(problem);
  });

  it.each([
    ['pricing', { Name: 'Pricing', camelName: 'pricing', title: 'Pricing', envPrefix: 'PRICING_', dbSchema: 'pricing' }],
    ['customer-service', { Name: 'CustomerService', camelName: 'customerService', title: 'Customer Service', envPrefix: 'CUSTOMER_SERVICE_', dbSchema: 'customer_service' }],
    ['b2b-orders', { Name: 'B2bOrders', camelName: 'b2bOrders', title: 'B2b Orders', envPrefix: 'B2B_ORDERS_', dbSchema: 'b2b_orders' }],
  ])('derives the template values of %s', (name, expected) => {
    expect(scaffoldValues(name, 4004, `/repo/subgraphs/${name}`)).toMatchObject({ name, ...expected, port: '4004', routingUrl: 'http://127.0.0.1:4004/graphql' });
  });

  it('imports the repository kit as the demo data products do when scaffolded under subgraphs/', async () => {
    const values = scaffoldValues('pricing', 4004, join(SUBGRAPHS_ROOT, 'pricing'));
    expect(values.repo).toBe('../../..');
    const server = render(await readFile(join(TEMPLATE_DIR, 'src', 'server.ts'), 'utf8'), values);
    expect(server).toContain("import { defineDataProduct } from '../../../shared/subgraph/data-product.js';");
    expect(server).toContain("export const pricing = defineDataProduct<PricingStore, PricingContext>({");
  });

  it('refuses a template placeholder it has no value for, naming it and the file', () => {
    expect(() => render('name: {{name}} {{owner}}', scaffoldValues('pricing', 4004, '/x/pricing'), 'dataproduct.yaml')).toThrow(
      'dataproduct.yaml: unknown placeholder {{owner}}',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
