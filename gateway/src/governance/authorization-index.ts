import {
  Kind,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Principal } from '../../../shared/principal.js';
import { SupergraphError } from '../supergraph/source.js';
import type { SecurityFeatureName, SecurityLinks } from '../supergraph/security-links.js';
import {
  isRequirementSatisfied,
  normalizeRequirement,
  requirementKey,
  type PolicyResults,
  type Requirement,
} from './requirements.js';

/** Which of the index's requirements a request satisfies; `key` identifies the set for caches. */
export interface SatisfiedSet {
  /** One character per requirement of the index ("1" satisfied, "0" not), in requirement id order. */
  readonly key: string;
  readonly isSatisfied: (requirementId: number) => boolean;
}

/**
 * The supergraph's authorization rules, built once per supergraph. Requirements are deduplicated
 * and numbered; a selection's rule is the list of requirement ids that must all hold.
 */
export interface AuthorizationIndex {
  /** Distinct requirements; a requirement's id is its position. */
  readonly requirements: readonly Requirement[];
  /** Every policy name the supergraph uses, for the start-up check that each one is decided. */
  readonly policyNames: ReadonlySet<string>;
  /**
   * Requirement ids of `fieldName` selected on `typeName` (the type of the selection set it sits in):
   * the field's own directives, its parent type's, its return type's (unless the return type is
   * abstract: then each selection below is judged on its own type), and, when `typeName` is an
   * interface, every possible implementer's field and type.
   */
  fieldRequirements(typeName: string, fieldName: string): readonly number[];
  /** Requirement ids a type carries itself (object, interface, scalar or enum). */
  typeRequirements(typeName: string): readonly number[];
  satisfiedSet(principal: Principal, policyResults: PolicyResults): SatisfiedSet;
}

const NONE: readonly number[] = Object.freeze([]);

const TYPE_DEFINITIONS = new Set<Kind>([
  Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION,
  Kind.SCALAR_TYPE_DEFINITION, Kind.SCALAR_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION, Kind.ENUM_TYPE_EXTENSION,
]);

/**
 * Reads the composed supergraph's security directives (by their linked local names) and the API
 * schema's shape. Composition already AND-merged requirements across subgraphs and copied
 * implementers' requirements to interfaces; this only reads the result.
 */
export function buildAuthorizationIndex(supergraph: DocumentNode, links: SecurityLinks, apiSchema: GraphQLSchema): AuthorizationIndex {
  const requirements: Requirement[] = [];
  const ids = new Map<string, number>();
  const policyNames = new Set<string>();
  const byDirective = new Map<string, SecurityFeatureName>(
    (Object.entries(links.directives) as [SecurityFeatureName, string][]).map(([feature, name]) => [name, feature]),
  );

  const idsOf = (directives: readonly ConstDirectiveNode[] | undefined, where: string): number[] => {
    const found: number[] = [];
    for (const directive of directives ?? []) {
      const feature = byDirective.get(directive.name.value);
      if (!feature) continue;
      const requirement = normalizeRequirement(readRequirement(feature, directive, where));
      if (requirement.kind === 'policies') requirement.anyOf.forEach((all) => all.forEach((name) => policyNames.add(name)));
      const key = requirementKey(requirement);
      let id = ids.get(key);
      if (id === undefined) {
        id = requirements.length;
        requirements.push(requirement);
        ids.set(key, id);
      }
      found.push(id);
    }
    return found;
  };

  const ownType = new Map<string, number[]>();
  const ownField = new Map<string, number[]>();
  for (const definition of supergraph.definitions) {
    if (!TYPE_DEFINITIONS.has(definition.kind) || !('name' in definition) || !definition.name) continue;
    if (!('directives' in definition)) continue;
    const typeName = definition.name.value;
    append(ownType, typeName, idsOf(definition.directives as readonly ConstDirectiveNode[] | undefined, typeName));
    if ('fields' in definition && definition.fields) {
      for (const field of definition.fields) {
        if (field.kind !== Kind.FIELD_DEFINITION) continue;
        const coordinate = `${typeName}.${field.name.value}`;
        append(ownField, coordinate, idsOf(field.directives, coordinate));
      }
    }
  }

  const effective = new Map<string, readonly number[]>();
  for (const type of Object.values(apiSchema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const implementers = isInterfaceType(type) ? apiSchema.getPossibleTypes(type) : [];
    for (const field of Object.values(type.getFields())) {
      const collected = new Set<number>([...(ownField.get(`${type.name}.${field.name}`) ?? []), ...(ownType.get(type.name) ?? [])]);
      const returned = getNamedType(field.type);
      if (!isAbstractType(returned)) ownType.get(returned.name)?.forEach((id) => collected.add(id));
      for (const implementer of implementers) {
        ownField.get(`${implementer.name}.${field.name}`)?.forEach((id) => collected.add(id));
        ownType.get(implementer.name)?.forEach((id) => collected.add(id));
      }
      if (collected.size) effective.set(`${type.name}.${field.name}`, Object.freeze([...collected].sort((a, b) => a - b)));
    }
  }

  return {
    requirements,
    policyNames,
    fieldRequirements: (typeName, fieldName) => effective.get(`${typeName}.${fieldName}`) ?? NONE,
    typeRequirements: (typeName) => ownType.get(typeName) ?? NONE,
    satisfiedSet(principal, policyResults) {
      const satisfied = requirements.map((requirement) => isRequirementSatisfied(requirement, principal, policyResults));
      return { key: satisfied.map((ok) => (ok ? '1' : '0')).join(''), isSatisfied: (id) => satisfied[id] === true };
    },
  };
}

function append(map: Map<string, number[]>, key: string, values: number[]): void {
  if (!values.length) return;
  const existing = map.get(key);
  if (existing) existing.push(...values);
  else map.set(key, values);
}

function readRequirement(feature: SecurityFeatureName, directive: ConstDirectiveNode, where: string): Requirement {
  switch (feature) {
    case 'authenticated':
      return { kind: 'authenticated' };
    case 'requiresScopes':
      return { kind: 'scopes', anyOf: nestedStrings(directive, 'scopes', where) };
    case 'policy':
      return { kind: 'policies', anyOf: nestedStrings(directive, 'policies', where) };
    default: {
      const unexpected: never = feature;
      throw new Error(`unreachable: unknown security feature ${String(unexpected)}`);
    }
  }
}

function nestedStrings(directive: ConstDirectiveNode, argumentName: string, where: string): string[][] {
  const value = directive.arguments?.find((arg) => arg.name.value === argumentName)?.value;
  const problem = () =>
    new SupergraphError(
      `@${directive.name.value} on ${where}: expected ${argumentName} to be a list of lists of strings, but got ${describe(value)}`,
    );
  if (value?.kind !== Kind.LIST) throw problem();
  return value.values.map((inner) => {
    if (inner.kind !== Kind.LIST) throw problem();
    return inner.values.map((item) => {
      if (item.kind !== Kind.STRING) throw problem();
      return item.value;
    });
  });
}

function describe(value: ConstValueNode | undefined): string {
  return value === undefined ? 'nothing' : value.kind;
}
