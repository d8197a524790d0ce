import type { DocumentNode } from 'graphql';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import { DEFAULT_OPERATION_LIMITS } from '../../src/limits/operation-limits.js';
import { useOperationLimits } from '../../src/pipeline/operation-limits.js';
import { useParse } from '../../src/pipeline/parse.js';
import type { GatewayRequest, GraphQLParams, Stage } from '../../src/pipeline/stage.js';
import { INTROSPECTION_QUERIES } from './documented-queries.js';
import { gatewayRequest } from '../fixtures/gateway-request.js';

const doubling = `query { ...F25 } fragment F0 on Query { __typename } ${Array.from({ length: 25 }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`).join(' ')}`;

/** The parse stage, then the limits, as the pipeline lists them. */
async function run(params: GraphQLParams, stages: Stage[] = [useParse(), useOperationLimits()]): Promise<GatewayRequest> {
  const request = gatewayRequest(params);
  for (const stage of stages) await stage.run(request);
  return request;
}

/** A document whose every read of `definitions` is counted, to see whether it was measured again. */
function counted(document: DocumentNode): { document: DocumentNode; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(document, {
    get(target, key, receiver) {
      if (key === 'definitions') reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { document: proxy, reads: () => reads };
}

describe('the operation-limits stage', () => {
  it('lets a legitimate operation through untouched', async () => {
    const request = await run({ query: INTROSPECTION_QUERIES[1].query });
    expect(request.operation?.name?.value).toBe('IntrospectionQuery');
  });

  it('refuses the doubling-fragment query with 400 MAX_SELECTIONS_LIMIT and its measured value', async () => {
    const attempt = run({ query: doubling });
    await expect(attempt).rejects.toBeInstanceOf(HttpError);
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      code: ErrorCode.MaxSelectionsLimit,
      details: { limit: DEFAULT_OPERATION_LIMITS.maxSelections, measured: 3 * 2 ** 25 - 1 },
    });
  });

  it.each<[string, string, ErrorCode]>([
    ['too deep', `{ ${'a { '.repeat(30)}b${' }'.repeat(30)} }`, ErrorCode.MaxDepthLimit],
    ['too many aliases', `{ r { ${Array.from({ length: 40 }, (_, i) => `x${i}: b`).join(' ')} } }`, ErrorCode.MaxAliasesLimit],
    ['too many root fields', `{ ${Array.from({ length: 40 }, (_, i) => `f${i}`).join(' ')} }`, ErrorCode.MaxRootFieldsLimit],
    ['too many directives on one node', `{ __typename${' @skip(if: false)'.repeat(1000)} }`, ErrorCode.MaxDirectivesLimit],
  ])('refuses an operation %s with its code', async (_name, query, code) => {
    await expect(run({ query })).rejects.toMatchObject({ status: 400, code });
  });

  it('measures the operation operationName selects', async () => {
    const query = `query Fine { a } query Deep { ${'a { '.repeat(30)}b${' }'.repeat(30)} }`;
    await expect(run({ query, operationName: 'Fine' })).resolves.toBeDefined();
    await expect(run({ query, operationName: 'Deep' })).rejects.toMatchObject({ code: ErrorCode.MaxDepthLimit });
  });

  it('applies the limits it is given, 0 disabling one', async () => {
    const stages = [useParse(), useOperationLimits({ ...DEFAULT_OPERATION_LIMITS, maxSelections: 0, maxRootFields: 0 })];
    await expect(run({ query: doubling }, stages)).resolves.toBeDefined();
    await expect(run({ query: '{ a { b { c } } }' }, [useParse(), useOperationLimits({ ...DEFAULT_OPERATION_LIMITS, maxDepth: 2 })])).rejects.toMatchObject({
      code: ErrorCode.MaxDepthLimit,
      message: 'Operation depth 3 exceeds the limit of 2',
      details: { limit: 2, measured: 3 },
    });
  });

  it('measures a document once: a cached document is not measured again, a refused one keeps its verdict', async () => {
    const parse = useParse();
    const limits = useOperationLimits();
    for (const query of ['{ products { sku } }', doubling]) {
      const first = gatewayRequest({ query });
      parse.run(first);
      const { document, reads } = counted(first.document as DocumentNode);
      const attempts = [1, 2, 3].map(() => {
        const request = gatewayRequest({ query });
        parse.run(request);
        // The same cached document (its operation node is the cache key), seen through the counter.
        expect(request.document).toBe(first.document);
        request.document = document;
        return Promise.resolve().then(() => limits.run(request));
      });
      const outcomes = await Promise.allSettled(attempts);
      expect(new Set(outcomes.map((o) => o.status)).size).toBe(1);
      expect(reads()).toBe(1);
    }
  });

  it('needs the parse stage before it: a wiring mistake, not a client error', async () => {
    const attempt = run({ query: '{ a }' }, [useOperationLimits()]);
    await expect(attempt).rejects.not.toBeInstanceOf(HttpError);
    await expect(attempt).rejects.toThrow('The operation-limits stage needs the parse stage before it');
  });
});
