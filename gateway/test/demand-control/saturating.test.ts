import { addCost, clampCount, MAX_COST, multiplyCost } from '../../src/demand-control/saturating.js';

describe('saturating cost arithmetic', () => {
  it.each<[string, () => number, number]>([
    ['adds below the cap exactly', () => addCost(2 ** 52, 2 ** 52 - 1), 2 ** 53 - 1],
    ['caps a sum at MAX_COST', () => addCost(MAX_COST, 1), MAX_COST],
    ['multiplies below the cap exactly', () => multiplyCost(2 ** 26, 2 ** 26), 2 ** 52],
    ['caps a product at MAX_COST', () => multiplyCost(MAX_COST, 2), MAX_COST],
    ['0 times the cap is 0, never NaN', () => multiplyCost(0, MAX_COST), 0],
    ['the cap times 0 is 0', () => multiplyCost(MAX_COST, 0), 0],
    ['clamps a negative size to 0', () => clampCount(-5), 0],
    ['clamps NaN to 0', () => clampCount(Number.NaN), 0],
    ['clamps Infinity to the cap', () => clampCount(Number.POSITIVE_INFINITY), MAX_COST],
    ['keeps a whole size', () => clampCount(20), 20],
  ])('%s', (_name, compute, expected) => {
    expect(compute()).toBe(expected);
  });
});
