import {
  Kind,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isUnionType,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuthorizationIndex } from './authorization-index.js';

/** A selection removed because the caller may not read it. */
export interface DeniedSelection {
  /** Response keys (aliases win) from the root, with "@" for every list level, as the reference router writes them. */
  readonly path: readonly string[];
  /** The schema coordinate of the removed field, as selected: `Type.field`. */
  readonly coordinate: string;
  /** For each position of `path`, whether `null` may stand there; drives null propagation when shaping. */
  readonly nullable: readonly boolean[];
}

export interface AuthorizationResult {
  /** The operation to plan: the original document when nothing was removed, `null` when everything was. */
  readonly document: DocumentNode | null;
  readonly denied: readonly DeniedSelection[];
}

/** Whether the request satisfies the index's requirement with this id. */
export type IsSatisfied = (requirementId: number) => boolean;

interface Walk {
  readonly schema: GraphQLSchema;
  readonly index: AuthorizationIndex;
  readonly isSatisfied: IsSatisfied;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly denied: DeniedSelection[];
  readonly seen: Set<string>;
}

/**
 * Removes every selection the caller may not read, before planning. Fragment spreads are inlined
 * where they are spread, so each spread is judged in its own place; inline fragments keep their
 * type condition, so `... on PublicBlog` is judged by PublicBlog alone. A selection set left empty
 * removes its field too (only the unauthorized fields are reported). Variables no longer used
 * are dropped so the filtered operation still validates.
 *
 * `document` must already be valid against `apiSchema`.
 */
export function authorizeOperation(
  apiSchema: GraphQLSchema,
  index: AuthorizationIndex,
  document: DocumentNode,
  operationName: string | null | undefined,
  isSatisfied: IsSatisfied,
): AuthorizationResult {
  const operation = pickOperation(document, operationName);
  const root = operation && apiSchema.getRootType(operation.operation);
  if (!operation || !root) return { document, denied: [] };

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk: Walk = { schema: apiSchema, index, isSatisfied, fragments, denied: [], seen: new Set() };
  const selections = filterSelections(walk, operation.selectionSet, root, [], [], new Set());
  if (!walk.denied.length) return { document, denied: [] };
  if (!selections.length) return { document: null, denied: walk.denied };

  const filtered: OperationDefinitionNode = { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections } };
  const used = usedVariables(filtered);
  const variableDefinitions = operation.variableDefinitions?.filter((definition) => used.has(definition.variable.name.value));
  return {
    document: { kind: Kind.DOCUMENT, definitions: [{ ...filtered, variableDefinitions }] },
    denied: walk.denied,
  };
}

function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function filterSelections(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
  path: readonly string[],
  nullable: readonly boolean[],
  spreading: ReadonlySet<string>,
): SelectionNode[] {
  const kept: SelectionNode[] = [];
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        // __typename is always allowed; introspection is not changed by authorization.
        if (name.startsWith('__') || isUnionType(parentType)) {
          kept.push(selection);
          break;
        }
        const definition = parentType.getFields()[name];
        if (!definition) {
          kept.push(selection);
          break;
        }
        const key = selection.alias?.value ?? name;
        const fieldPath = [...path, key];
        const fieldNullable = [...nullable, !isNonNullType(definition.type)];
        if (walk.index.fieldRequirements(parentType.name, name).some((id) => !walk.isSatisfied(id))) {
          deny(walk, { path: fieldPath, coordinate: `${parentType.name}.${name}`, nullable: fieldNullable });
          break;
        }
        const returned = getNamedType(definition.type);
        if (!selection.selectionSet || !isCompositeType(returned)) {
          kept.push(selection);
          break;
        }
        const [childPath, childNullable] = listLevels(definition.type, fieldPath, fieldNullable);
        const children = filterSelections(walk, selection.selectionSet, returned, childPath, childNullable, spreading);
        if (children.length) kept.push({ ...selection, selectionSet: { ...selection.selectionSet, selections: children } });
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parentType;
        if (!isCompositeType(type)) break;
        const children = filterSelections(walk, selection.selectionSet, type, path, nullable, spreading);
        if (children.length) kept.push({ ...selection, selectionSet: { ...selection.selectionSet, selections: children } });
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = walk.fragments.get(name);
        // A missing or cyclic fragment fails validation; it cannot be inlined, so it is left out.
        if (!fragment || spreading.has(name)) break;
        const type = walk.schema.getType(fragment.typeCondition.name.value);
        if (!isCompositeType(type)) break;
        const children = filterSelections(walk, fragment.selectionSet, type, path, nullable, new Set([...spreading, name]));
        if (children.length) {
          kept.push({
            kind: Kind.INLINE_FRAGMENT,
            typeCondition: fragment.typeCondition,
            directives: selection.directives,
            selectionSet: { kind: Kind.SELECTION_SET, selections: children },
          });
        }
        break;
      }
      default: {
        const unexpected: never = selection;
        throw new Error(`unreachable: unexpected selection ${JSON.stringify(unexpected)}`);
      }
    }
  }
  return kept;
}

/** Appends "@" (and whether a list item may be null) for each list level of `type`. */
function listLevels(type: GraphQLOutputType, path: string[], nullable: boolean[]): [string[], boolean[]] {
  let current: GraphQLOutputType = isNonNullType(type) ? type.ofType : type;
  while (isListType(current)) {
    const item: GraphQLOutputType = current.ofType;
    path.push('@');
    nullable.push(!isNonNullType(item));
    current = isNonNullType(item) ? item.ofType : item;
  }
  return [path, nullable];
}

function deny(walk: Walk, denied: DeniedSelection): void {
  const key = `${denied.coordinate}\u0000${denied.path.join('\u0000')}`;
  if (walk.seen.has(key)) return;
  walk.seen.add(key);
  walk.denied.push(denied);
}

function usedVariables(operation: OperationDefinitionNode): Set<string> {
  const used = new Set<string>();
  visit(operation.selectionSet, {
    Variable(node) {
      used.add(node.name.value);
    },
  });
  for (const directive of operation.directives ?? []) {
    visit(directive, {
      Variable(node) {
        used.add(node.name.value);
      },
    });
  }
  return used;
}
