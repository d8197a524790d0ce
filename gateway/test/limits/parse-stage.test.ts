import type { DefinitionNode, FieldNode, OperationDefinitionNode } from 'graphql';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import { captureLogs } from '../../../test/support/logs.js';
import { DEFAULT_PARSE_OPTIONS, GraphQLSyntaxError, useParse, type ParseOptions } from '../../src/pipeline/parse.js';
import type { GatewayRequest, GraphQLParams } from '../../src/pipeline/stage.js';
import { INTROSPECTION_QUERIES } from './documented-queries.js';
import { gatewayRequest } from '../fixtures/gateway-request.js';

/** Runs the parse stage on one request; resolves to the request, rejects with what the client would get. */
async function parsed(params: GraphQLParams, options: ParseOptions = DEFAULT_PARSE_OPTIONS, stage = useParse(options)): Promise<GatewayRequest> {
  const request = gatewayRequest(params);
  await stage.run(request);
  return request;
}

/** The refusal as the client receives it (status, and the one error of the body). */
async function refusal(params: GraphQLParams, options?: ParseOptions): Promise<{ status: number; error: Record<string, unknown> }> {
  const attempt = parsed(params, options);
  await expect(attempt).rejects.toBeInstanceOf(HttpError);
  const error = (await attempt.catch((e: unknown) => e)) as HttpError;
  return { status: error.status, error: JSON.parse(error.toBody()).errors[0] };
}

const nested = (n: number) => `{ ${'a { '.repeat(n)}b${' }'.repeat(n)} }`;

