import { captureLogs } from '../../../test/support/logs.js';
import { ContractMismatchCounts, contractMismatches, createContractWatch } from '../../src/execution/contract-mismatch.js';

describe('contractMismatches', () => {
  it.each([
    ['no errors', { data: { a: 1 } }, []],
    ['a resolver error', { data: null, errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }, []],
    ['a field the subgraph does not have', { errors: [{ message: 'Cannot query field "ghost" on type "Product".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }, [{ coordinate: 'Product.ghost', message: 'Cannot query field "ghost" on type "Product".' }]],
    ['the same message without a code', { errors: [{ message: 'Cannot query field "ghost" on type "Product". Did you mean "host"?' }] }, [{ coordinate: 'Product.ghost', message: 'Cannot query field "ghost" on type "Product". Did you mean "host"?' }]],
    ['an argument it does not have', { errors: [{ message: 'Unknown argument "currency" on field "Product.price".' }] }, [{ coordinate: 'Product.price(currency:)', message: 'Unknown argument "currency" on field "Product.price".' }]],
    ['a type it does not have', { errors: [{ message: 'Unknown type "Money".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }, [{ coordinate: 'Money', message: 'Unknown type "Money".' }]],
    ['another validation failure', { errors: [{ message: 'Field "x" argument "y" of type "Int!" is required', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }, [{ coordinate: 'unknown', message: 'Field "x" argument "y" of type "Int!" is required' }]],
  ])('%s', (_name, response, expected) => {
    expect(contractMismatches(response as never)).toEqual(expected);
  });
});

describe('createContractWatch', () => {
  it('counts every disagreeing answer, and warns once per subgraph and coordinate in a generation', () => {
    const { logger, lines } = captureLogs();
    const counts = new ContractMismatchCounts();
    const ghost = { errors: [{ message: 'Cannot query field "ghost" on type "Product".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] };
    const first = createContractWatch({ generation: 'g1', counts, logger });
    for (let i = 0; i < 3; i++) first.observe('inventory', ghost);
    first.observe('marketing', ghost);
    first.observe('inventory', { data: {} });
    const second = createContractWatch({ generation: 'g2', counts, logger });
    second.observe('inventory', ghost);
    expect([counts.of('inventory'), counts.of('marketing'), counts.of('customer-service')]).toEqual([4, 1, 0]);
    expect(lines.map((l) => [l.level, l.subgraph, l.generation, l.coordinate])).toEqual([
      [40, 'inventory', 'g1', 'Product.ghost'],
      [40, 'marketing', 'g1', 'Product.ghost'],
      [40, 'inventory', 'g2', 'Product.ghost'],
    ]);
  });
});
