import type { Principal } from '../../../shared/principal.js';

/**
 * One authorization requirement as a directive application states it. A field or type may carry
 * several (one per directive); all of them must hold. Inside `scopes`/`policies` the outer list
 * is OR and the inner list AND, exactly as in `@requiresScopes(scopes: [["a", "b"], ["c"]])`.
 */
export type Requirement =
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'scopes'; readonly anyOf: readonly (readonly string[])[] }
  | { readonly kind: 'policies'; readonly anyOf: readonly (readonly string[])[] };

/** Which policies the request satisfies; a policy that is absent or not `true` does not hold. */
export type PolicyResults = ReadonlyMap<string, boolean>;

/**
 * Sorts the alternatives and their members so that the same requirement written in another
 * order gets the same key, and the index stores it once.
 */
export function normalizeRequirement(requirement: Requirement): Requirement {
  switch (requirement.kind) {
    case 'authenticated':
      return requirement;
    case 'scopes':
    case 'policies': {
      const alternatives = requirement.anyOf.map((all) => [...new Set(all)].sort());
      const unique = new Map(alternatives.map((all) => [JSON.stringify(all), all]));
      const anyOf = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, all]) => all);
      return { kind: requirement.kind, anyOf };
    }
    default:
      return unreachable(requirement);
  }
}

/** A stable key of a normalized requirement, used to deduplicate the index's requirements. */
export function requirementKey(requirement: Requirement): string {
  switch (requirement.kind) {
    case 'authenticated':
      return 'authenticated';
    case 'scopes':
    case 'policies':
      return `${requirement.kind}:${JSON.stringify(requirement.anyOf)}`;
    default:
      return unreachable(requirement);
  }
}

export function isRequirementSatisfied(requirement: Requirement, principal: Principal, policyResults: PolicyResults): boolean {
  switch (requirement.kind) {
    case 'authenticated':
      return principal.authenticated;
    case 'scopes': {
      if (requirement.anyOf.length === 0) return true;
      const granted = new Set(principal.scopes);
      return requirement.anyOf.some((all) => all.every((scope) => granted.has(scope)));
    }
    case 'policies':
      if (requirement.anyOf.length === 0) return true;
      return requirement.anyOf.some((all) => all.every((policy) => policyResults.get(policy) === true));
    default:
      return unreachable(requirement);
  }
}

/** For logs and error messages: `@requiresScopes([["a","b"],["c"]])`. */
export function describeRequirement(requirement: Requirement): string {
  switch (requirement.kind) {
    case 'authenticated':
      return '@authenticated';
    case 'scopes':
      return `@requiresScopes(${JSON.stringify(requirement.anyOf)})`;
    case 'policies':
      return `@policy(${JSON.stringify(requirement.anyOf)})`;
    default:
      return unreachable(requirement);
  }
}

function unreachable(value: never): never {
  throw new Error(`unreachable: unexpected requirement ${JSON.stringify(value)}`);
}
