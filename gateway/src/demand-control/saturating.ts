/**
 * The largest estimate: costs saturate here instead of growing to Infinity, so an estimate stays a
 * finite, exact-below-the-cap number that JSON can carry (`JSON.stringify(Infinity)` is `null`).
 */
export const MAX_COST = Number.MAX_SAFE_INTEGER;

/** Sum of two costs (each 0..MAX_COST), capped at MAX_COST. */
export function addCost(a: number, b: number): number {
  const sum = a + b;
  return sum > MAX_COST ? MAX_COST : sum;
}

/** Product of a count and a cost (each 0..MAX_COST, so never Infinity and never NaN), capped at MAX_COST. */
export function multiplyCost(count: number, cost: number): number {
  const product = count * cost;
  return product > MAX_COST ? MAX_COST : product;
}

/** A size or weight read from a request or the schema, as a cost operand: whole, 0..MAX_COST. */
export function clampCount(value: number): number {
  if (!(value > 0)) return 0;
  return value > MAX_COST ? MAX_COST : Math.floor(value);
}
