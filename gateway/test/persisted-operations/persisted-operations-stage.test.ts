import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logging.js';
import { REPO_ROOT } from '../../../shared/paths.js';
import { gatewayRequest } from '../fixtures/gateway-request.js';
import { captureLogs } from '../../../test/support/logs.js';
import { InMemoryApqStore } from '../../src/persisted-operations/apq-store.js';
import { loadPersistedOperationManifest, type PersistedOperationManifest } from '../../src/persisted-operations/manifest.js';
import { usePersistedOperations, type PersistedOperationsOptions } from '../../src/pipeline/persisted-operations.js';
import type { GatewayRequest, GraphQLParams, Stage } from '../../src/pipeline/stage.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const NO_CACHE = { 'cache-control': 'private, no-cache, must-revalidate' };

const LOW_STOCK_BODY = 'query LowStock { products(lowStock: true, limit: 10) { id sku name totalStock } }';
const LOW_STOCK_ID = sha256(LOW_STOCK_BODY);
const LOW_STOCK_REFORMATTED = '# the dashboard\nquery LowStock {\n  products(lowStock: true, limit: 10) {\n    id, sku\n    name\n    totalStock\n  }\n}\n';
const UNKNOWN = '{ products { id unitCost } }';

let manifest: PersistedOperationManifest;
beforeAll(async () => {
  manifest = await loadPersistedOperationManifest(join(REPO_ROOT, 'gateway', 'test', 'fixtures', 'persisted-operations', 'manifest.json'));
});

const byHash = (sha256Hash: string, rest: Omit<GraphQLParams, 'extensions'> = {}, version: unknown = 1): GraphQLParams => ({
  ...rest,
  extensions: { persistedQuery: { version, sha256Hash } },
});

/** Runs the stage and returns the request it let through (a refusal rejects with the HttpError). */
async function run(stage: Stage, params: GraphQLParams, logger?: Logger): Promise<GatewayRequest> {
  const request = gatewayRequest(params, { logger: logger ?? captureLogs().logger });
  await stage.run(request);
  return request;
}

function refusal(status: number, code: ErrorCode, message: string | RegExp, headers: Record<string, string> = {}, details: Record<string, unknown> = {}) {
  return expect.objectContaining({ status, code, message: typeof message === 'string' ? message : expect.stringMatching(message), headers, details });
}

describe('persisted operations stage: ids from the manifest', () => {
  const stages: [string, () => PersistedOperationsOptions][] = [
    ['safelist off', () => ({ manifest })],
    ['safelist log', () => ({ safelist: 'log', manifest })],
    ['safelist enforce', () => ({ safelist: 'enforce', manifest })],
  ];

  it.each(stages)('%s: an id runs the manifest body, and the extension is removed (other extensions kept)', async (_mode, options) => {
    const request = await run(usePersistedOperations(options()), {
      operationName: 'LowStock',
      extensions: { persistedQuery: { version: 1, sha256Hash: LOW_STOCK_ID }, clientLibrary: { name: 'web' } },
    });
    expect(request.params).toEqual({ operationName: 'LowStock', query: LOW_STOCK_BODY, extensions: { clientLibrary: { name: 'web' } } });
  });

  it.each(stages)('%s: an id that is not a hash works as well', async (_mode, options) => {
    const request = await run(usePersistedOperations(options()), byHash('warehouses-v1'));
    expect(request.params.query).toBe('query Warehouses { warehouses { id name } }');
  });

  it.each<[string, string]>([
    ['the same text', LOW_STOCK_BODY],
    ['the same text laid out differently', LOW_STOCK_REFORMATTED],
  ])('an id with %s as query runs the manifest body', async (_name, query) => {
    const request = await run(usePersistedOperations({ safelist: 'enforce', manifest }), byHash(LOW_STOCK_ID, { query }));
    expect(request.params.query).toBe(LOW_STOCK_BODY);
    expect(request.params.extensions).toEqual({});
  });

  it.each<[string, PersistedOperationsOptions['safelist']]>([
    ['off', 'off'],
    ['enforce', 'enforce'],
  ])('safelist %s: an id with a different query is refused 400', async (_name, safelist) => {
    const stage = usePersistedOperations(safelist === 'enforce' ? { safelist, manifest } : { safelist, manifest });
    await expect(run(stage, byHash(LOW_STOCK_ID, { query: UNKNOWN }))).rejects.toEqual(
      refusal(400, ErrorCode.BadRequest, `The query sent with persisted query '${LOW_STOCK_ID}' differs from that operation's body in the manifest: send the id alone, or the manifest's text`),
    );
  });

  it('an unknown id without APQ is refused as the router does: 404 PERSISTED_QUERY_NOT_IN_LIST, not cached, with the operation name', async () => {
    const stage = usePersistedOperations({ manifest, apq: false });
    await expect(run(stage, byHash('nope', { operationName: 'Guess' }))).rejects.toEqual(
      refusal(404, ErrorCode.PersistedQueryNotInList, "Persisted query 'nope' not found in the persisted query list", NO_CACHE, { operation_name: 'Guess' }),
    );
    await expect(run(stage, byHash('nope'))).rejects.toEqual(refusal(404, ErrorCode.PersistedQueryNotInList, /'nope' not found/, NO_CACHE, {}));
  });

  it('an unknown id with a query, without APQ, is refused 400 as the router does', async () => {
    const stage = usePersistedOperations({ safelist: 'enforce', manifest });
    await expect(run(stage, byHash(sha256(UNKNOWN), { query: UNKNOWN }))).rejects.toEqual(
      refusal(400, ErrorCode.BadRequest, /^Sending a persisted query ID and a body in the same request is disallowed: '[0-9a-f]{64}' is not in the persisted query list/),
    );
  });
});

