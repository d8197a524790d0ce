import { join } from 'node:path';
import { Kind } from 'graphql';
import { ConfigError } from '../../../shared/config/env.js';
import { REPO_ROOT } from '../../../shared/paths.js';
import { loadPersistedOperationManifest, validatePersistedOperationManifest } from '../../src/persisted-operations/manifest.js';

const FIXTURES = join(REPO_ROOT, 'gateway', 'test', 'fixtures', 'persisted-operations');

const LOW_STOCK = { id: 'low-stock', name: 'LowStock', type: 'query', body: 'query LowStock { products { id } }' };

function manifestOf(...operations: unknown[]): unknown {
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

/** The problems a manifest is refused with, without the source prefix. */
function problemsOf(value: unknown): readonly string[] {
  try {
    validatePersistedOperationManifest(value, 'test.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.replace(/^test\.json: /, ''));
    throw error;
  }
  throw new Error('expected the manifest to be refused, it was accepted');
}

describe('persisted operation manifest', () => {
  it('loads the generator format: operations in file order, by id, each body parsed once', async () => {
    const manifest = await loadPersistedOperationManifest(join(FIXTURES, 'manifest.json'));
    expect(manifest.operations.map((operation) => [operation.name, operation.type])).toEqual([
      ['LowStock', 'query'],
      ['ActiveCampaigns', 'query'],
      ['LaunchCampaign', 'mutation'],
      ['Warehouses', 'query'],
    ]);
    const warehouses = manifest.byId.get('warehouses-v1');
    expect(warehouses?.body).toBe('query Warehouses { warehouses { id name } }');
    expect(warehouses?.document.definitions[0]?.kind).toBe(Kind.OPERATION_DEFINITION);
    expect(manifest.source).toBe(join(FIXTURES, 'manifest.json'));
  });

  it('accepts fields it does not use (the router reads clientName)', () => {
    const manifest = validatePersistedOperationManifest(manifestOf({ ...LOW_STOCK, clientName: 'web' }), 'test.json');
    expect(manifest.byId.get('low-stock')?.name).toBe('LowStock');
  });

  it('accepts an empty list (a safelist that allows nothing)', () => {
    expect(validatePersistedOperationManifest(manifestOf(), 'test.json').operations).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['not an object', [], 'manifest: expected a JSON object with format, version and operations, got an array'],
    ['another format', { format: 'relay', version: 1, operations: [] }, 'format: expected "apollo-persisted-query-manifest", got "relay"'],
    ['another version', { format: 'apollo-persisted-query-manifest', version: 2, operations: [] }, 'version: expected 1 (the only manifest version), got 2'],
    ['no operations', { format: 'apollo-persisted-query-manifest', version: 1 }, 'operations: expected an array of operations, got nothing'],
    ['an operation that is not an object', manifestOf(42), 'operations[0]: expected an object with id, name, type and body, got 42'],
    ['a missing id', manifestOf({ ...LOW_STOCK, id: undefined }), 'operations[0].id: expected a non-empty string, got nothing'],
    ['an empty id', manifestOf({ ...LOW_STOCK, id: '' }), 'operations[0].id: expected a non-empty string, got ""'],
    ['a body that is a number', manifestOf({ ...LOW_STOCK, body: 42 }), 'operations[0].body: expected a non-empty string, got 42'],
    ['a name that is null', manifestOf({ ...LOW_STOCK, name: null }), 'operations[0].name: expected a non-empty string, got null'],
    ['an unknown type', manifestOf({ ...LOW_STOCK, type: 'fragment' }), 'operations[0].type: expected "query", "mutation" or "subscription", got "fragment"'],
    [
      'a body with a syntax error',
      manifestOf({ ...LOW_STOCK, body: 'query LowStock {\n  products { id \n' }),
      'operations[0].body: expected a GraphQL operation, got a syntax error at line 3, column 1: Syntax Error: Expected Name, found <EOF>.',
    ],
    ['two operations in one body', manifestOf({ ...LOW_STOCK, body: 'query LowStock { a } query Other { b }' }), 'operations[0].body: expected exactly one operation, got 2'],
    ['only fragments', manifestOf({ ...LOW_STOCK, body: 'fragment F on Product { id }' }), 'operations[0].body: expected exactly one operation, got 0'],
    ['an anonymous operation', manifestOf({ ...LOW_STOCK, body: '{ products { id } }' }), 'operations[0].body: expected a named operation, got an anonymous query'],
    ['a type definition', manifestOf({ ...LOW_STOCK, body: 'type T { a: Int } query LowStock { a }' }), 'operations[0].body: expected only an operation and fragments, got a ObjectTypeDefinition'],
    ['a name the body does not have', manifestOf({ ...LOW_STOCK, name: 'Low' }), `operations[0].name: expected "LowStock" (the body's operation), got "Low"`],
    ['a type the body does not have', manifestOf({ ...LOW_STOCK, type: 'mutation' }), `operations[0].type: expected "query" (the body's operation), got "mutation"`],
    ['a duplicate id', manifestOf(LOW_STOCK, { ...LOW_STOCK, body: 'query LowStock { warehouses { id } }' }), 'operations[1].id: expected a unique id, got "low-stock" again (first at operations[0])'],
  ])('refuses %s, naming where', (_name, value, problem) => {
    expect(problemsOf(value)).toEqual([problem]);
  });

  it('reports every problem at once, each with its position and the file', async () => {
    const path = join(FIXTURES, 'broken-manifest.json');
    const refused = loadPersistedOperationManifest(path);
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    const { problems } = (await refused.catch((error: unknown) => error)) as ConfigError;
    expect(problems).toEqual([
      `${path}: operations[1].body: expected a non-empty string, got 42`,
      `${path}: operations[2].id: expected a unique id, got "a6dda47d68991b58f575526805b0c225b0cd73443f37ae73f8e5ee553d7b6f9e" again (first at operations[0])`,
      `${path}: operations[3].body: expected a GraphQL operation, got a syntax error at line 1, column 29: Syntax Error: Expected Name, found <EOF>.`,
      `${path}: operations[4].name: expected "LowStock2" (the body's operation), got "Low"`,
    ]);
  });

  it('reports problems at the top and in the operations together', () => {
    expect(problemsOf({ format: 'relay', version: '1', operations: [{ ...LOW_STOCK, type: 'mutation' }, 7] })).toEqual([
      'format: expected "apollo-persisted-query-manifest", got "relay"',
      'version: expected 1 (the only manifest version), got "1"',
      `operations[0].type: expected "query" (the body's operation), got "mutation"`,
      'operations[1]: expected an object with id, name, type and body, got 7',
    ]);
  });

  it('refuses a file that is missing or not JSON with the path and the cause', async () => {
    const missing = join(FIXTURES, 'no-such-manifest.json');
    await expect(loadPersistedOperationManifest(missing)).rejects.toThrow(`${missing}: expected a readable persisted query manifest, got ENOENT`);
    const notJson = join(FIXTURES, 'not-json.json');
    await expect(loadPersistedOperationManifest(notJson)).rejects.toThrow(`${notJson}: expected a JSON persisted query manifest, got invalid JSON (`);
  });
});
