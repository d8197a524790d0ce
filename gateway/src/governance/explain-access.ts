/**
 * Access explanation: why a caller may or may not read a schema coordinate or an operation's
 * fields. Pure functions over the authorization index, so the answer is the gateway's own verdict
 * (the same requirement ids, decided by the same `satisfiedSet`), only spelled out: each missing
 * requirement, what of it the caller still lacks, and where it sits.
 */
import {
  Kind,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Principal } from '../../../shared/principal.js';
import type { AuthorizationIndex } from './authorization-index.js';
import { authorizeOperation } from './authorize-operation.js';
import type { PolicyResults } from './requirements.js';

/** One requirement the caller does not meet, reduced to what the caller still lacks. */
export type MissingRequirement =
  | { readonly kind: 'authenticated'; readonly because: string }
  /** OR of AND-sets; each AND-set without the scopes the caller already has. */
  | { readonly kind: 'scopes'; readonly anyOf: readonly (readonly string[])[]; readonly because: string }
  /** OR of AND-sets; each AND-set without the policies decided true for the caller. */
  | { readonly kind: 'policy'; readonly anyOf: readonly (readonly string[])[]; readonly because: string };

export type CoordinateExplanation =
  | { readonly coordinate: string; readonly readable: true }
  | { readonly coordinate: string; readonly readable: false; readonly missing: readonly MissingRequirement[] };

export interface DeniedFieldExplanation {
  /** As the gateway reports it: response keys (aliases win), "@" per list level. */
  readonly path: readonly string[];
  /** `Type.field` as selected. */
  readonly coordinate: string;
  readonly missing: readonly MissingRequirement[];
}

/** What the explanation needs of a prepared supergraph (a `PreparedSupergraph` is one). */
export interface ExplainableSupergraph {
  readonly index: AuthorizationIndex;
  /** To know coordinates and return types; the index only knows requirement ids. */
  readonly apiSchema: GraphQLSchema;
}

const NO_POLICIES: PolicyResults = new Map();

/**
 * Whether `principal` may read `coordinate` (`Type.field`, or `Type` for a type's own
 * requirements), and if not, what is missing. A field is judged as the gateway judges it when
 * selected on `Type`: its own requirements, its parent type's, its returned type's (unless
 * abstract) and, on an interface, every implementer's. An unknown coordinate throws.
 */
export function explainCoordinate(
  supergraph: ExplainableSupergraph,
  coordinate: string,
  principal: Principal,
  policyResults: PolicyResults = NO_POLICIES,
): CoordinateExplanation {
  const { index, apiSchema } = supergraph;
  const [typeName, fieldName, extra] = coordinate.split('.');
  const type = typeName ? apiSchema.getType(typeName) : undefined;
  if (!type || extra !== undefined || fieldName === '') throw unknownCoordinate(coordinate, 'no such type');

  let ids: readonly number[];
  let because: (id: number) => string;
  if (fieldName === undefined) {
    ids = index.typeRequirements(type.name);
    because = () => `type ${type.name}`;
  } else {
    if (!isObjectType(type) && !isInterfaceType(type)) throw unknownCoordinate(coordinate, `${type.name} has no fields`);
    const field = type.getFields()[fieldName];
    if (!field) throw unknownCoordinate(coordinate, `${type.name} has no field ${fieldName}`);
    ids = index.fieldRequirements(type.name, fieldName);
    const returned = getNamedType(field.type);
    // Where a requirement sits, most specific source the index can tell apart first; what is left
    // is the field's own (composition copies implementers' field requirements up to the interface).
    // Implementers come before the interface itself: composition copies their requirements up to it.
    const sources: [Set<number>, string][] = [];
    if (isInterfaceType(type)) {
      for (const implementer of apiSchema.getPossibleTypes(type)) {
        sources.push([new Set(index.typeRequirements(implementer.name)), `type ${implementer.name}`]);
      }
    }
    sources.push([new Set(index.typeRequirements(type.name)), `type ${type.name}`]);
    if (!isAbstractType(returned)) sources.push([new Set(index.typeRequirements(returned.name)), `returned type ${returned.name}`]);
    because = (id) => sources.find(([set]) => set.has(id))?.[1] ?? `field ${coordinate}`;
  }

  const satisfied = index.satisfiedSet(principal, policyResults);
  const missing = ids
    .filter((id) => !satisfied.isSatisfied(id))
    .map((id) => lacking(index, id, principal, policyResults, because(id)))
    .sort(byKindThenPlace);
  return missing.length ? { coordinate, readable: false, missing } : { coordinate, readable: true };
}