describe('persisted operations stage: automatic persisted queries', () => {
  it('registers a query sent with its hash, then serves the hash alone', async () => {
    const stage = usePersistedOperations({});
    const registered = await run(stage, byHash(sha256(UNKNOWN), { query: UNKNOWN }));
    expect(registered.params).toEqual({ query: UNKNOWN, extensions: {} });
    const hit = await run(stage, byHash(sha256(UNKNOWN), { operationName: null, variables: { a: 1 } }));
    expect(hit.params).toEqual({ query: UNKNOWN, operationName: null, variables: { a: 1 }, extensions: {} });
  });

  it('an unknown hash answers exactly as Apollo Server: 200 PERSISTED_QUERY_NOT_FOUND "PersistedQueryNotFound", not cached', async () => {
    await expect(run(usePersistedOperations({}), byHash(sha256(UNKNOWN)))).rejects.toEqual(
      refusal(200, ErrorCode.PersistedQueryNotFound, 'PersistedQueryNotFound', NO_CACHE),
    );
  });

  it('a hash that is not the query\'s is refused 400 as Apollo Server does, and nothing is stored', async () => {
    const stage = usePersistedOperations({});
    const wrong = sha256('something else');
    await expect(run(stage, byHash(wrong, { query: UNKNOWN }))).rejects.toEqual(
      refusal(400, ErrorCode.BadRequest, `provided sha does not match query: extensions.persistedQuery.sha256Hash is ${wrong}, the query's SHA-256 is ${sha256(UNKNOWN)}`),
    );
    await expect(run(stage, byHash(wrong))).rejects.toEqual(refusal(200, ErrorCode.PersistedQueryNotFound, 'PersistedQueryNotFound', NO_CACHE));
  });

  it.each<[string, unknown]>([
    ['2', { version: 2, sha256Hash: sha256(UNKNOWN) }],
    ['"1"', { version: '1', sha256Hash: sha256(UNKNOWN) }],
    ['missing', { sha256Hash: sha256(UNKNOWN) }],
    ['missing, with the extension not an object', 'yes'],
  ])('version %s is refused 400 as Apollo Server does', async (_name, persistedQuery) => {
    await expect(run(usePersistedOperations({}), { extensions: { persistedQuery } })).rejects.toEqual(
      refusal(400, ErrorCode.BadRequest, /^Unsupported persisted query version: expected extensions.persistedQuery.version 1, got /),
    );
  });

  it('a persisted query without a usable hash is refused 400', async () => {
    await expect(run(usePersistedOperations({}), { extensions: { persistedQuery: { version: 1, sha256Hash: 7 } } })).rejects.toEqual(
      refusal(400, ErrorCode.BadRequest, 'expected extensions.persistedQuery.sha256Hash to be a non-empty string, got 7'),
    );
  });

  it('the manifest wins over the APQ store for its own ids', async () => {
    const store = new InMemoryApqStore();
    store.set(LOW_STOCK_ID, 'query Hijacked { __typename }');
    const request = await run(usePersistedOperations({ manifest, apq: { store } }), byHash(LOW_STOCK_ID));
    expect(request.params.query).toBe(LOW_STOCK_BODY);
  });

  it('APQ goes through the store it is given, bounded by bytes: old registrations are evicted, the store never passes its bound', async () => {
    const store = new InMemoryApqStore({ maxBytes: 2_000 });
    const stage = usePersistedOperations({ apq: { store } });
    const queries = Array.from({ length: 20 }, (_, n) => `query Q${n} { products(limit: ${n + 1}) { id } }`);
    for (const query of queries) {
      await run(stage, byHash(sha256(query), { query }));
      expect(store.bytes).toBeLessThanOrEqual(2_000);
    }
    await expect(run(stage, byHash(sha256(queries[0]!)))).rejects.toEqual(refusal(200, ErrorCode.PersistedQueryNotFound, 'PersistedQueryNotFound', NO_CACHE));
    expect((await run(stage, byHash(sha256(queries[19]!)))).params.query).toBe(queries[19]);
  });

  it('APQ off and no manifest: any persisted query answers as Apollo Server without APQ, 200 PERSISTED_QUERY_NOT_SUPPORTED', async () => {
    const stage = usePersistedOperations({ apq: false });
    for (const params of [byHash(sha256(UNKNOWN)), byHash(sha256(UNKNOWN), { query: UNKNOWN }), byHash(sha256(UNKNOWN), {}, 2)]) {
      await expect(run(stage, params)).rejects.toEqual(refusal(200, ErrorCode.PersistedQueryNotSupported, 'PersistedQueryNotSupported', NO_CACHE));
    }
  });

  // Thunks: the manifest is loaded in beforeAll, after the table is built.
  it.each<[string, () => PersistedOperationsOptions]>([
    ['APQ off', () => ({ manifest, apq: false })],
    ['safelist enforce', () => ({ safelist: 'enforce', manifest })],
  ])('%s with a manifest: a hash the manifest does not have is PERSISTED_QUERY_NOT_IN_LIST, never registered', async (_name, options) => {
    const stage = usePersistedOperations(options());
    await expect(run(stage, byHash(sha256(UNKNOWN)))).rejects.toEqual(refusal(404, ErrorCode.PersistedQueryNotInList, /not found in the persisted query list/, NO_CACHE, {}));
    await expect(run(stage, byHash(sha256(UNKNOWN), { query: UNKNOWN }))).rejects.toMatchObject({ status: 400 });
    await expect(run(stage, byHash(sha256(UNKNOWN)))).rejects.toMatchObject({ status: 404 });
  });

  it('safelist log: a hash the manifest does not have is PERSISTED_QUERY_NOT_SUPPORTED, so APQ clients resend the full text, which runs', async () => {
    const stage = usePersistedOperations({ safelist: 'log', manifest });
    await expect(run(stage, byHash(sha256(UNKNOWN)))).rejects.toEqual(refusal(200, ErrorCode.PersistedQueryNotSupported, 'PersistedQueryNotSupported', NO_CACHE, {}));
    const { logger, lines } = captureLogs();
    expect((await run(stage, { query: UNKNOWN }, logger)).params.query).toBe(UNKNOWN);
    expect(lines).toHaveLength(1);
  });

  it('a request without a persisted query passes untouched (a null extension counts as none)', async () => {
    const stage = usePersistedOperations({ manifest });
    const params = { query: UNKNOWN, extensions: { persistedQuery: null } };
    expect((await run(stage, params)).params).toBe(params);
  });
});