describe('the parse stage', () => {
  it('parses the query and selects the only operation', async () => {
    const request = await parsed({ query: '{ products { sku } }' });
    expect(request.document?.kind).toBe('Document');
    expect(request.operation?.operation).toBe('query');
    expect(request.operation).toBe(request.document?.definitions[0]);
  });

  it.each(INTROSPECTION_QUERIES.map((q) => [q.source, q.query]))('accepts %s with the defaults', async (_source, query) => {
    const request = await parsed({ query });
    expect(request.operation?.name?.value).toBe('IntrospectionQuery');
  });

  it.each<[string, GraphQLParams]>([
    ['no query', {}],
    ['an empty query', { query: '' }],
  ])('refuses %s like Apollo Server: 400 INVALID_GRAPHQL_REQUEST', async (_name, params) => {
    expect(await refusal(params)).toEqual({
      status: 400,
      error: { message: 'GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.', extensions: { code: ErrorCode.InvalidGraphQLRequest } },
    });
  });

  describe('the token limit', () => {
    const options = { ...DEFAULT_PARSE_OPTIONS, maxTokens: 10 };
    it.each<[number, boolean]>([
      [9, true],
      [10, true],
      [11, false],
    ])('%i tokens: accepted %s', async (tokens, accepted) => {
      // `{ a a … }`: two braces and tokens - 2 fields.
      const params = { query: `{ ${'a '.repeat(tokens - 2)}}` };
      if (accepted) {
        expect((await parsed(params, options)).document?.tokenCount).toBe(tokens);
        return;
      }
      expect(await refusal(params, options)).toEqual({
        status: 400,
        error: { message: 'Operation has more than 10 lexical tokens, the limit', extensions: { code: ErrorCode.MaxTokensLimit, limit: 10 } },
      });
    });

    it('defaults to 10,000 tokens', async () => {
      expect(DEFAULT_PARSE_OPTIONS.maxTokens).toBe(10_000);
      await expect(parsed({ query: `{ ${'a '.repeat(9_998)}}` })).resolves.toBeDefined();
      expect((await refusal({ query: `{ ${'a '.repeat(9_999)}}` })).error.extensions).toEqual({ code: ErrorCode.MaxTokensLimit, limit: 10_000 });
    });

    it('0 disables it', async () => {
      await expect(parsed({ query: `{ ${'a '.repeat(20_000)}}` }, { ...DEFAULT_PARSE_OPTIONS, maxTokens: 0 })).resolves.toBeDefined();
    });
  });

  describe('the nesting limit, checked before the parser runs', () => {
    const options = { ...DEFAULT_PARSE_OPTIONS, maxRecursion: 5 };
    it.each<[string, number, string]>([
      ['selection sets', 5, nested(4)],
      ['list values', 6, `{ a(x: ${'['.repeat(4)}${']'.repeat(4)}) }`],
      ['input objects', 5, `{ a(x: ${'{ b: '.repeat(3)}1${' }'.repeat(3)}) }`],
      ['list types', 5, `query ($v: ${'['.repeat(4)}Int${']'.repeat(4)}) { a }`],
    ])('%s nested %i levels', async (_name, nesting, query) => {
      if (nesting <= 5) {
        await expect(parsed({ query }, options)).resolves.toBeDefined();
        return;
      }
      expect(await refusal({ query }, options)).toEqual({
        status: 400,
        error: { message: `Operation nests { [ ( ${nesting} levels deep, exceeding the limit of 5`, extensions: { code: ErrorCode.MaxRecursionLimit, limit: 5, measured: nesting } },
      });
    });

    it.each<[string, string]>([
      // graphql-js overflows Node 20's default stack from ~2,000 selection sets, ~2,000 lists, ~1,500 objects.
      ['selection sets', nested(3000)],
      ['list values', `{ a(x: ${'['.repeat(4500)}${']'.repeat(4500)}) }`],
      ['input objects', `{ a(x: ${'{ b: '.repeat(2400)}1${' }'.repeat(2400)}) }`],
    ])('refuses %s nested deeper than the parser survives, within the token limit, with the measured nesting', async (_name, query) => {
      const { status, error } = await refusal({ query });
      expect(status).toBe(400);
      // The scan's message, with a measured value: the parser never ran (its stack overflow has neither).
      expect(error.extensions).toMatchObject({ code: ErrorCode.MaxRecursionLimit, limit: 500 });
      expect(error.message).toMatch(/^Operation nests \{ \[ \( \d+ levels deep, exceeding the limit of 500$/);
    });

    it('with the scan off, a stack overflow in the parser is still a 400, and the operator is told', async () => {
      const { logger, lines } = captureLogs('warn');
      const stage = useParse({ ...DEFAULT_PARSE_OPTIONS, maxTokens: 0, maxRecursion: 0 });
      const request = gatewayRequest({ query: `{ a(x: ${'{ b: '.repeat(50_000)}1${' }'.repeat(50_000)}) }` }, { logger });
      const attempt = Promise.resolve().then(() => stage.run(request));
      await expect(attempt).rejects.toMatchObject({ status: 400, code: ErrorCode.MaxRecursionLimit, message: 'Operation is nested too deeply to parse (the parser ran out of stack)' });
      expect(lines).toEqual([expect.objectContaining({ msg: 'parser ran out of stack: lower OPERATION_MAX_RECURSION', maxRecursion: 0 })]);
    });
  });

  it('answers a syntax error as Apollo Server does: graphql-js’s message and locations, GRAPHQL_PARSE_FAILED', async () => {
    const attempt = parsed({ query: '{\n  products {\n    sku\n' });
    await expect(attempt).rejects.toBeInstanceOf(GraphQLSyntaxError);
    expect(await refusal({ query: '{\n  products {\n    sku\n' })).toEqual({
      status: 400,
      error: { message: 'Syntax Error: Expected Name, found <EOF>.', locations: [{ line: 4, column: 1 }], extensions: { code: ErrorCode.GraphQLParseFailed } },
    });
    expect((await refusal({ query: '{ a(x: "unterminated) }' })).error).toMatchObject({ message: 'Syntax Error: Unterminated string.', locations: [{ line: 1, column: 24 }] });
  });

  describe('selecting the operation', () => {
    const twoOperations = 'query A { a } query B { b }';
    it.each<[string, GraphQLParams, string]>([
      ['an operationName that names no operation', { query: twoOperations, operationName: 'C' }, 'Unknown operation named "C".'],
      ['an operationName for an anonymous operation', { query: '{ a }', operationName: 'A' }, 'Unknown operation named "A".'],
      ['several operations and no operationName', { query: twoOperations }, 'Must provide operation name if query contains multiple operations.'],
      ['several operations and a null operationName', { query: twoOperations, operationName: null }, 'Must provide operation name if query contains multiple operations.'],
      ['only fragments', { query: 'fragment F on Query { a }' }, 'Must provide an operation.'],
    ])('refuses %s: 400 OPERATION_RESOLUTION_FAILURE', async (_name, params, message) => {
      expect(await refusal(params)).toEqual({ status: 400, error: { message, extensions: { code: ErrorCode.OperationResolutionFailure } } });
    });

    it('selects by operationName, per request, from one cached document', async () => {
      const stage = useParse();
      const a = await parsed({ query: twoOperations, operationName: 'A' }, undefined, stage);
      const b = await parsed({ query: twoOperations, operationName: 'B' }, undefined, stage);
      expect(a.document).toBe(b.document);
      expect([a.operation?.name?.value, b.operation?.name?.value]).toEqual(['A', 'B']);
    });
  });

  describe('the document cache', () => {
    it('returns the same document for the same text', async () => {
      const stage = useParse();
      const first = await parsed({ query: '{ a }' }, undefined, stage);
      const second = await parsed({ query: '{ a }' }, undefined, stage);
      const other = await parsed({ query: '{ a }\n' }, undefined, stage);
      expect(second.document).toBe(first.document);
      expect(other.document).not.toBe(first.document);
    });

    it('stays bounded by entries: the least recently used text is parsed again', async () => {
      const stage = useParse({ ...DEFAULT_PARSE_OPTIONS, cacheSize: 2 });
      const document = async (query: string) => (await parsed({ query }, undefined, stage)).document;
      const a = await document('{ a }');
      await document('{ b }');
      expect(await document('{ a }')).toBe(a);
      await document('{ c }'); // evicts { b }, the least recently used
      expect(await document('{ a }')).toBe(a);
      const b = await document('{ b }'); // parsed again, evicting { c }
      expect(await document('{ b }')).toBe(b);
      expect(await document('{ a }')).toBe(a);
    });

    it('stays bounded by the tokens it holds', async () => {
      const stage = useParse({ ...DEFAULT_PARSE_OPTIONS, cacheSize: 100, cacheMaxTokens: 10 });
      const document = async (query: string) => (await parsed({ query }, undefined, stage)).document;
      const small = await document('{ a }'); // 3 tokens
      const wide = await document('{ b c d e f }'); // 7 tokens: 10 in all, the bound
      expect(await document('{ a }')).toBe(small);
      expect(await document('{ b c d e f }')).toBe(wide);
      await document('{ g }'); // 3 more: the least recently used entry goes
      expect(await document('{ b c d e f }')).toBe(wide);
      expect(await document('{ a }')).not.toBe(small);
      const big = await document(`{ ${'x '.repeat(20)}}`); // larger than the whole cache: never kept
      expect(await document(`{ ${'x '.repeat(20)}}`)).not.toBe(big);
    });

    it('0 entries turns it off', async () => {
      const stage = useParse({ ...DEFAULT_PARSE_OPTIONS, cacheSize: 0 });
      const first = await parsed({ query: '{ a }' }, undefined, stage);
      expect((await parsed({ query: '{ a }' }, undefined, stage)).document).not.toBe(first.document);
    });

    it('hands out a frozen document: a stage that edited it would edit every request sharing it', async () => {
      const { document } = await parsed({ query: 'query Q($v: Int) { a(x: $v) { b @include(if: true) } }' });
      const operation = document?.definitions[0] as OperationDefinitionNode;
      const field = operation.selectionSet.selections[0] as FieldNode;
      for (const value of [document, document?.definitions, operation, operation.variableDefinitions, field, field.arguments, field.selectionSet?.selections[0]]) {
        expect(Object.isFrozen(value)).toBe(true);
      }
      // The cast is the point: the mutation graphql's readonly types already forbid, tried anyway.
      expect(() => (document?.definitions as DefinitionNode[]).push(operation)).toThrow(TypeError);
    });
  });
});
