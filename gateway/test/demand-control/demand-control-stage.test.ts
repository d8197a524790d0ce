import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import { captureLogs } from '../../../test/support/logs.js';
import { gatewayRequest } from '../fixtures/gateway-request.js';
import { createCostEstimator, type CostEstimator } from '../../src/demand-control/estimate-cost.js';
import { useDemandControl, type DemandControlOptions } from '../../src/pipeline/demand-control.js';
import type { GatewayRequest, GraphQLParams } from '../../src/pipeline/stage.js';
import { composeCostFixture } from './cost-fixture.js';

let estimator: CostEstimator;
beforeAll(() => {
  const fixture = composeCostFixture();
  estimator = createCostEstimator(fixture.document, fixture.apiSchema, { defaultListSize: 10 });
});

// products(limit: $n) { id price }: $n x 5.
const QUERY = 'query Page($n: Int) { products(limit: $n) { id price } }';

/** A request as the parse stage leaves it: the document parsed and the operation selected. */
function parsedRequest(params: GraphQLParams, logger = captureLogs().logger): GatewayRequest {
  const document = parse(params.query ?? '');
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!params.operationName || d.name?.value === params.operationName),
  );
  return gatewayRequest(params, { document, operation, logger, generation: { id: 'test-generation', costEstimator: estimator } });
}

const enforce = (maxCost: number): DemandControlOptions => ({ mode: 'enforce', maxCost });
const measure = (maxCost: number): DemandControlOptions => ({ mode: 'measure', maxCost });

describe('useDemandControl', () => {
  it('enforce: lets an operation at or under the maximum through, adding nothing', async () => {
    const request = parsedRequest({ query: QUERY, variables: { n: 10 } });
    await useDemandControl(enforce(50)).run(request);
    expect(request.extensions).toEqual({});
  });

  it('enforce: refuses an operation above the maximum with 400 COST_ESTIMATED_TOO_EXPENSIVE', async () => {
    const request = parsedRequest({ query: QUERY, variables: { n: 11 } });
    const refused = Promise.resolve().then(() => useDemandControl(enforce(50)).run(request));
    await expect(refused).rejects.toBeInstanceOf(HttpError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      code: ErrorCode.CostEstimatedTooExpensive,
      message: 'Operation estimated cost 55 exceeds the maximum of 50',
      headers: {},
      details: { estimatedCost: 55, maxCost: 50 },
    });
    const error = await refused.then(
      () => undefined,
      (e: HttpError) => e,
    );
    expect(JSON.parse(error?.toBody() ?? '{}')).toEqual({
      errors: [{ message: 'Operation estimated cost 55 exceeds the maximum of 50', extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', estimatedCost: 55, maxCost: 50 } }],
    });
  });

  it('measure: never refuses, and reports the estimate in extensions.cost with a warning above the maximum', async () => {
    const { logger, lines } = captureLogs('warn');
    const request = parsedRequest({ query: QUERY, variables: { n: 100 } }, logger);
    await useDemandControl(measure(50)).run(request);
    expect(request.extensions).toEqual({ cost: { estimated: 500, max: 50, mode: 'measure' } });
    expect(lines).toEqual([expect.objectContaining({ estimatedCost: 500, maxCost: 50, msg: 'operation estimated above the cost maximum (measure mode: served)' })]);
  });

  it('measure: reports an operation under the maximum without a warning', async () => {
    const { logger, lines } = captureLogs('warn');
    const request = parsedRequest({ query: QUERY, variables: { n: 2 } }, logger);
    await useDemandControl(measure(50)).run(request);
    expect(request.extensions).toEqual({ cost: { estimated: 10, max: 50, mode: 'measure' } });
    expect(lines).toEqual([]);
  });

  it('off: neither estimates nor reports', async () => {
    const request = parsedRequest({ query: QUERY, variables: { n: 1_000_000 } });
    await useDemandControl({ mode: 'off' }).run(request);
    expect(request.extensions).toEqual({});
  });

  it('estimates the operation the parse stage selected, with the request variables', async () => {
    const query = `${QUERY} query Warehouses { warehouses { id } }`;
    const page = parsedRequest({ query, operationName: 'Page', variables: { n: 11 } });
    await expect(Promise.resolve().then(() => useDemandControl(enforce(50)).run(page))).rejects.toMatchObject({ details: { estimatedCost: 55, maxCost: 50 } });
    const warehouses = parsedRequest({ query, operationName: 'Warehouses', variables: { n: 11 } });
    await useDemandControl(measure(50)).run(warehouses);
    expect(warehouses.extensions.cost).toEqual({ estimated: 3, max: 50, mode: 'measure' });
  });

  it("uses each request's own generation's estimator, so a new supergraph's replaces the old", async () => {
    const fixture = composeCostFixture();
    const small = createCostEstimator(fixture.document, fixture.apiSchema, { defaultListSize: 1 });
    const stage = useDemandControl({ mode: 'measure', maxCost: 50 });
    const first = parsedRequest({ query: '{ tags { name } }' });
    await stage.run(first);
    const second = { ...parsedRequest({ query: '{ tags { name } }' }), generation: { id: 'next-generation', costEstimator: small } };
    await stage.run(second);
    expect([first.extensions.cost, second.extensions.cost]).toEqual([
      { estimated: 10, max: 50, mode: 'measure' },
      { estimated: 1, max: 50, mode: 'measure' },
    ]);
  });

  it('fails loudly when the generation has no cost model rather than serving unmeasured', async () => {
    const request: GatewayRequest = { ...parsedRequest({ query: QUERY }), generation: { id: 'g1' } };
    await expect(Promise.resolve().then(() => useDemandControl(enforce(50)).run(request))).rejects.toThrow(
      'demand control expected generation g1 to have a cost estimator, but it has none',
    );
  });

  it('fails loudly when listed before the parse stage rather than letting operations through unmeasured', async () => {
    const request: GatewayRequest = { ...parsedRequest({ query: QUERY }), document: undefined, operation: undefined };
    await expect(Promise.resolve().then(() => useDemandControl(enforce(50)).run(request))).rejects.toThrow(
      'demand control expected the parse stage to have set request.document, but it is not set: list it after parsing',
    );
  });
});