describe('persisted operations stage: the safelist', () => {
  it.each<[string, GraphQLParams]>([
    ['a manifest operation by id', byHash(LOW_STOCK_ID)],
    ['the same text sent in full', { query: LOW_STOCK_BODY }],
    ['the same text with other whitespace, commas and comments', { query: LOW_STOCK_REFORMATTED }],
    ['a manifest body with a fragment, laid out on one line', { query: 'query ActiveCampaigns { campaigns(status: ACTIVE) { ...CampaignSummary } } fragment CampaignSummary on Campaign { id name channel }' }],
    ['no query at all (the parse stage refuses it)', {}],
  ])('enforce lets through %s', async (_name, params) => {
    const { logger, lines } = captureLogs();
    const request = await run(usePersistedOperations({ safelist: 'enforce', manifest }), params, logger);
    expect(request.params.extensions?.persistedQuery).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it.each<[string, string]>([
    ['another operation', UNKNOWN],
    ['a manifest operation with a field added', 'query LowStock { products(lowStock: true, limit: 10) { id sku name totalStock unitCost } }'],
    ['a manifest operation with another argument', 'query LowStock { products(lowStock: true, limit: 100) { id sku name totalStock } }'],
    ['text that does not lex', 'query LowStock { products(lowStock: true, limit: 10) { id sku name totalStock } } "'],
  ])('enforce refuses %s as the router does: 403 with its message', async (_name, query) => {
    await expect(run(usePersistedOperations({ safelist: 'enforce', manifest }), { query })).rejects.toEqual(
      refusal(403, ErrorCode.QueryNotInSafelist, 'The operation body was not found in the persisted query safelist', NO_CACHE),
    );
  });

  it('enforce logs what it refuses, once per operation per window', async () => {
    const { logger, lines } = captureLogs();
    const stage = usePersistedOperations({ safelist: 'enforce', manifest });
    for (let i = 0; i < 3; i++) await expect(run(stage, { query: UNKNOWN }, logger)).rejects.toBeInstanceOf(HttpError);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringContaining('operation refused'), operationHash: sha256(UNKNOWN), operationName: null, safelist: 'enforce' }),
    ]);
  });

  it('log lets unknown operations run and warns once per operation per window, naming its hash and name', async () => {
    let now = 1_000;
    const { logger, lines } = captureLogs();
    const stage = usePersistedOperations({ safelist: 'log', manifest, unknownOperationLog: { windowMs: 60_000, clock: { now: () => now } } });
    const other = 'query Other { warehouses { id } }';

    for (let i = 0; i < 5; i++) expect((await run(stage, { query: UNKNOWN, operationName: 'Costs' }, logger)).params.query).toBe(UNKNOWN);
    await run(stage, { query: other }, logger);
    await run(stage, { query: LOW_STOCK_BODY }, logger);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, operationHash: sha256(UNKNOWN), operationName: 'Costs', safelist: 'log' }),
      // Without an operationName the name is read from the document's first tokens.
      expect.objectContaining({ level: 40, operationHash: sha256(other), operationName: 'Other', safelist: 'log' }),
    ]);

    now += 59_999;
    await run(stage, { query: UNKNOWN }, logger);
    expect(lines).toHaveLength(2);
    now += 2;
    await run(stage, { query: UNKNOWN }, logger);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ operationHash: sha256(UNKNOWN), msg: expect.stringContaining('not in the persisted operations manifest') });
  });

  it('log remembers a bounded number of operations: beyond it the least recent may log again', async () => {
    const { logger, lines } = captureLogs();
    const stage = usePersistedOperations({ safelist: 'log', manifest, unknownOperationLog: { maxKeys: 2, clock: { now: () => 0 } } });
    for (const query of ['query A { a }', 'query B { b }', 'query A { a }', 'query C { c }', 'query A { a }']) await run(stage, { query }, logger);
    expect(lines.map((line) => line.operationName)).toEqual(['A', 'B', 'C', 'A']);
  });

  it('off runs and logs nothing, with or without a manifest', async () => {
    const { logger, lines } = captureLogs();
    for (const stage of [usePersistedOperations({ manifest }), usePersistedOperations({})]) {
      expect((await run(stage, { query: UNKNOWN }, logger)).params.query).toBe(UNKNOWN);
    }
    expect(lines).toEqual([]);
  });
});
