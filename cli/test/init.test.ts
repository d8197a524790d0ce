import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkDataProduct, loadDescriptor } from '../../shared/dataproduct/descriptor.js';
import { listDataProductFolders } from '../../shared/dataproduct/folders.js';
import { isDataProductDefinition } from '../../shared/subgraph/load-definition.js';
import { startTestSubgraph, type TestSubgraph } from '../../test/support/subgraphs.js';
import { ExitCode } from '../src/command.js';
import { cli } from './support/io.js';
import { DEMO_FOLDERS, scaffoldFolder, type ScaffoldFolder } from './support/scaffold.js';

describe('meshgate init', () => {
  let parent: ScaffoldFolder;
  let created: { name: string; dir: string; port: number; routingUrl: string; files: string[] };
  beforeAll(async () => {
    parent = await scaffoldFolder();
    const run = await cli(['init', 'pricing', '--dir', parent.dir, '--json']);
    expect(run).toMatchObject({ code: ExitCode.Ok, stderr: '' });
    created = JSON.parse(run.stdout);
  });
  afterAll(() => parent?.dispose());

  it('writes the skeleton every data product has', () => {
    expect(created.dir).toBe(join(parent.dir, 'pricing'));
    expect(created.files.sort()).toEqual(
      [
        'README.md',
        'dataproduct.yaml',
        'db/migrations/001_init.sql',
        'db/seed.ts',
        'schema.graphql',
        'src/loaders.ts',
        'src/main.ts',
        'src/resolvers.ts',
        'src/server.ts',
        'src/store.ts',
        'test/subgraph.test.ts',
        // Outside the repository only: it declares the sources ES modules, as the repository's does for subgraphs/.
        'package.json',
      ].sort(),
    );
    for (const file of created.files) expect(existsSync(join(created.dir, file))).toBe(true);
  });

  it('leaves no placeholder unfilled', async () => {
    for (const file of created.files) expect(await readFile(join(created.dir, file), 'utf8')).not.toMatch(/\{\{\w+\}\}/);
  });

  it('picks the port after the highest routingUrl port of the repository data products', async () => {
    const ports = (await listDataProductFolders()).flatMap((f) => (f.defaultPort === undefined ? [] : [f.defaultPort]));
    expect(created.port).toBe(Math.max(...ports) + 1);
    expect(created.routingUrl).toBe(`http://127.0.0.1:${created.port}/graphql`);
  });

  it('writes a descriptor that passes validation and matches its schema', async () => {
    const descriptor = await loadDescriptor(join(created.dir, 'dataproduct.yaml'));
    expect(descriptor).toMatchObject({ name: 'pricing', lifecycle: 'experimental', routingUrl: created.routingUrl, entities: [{ type: 'PricingRecord', keys: ['id'] }] });
    expect(await checkDataProduct(created.dir)).toEqual([]);
  });

  it('composes with the demo data products and passes the offline checks', async () => {
    const run = await cli(['compose', ...DEMO_FOLDERS, created.dir, '--json']);
    const report = JSON.parse(run.stdout);
    // Whatever the demos' own state, nothing may concern the new product.
    const own = report.results.filter((r: { message: string; coordinates: string[] }) => /pricing/i.test(r.message) || r.coordinates.some((c) => /^Pricing|pricingRecord/.test(c)));
    expect(own).toEqual([]);
    expect(report.results.filter((r: { severity: string }) => r.severity === 'error')).toEqual([]);
    expect(run.code).toBe(ExitCode.Ok);
    expect(report.supergraphSdl).toContain('PRICING @join__graph(name: "pricing", url: "http://127.0.0.1:');
    // Joined to inventory's Product by its key.
    expect(report.supergraphSdl).toMatch(/type Product[^{]*@join__type\(graph: PRICING, key: "id"\)/);
    expect(report.supergraphSdl).toMatch(/pricingRecords: \[PricingRecord!\] @join__field\(graph: PRICING\)/);
  });

  it('runs as it is: its definition starts and serves its records joined to products', async () => {
    const module = (await import(pathToFileURL(join(created.dir, 'src', 'server.ts')).href)) as Record<string, unknown>;
    const definition = module.pricing;
    if (!isDataProductDefinition(definition)) throw new Error('src/server.ts does not export the pricing definition');
    let service: TestSubgraph | undefined;
    try {
      service = await startTestSubgraph(definition);
      const { body } = await service.query('{ pricingRecords(limit: 3) { id title product { id pricingRecords { id } } } }');
      expect(body.errors).toBeUndefined();
      expect(body.data!.pricingRecords).toHaveLength(3);
      for (const record of body.data!.pricingRecords) expect(record.product.pricingRecords.map((r: { id: string }) => r.id)).toContain(record.id);
    } finally {
      await service?.stop();
    }
  });

  it('refuses a folder that exists, and gives the next product the next port', async () => {
    const again = await cli(['init', 'pricing', '--dir', parent.dir]);
    expect(again).toMatchObject({ code: ExitCode.Failed, stderr: expect.stringContaining(`${created.dir} already exists`) });
    const next = await cli(['init', 'stock-notes', '--dir', parent.dir, '--json']);
    expect(next.code).toBe(ExitCode.Ok);
    expect(JSON.parse(next.stdout).port).toBe(created.port + 1);
    const chosen = await cli(['init', 'b2b-orders', '--dir', parent.dir, '--port', '4690', '--json']);
    expect(JSON.parse(chosen.stdout).routingUrl).toBe('http://127.0.0.1:4690/graphql');
  });
});
