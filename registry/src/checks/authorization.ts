import { getNamedType, isAbstractType, isEnumType, isInterfaceType, isObjectType, isScalarType, type GraphQLNamedType } from 'graphql';
import { describeRequirement, type Requirement } from '../../../gateway/src/governance/requirements.js';
import type { AuthorizationIndex } from '../../../gateway/src/governance/authorization-index.js';
import type { PreparedSupergraph } from '../../../gateway/src/supergraph/security-features.js';
import { result, type CheckResult } from './types.js';

/**
 * Tighter authorization is a breaking change the schema diff cannot see (the inspector rates a
 * directive added at most dangerous, and the API schemas carry none): a caller that could read a
 * coordinate yesterday is refused today. Compares, for every type and field in both supergraphs,
 * the requirements the gateway's own authorization index reads from them.
 *
 * A type's own requirements are reported on the type (they apply to each of its fields and to every
 * field returning it); a field is reported when what it requires is not already explained by its
 * own old requirements plus the (reported) requirements of its parent and return types.
 */
export function authorizationChanges(served: PreparedSupergraph, candidate: PreparedSupergraph): CheckResult[] {
  const results: CheckResult[] = [];
  const before = served.index;
  const after = candidate.index;
  for (const oldType of Object.values(served.apiSchema.getTypeMap())) {
    const newType = candidate.apiSchema.getType(oldType.name);
    if (oldType.name.startsWith('__') || !newType) continue;
    if (isObjectType(oldType) || isInterfaceType(oldType) || isScalarType(oldType) || isEnumType(oldType)) {
      results.push(...compare(oldType.name, `type ${oldType.name}`, own(before, oldType.name), own(after, oldType.name), [], []));
    }
    if (!(isObjectType(oldType) || isInterfaceType(oldType)) || !(isObjectType(newType) || isInterfaceType(newType))) continue;
    const newFields = newType.getFields();
    for (const field of Object.values(oldType.getFields())) {
      const newField = newFields[field.name];
      if (!newField) continue;
      const oldReturn = getNamedType(field.type);
      const newReturn = getNamedType(newField.type);
      results.push(
        ...compare(
          `${oldType.name}.${field.name}`,
          `field ${oldType.name}.${field.name}`,
          effective(before, oldType.name, field.name),
          effective(after, oldType.name, field.name),
          [...own(after, oldType.name), ...returned(after, newReturn)],
          [...own(before, oldType.name), ...returned(before, oldReturn)],
        ),
      );
    }
  }
  return results;
}

/**
 * One coordinate: tightened when something it now requires is not implied by what it required
 * (plus `explainedAfter`, reported elsewhere); loosened, as info, the other way round.
 */
function compare(
  coordinate: string,
  what: string,
  oldRequirements: readonly Requirement[],
  newRequirements: readonly Requirement[],
  explainedAfter: readonly Requirement[],
  explainedBefore: readonly Requirement[],
): CheckResult[] {
  const added = newRequirements.filter((r) => !implies([...oldRequirements, ...explainedAfter], r));
  if (added.length > 0) {
    return [
      result(
        'error',
        'authorization-tightened',
        `${what} now requires ${added.map(describeRequirement).join(' and ')}: callers that could read it before may be refused`,
        [coordinate],
        `before: ${describe(oldRequirements)}; after: ${describe(newRequirements)}`,
      ),
    ];
  }
  const removed = oldRequirements.filter((r) => !implies([...newRequirements, ...explainedBefore], r));
  if (removed.length > 0) {
    return [
      result(
        'info',
        'authorization-tightened',
        `${what} no longer requires ${removed.map(describeRequirement).join(' and ')} (authorization loosened)`,
        [coordinate],
        `before: ${describe(oldRequirements)}; after: ${describe(newRequirements)}`,
      ),
    ];
  }
  return [];
}

function describe(requirements: readonly Requirement[]): string {
  return requirements.length ? requirements.map(describeRequirement).join(' and ') : 'nothing';
}

function own(index: AuthorizationIndex, typeName: string): Requirement[] {
  return index.typeRequirements(typeName).map((id) => index.requirements[id]);
}

function effective(index: AuthorizationIndex, typeName: string, fieldName: string): Requirement[] {
  return index.fieldRequirements(typeName, fieldName).map((id) => index.requirements[id]);
}

/** The index applies a return type's own requirements to the field, unless the type is abstract. */
function returned(index: AuthorizationIndex, type: GraphQLNamedType): Requirement[] {
  return isAbstractType(type) ? [] : own(index, type.name);
}

/** Above this many alternatives the check gives up and calls the requirement new: safe, and never met in practice. */
const MAX_ALTERNATIVES = 1024;

/**
 * Whether every caller that satisfies all of `held` also satisfies `required`. `@requiresScopes`
 * and `@policy` are OR-of-AND lists, and several requirements of a kind AND together, so `held`
 * of one kind becomes one OR of AND-sets; `required` holds for each of those sets when one of its
 * own AND-sets is a subset of it. Scopes imply authentication: an anonymous caller has none.
 */
export function implies(held: readonly Requirement[], required: Requirement): boolean {
  switch (required.kind) {
    case 'authenticated':
      return held.some((r) => r.kind === 'authenticated' || (r.kind === 'scopes' && r.anyOf.length > 0 && r.anyOf.every((all) => all.length > 0)));
    case 'scopes':
    case 'policies': {
      if (required.anyOf.length === 0) return true;
      const alternatives = alternativesOf(held.filter((r) => r.kind === required.kind));
      if (alternatives === undefined) return false;
      return alternatives.every((have) => required.anyOf.some((need) => need.every((item) => have.has(item))));
    }
    default: {
      const unexpected: never = required;
      throw new Error(`unreachable: unknown requirement ${JSON.stringify(unexpected)}`);
    }
  }
}

/** AND of ORs of AND-sets, multiplied out into one OR of AND-sets; undefined past MAX_ALTERNATIVES. */
function alternativesOf(requirements: readonly Requirement[]): Set<string>[] | undefined {
  let alternatives: Set<string>[] = [new Set()];
  for (const requirement of requirements) {
    // An empty list is satisfied by everyone (requirements.ts): it narrows nothing.
    if (requirement.kind === 'authenticated' || requirement.anyOf.length === 0) continue;
    const next: Set<string>[] = [];
    for (const have of alternatives) for (const all of requirement.anyOf) next.push(new Set([...have, ...all]));
    if (next.length > MAX_ALTERNATIVES) return undefined;
    alternatives = next;
  }
  return alternatives;
}