/**
 * Every field `document` selects that `principal` cannot read, as the gateway's authorizer
 * decides it (same traversal: fragments judged where spread, aliases in paths, interfaces judged
 * by all implementers, fields below a denied field not visited because the gateway removes the
 * whole field). Empty when everything is readable. The document must be valid against the API
 * schema and name one operation (or `operationName` picks it), or this throws.
 */
export function explainOperation(
  prepared: ExplainableSupergraph,
  document: DocumentNode,
  principal: Principal,
  policyResults: PolicyResults = NO_POLICIES,
  operationName?: string,
): DeniedFieldExplanation[] {
  const errors = validate(prepared.apiSchema, document);
  if (errors.length) throw new Error(`The operation is not valid against the API schema: ${errors.map((e) => e.message).join('; ')}`);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const picked = operationName ? operations.filter((o) => o.name?.value === operationName) : operations;
  if (picked.length !== 1) {
    throw new Error(operationName ? `The document has no operation named "${operationName}"` : 'The document has several operations: name one');
  }
  const satisfied = prepared.index.satisfiedSet(principal, policyResults);
  const { denied } = authorizeOperation(prepared.apiSchema, prepared.index, document, operationName, satisfied.isSatisfied);
  return denied.map(({ path, coordinate }) => {
    const explained = explainCoordinate(prepared, coordinate, principal, policyResults);
    return { path, coordinate, missing: explained.readable ? [] : explained.missing };
  });
}

/** "readable", or each missing requirement in plain words, joined by "; ". */
export function explainInPlainWords(result: CoordinateExplanation | { readonly missing: readonly MissingRequirement[] }): string {
  if ('readable' in result && result.readable) return 'readable';
  const { missing } = result as { missing: readonly MissingRequirement[] };
  return missing.length ? missing.map(requirementInPlainWords).join('; ') : 'readable';
}

/** "needs authentication", "needs the scopes a and b, or the scope c", "needs the policy p". */
export function requirementInPlainWords(requirement: MissingRequirement): string {
  switch (requirement.kind) {
    case 'authenticated':
      return 'needs authentication';
    case 'scopes':
      return `needs ${alternatives(requirement.anyOf, 'scope', 'scopes')}`;
    case 'policy':
      return `needs ${alternatives(requirement.anyOf, 'policy', 'policies')}`;
    default: {
      const unexpected: never = requirement;
      throw new Error(`unreachable: unexpected requirement ${JSON.stringify(unexpected)}`);
    }
  }
}

function lacking(index: AuthorizationIndex, id: number, principal: Principal, policyResults: PolicyResults, because: string): MissingRequirement {
  const requirement = index.requirements[id];
  switch (requirement.kind) {
    case 'authenticated':
      return { kind: 'authenticated', because };
    case 'scopes': {
      const granted = new Set(principal.scopes);
      return { kind: 'scopes', anyOf: minimal(requirement.anyOf.map((all) => all.filter((scope) => !granted.has(scope)))), because };
    }
    case 'policies':
      return { kind: 'policy', anyOf: minimal(requirement.anyOf.map((all) => all.filter((name) => policyResults.get(name) !== true))), because };
    default: {
      const unexpected: never = requirement;
      throw new Error(`unreachable: unexpected requirement ${JSON.stringify(unexpected)}`);
    }
  }
}

/** Drops duplicate alternatives and those that ask for more than another one does. */
function minimal(anyOf: readonly (readonly string[])[]): string[][] {
  const sets = anyOf.map((all) => [...new Set(all)]);
  return sets.filter((all, i) => {
    const mine = new Set(all);
    return !sets.some((other, j) => {
      if (j === i || other.length > all.length || !other.every((x) => mine.has(x))) return false;
      return other.length < all.length || j < i; // strictly smaller, or an earlier duplicate
    });
  });
}

const KIND_ORDER = { authenticated: 0, scopes: 1, policy: 2 } as const;
function byKindThenPlace(a: MissingRequirement, b: MissingRequirement): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.because < b.because ? -1 : a.because > b.because ? 1 : 0);
}

function alternatives(anyOf: readonly (readonly string[])[], one: string, many: string): string {
  return anyOf.map((all) => `the ${all.length === 1 ? one : many} ${listInWords(all)}`).join(', or ');
}

function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function unknownCoordinate(coordinate: string, why: string): Error {
  return new Error(`Unknown coordinate "${coordinate}": ${why}`);
}
