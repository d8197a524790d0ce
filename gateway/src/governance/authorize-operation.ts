import {
  Kind,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isUnionType,
  visit,
  type DocumentNode,
  type FieldNode,
  type InlineFragmentNode,
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

/** Denied selections of one scope (the operation, or one fragment relative to its own root), without duplicates. */
interface DeniedSink {
  readonly list: DeniedSelection[];
  readonly seen: Set<string>;
}

/** A fragment judged once: its filtered body and what it denies, with paths relative to where it is spread. */
interface JudgedFragment {
  readonly definition: FragmentDefinitionNode;
  readonly empty: boolean;
  readonly denied: readonly DeniedSelection[];
}

interface Walk {
  readonly schema: GraphQLSchema;
  readonly index: AuthorizationIndex;
  readonly isSatisfied: IsSatisfied;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Fragments judged so far; `null` while one is being judged (a cycle) or when it cannot be (invalid). */
  readonly judged: Map<string, JudgedFragment | null>;
}

/**
 * Removes every selection the caller may not read, before planning. Each named fragment is
 * judged ONCE, on its own type condition (so `...Pub` on PublicBlog is judged by PublicBlog
 * alone, wherever it is spread); every spread then reports the fragment's denied paths under its
 * own position and keeps pointing at the filtered definition. Nothing is ever copied into each
 * spread, so the work and the filtered document stay linear in the size of the operation, even
 * for fragments that spread each other exponentially often. Inline fragments keep their type
 * condition. A selection set left empty removes its field too (only the unauthorized fields are
 * reported). Variables and fragments no longer used are dropped so the filtered operation still validates.
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
  const walk: Walk = { schema: apiSchema, index, isSatisfied, fragments, judged: new Map() };
  const sink = newSink();
  const selections = filterSelections(walk, operation.selectionSet, root, [], [], sink);
  if (!sink.list.length) return { document, denied: [] };
  if (!selections.length) return { document: null, denied: sink.list };

  const filtered: OperationDefinitionNode = { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections } };
  const usedFragments = reachableFragments(walk, filtered);
  const used = usedVariables([filtered, ...usedFragments]);
  const variableDefinitions = operation.variableDefinitions?.filter((definition) => used.has(definition.variable.name.value));
  return {
    document: { kind: Kind.DOCUMENT, definitions: [{ ...filtered, variableDefinitions }, ...usedFragments] },
    denied: sink.list,
  };
}

function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function newSink(): DeniedSink {
  return { list: [], seen: new Set() };
}

function filterSelections(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
  path: readonly string[],
  nullable: readonly boolean[],
  sink: DeniedSink,
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
          deny(sink, { path: fieldPath, coordinate: `${parentType.name}.${name}`, nullable: fieldNullable });
          break;
        }
        const returned = getNamedType(definition.type);
        if (!selection.selectionSet || !isCompositeType(returned)) {
          kept.push(selection);
          break;
        }
        const [childPath, childNullable] = listLevels(definition.type, fieldPath, fieldNullable);
        const children = filterSelections(walk, selection.selectionSet, returned, childPath, childNullable, sink);
        if (children.length) kept.push(withSelections(selection, selection.selectionSet, children));
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parentType;
        if (!isCompositeType(type)) break;
        const children = filterSelections(walk, selection.selectionSet, type, path, nullable, sink);
        if (children.length) kept.push(withSelections(selection, selection.selectionSet, children));
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const judged = judgeFragment(walk, selection.name.value);
        // A missing or cyclic fragment fails validation; it cannot be judged, so it is left out.
        if (!judged) break;
        for (const denied of judged.denied) {
          deny(sink, { path: [...path, ...denied.path], coordinate: denied.coordinate, nullable: [...nullable, ...denied.nullable] });
        }
        if (!judged.empty) kept.push(selection);
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

/** The selection with these children; the very same node when nothing below it changed (cached documents stay shared). */
function withSelections<T extends FieldNode | InlineFragmentNode>(selection: T, set: SelectionSetNode, children: SelectionNode[]): T {
  const unchanged = children.length === set.selections.length && children.every((child, i) => child === set.selections[i]);
  return unchanged ? selection : { ...selection, selectionSet: { ...set, selections: children } };
}

/** Judges a named fragment on its own type condition, once per operation; paths are relative to the spread. */
function judgeFragment(walk: Walk, name: string): JudgedFragment | null {
  const known = walk.judged.get(name);
  if (known !== undefined) return known;
  walk.judged.set(name, null);
  const fragment = walk.fragments.get(name);
  const type = fragment && walk.schema.getType(fragment.typeCondition.name.value);
  if (!fragment || !isCompositeType(type)) return null;
  const sink = newSink();
  const selections = filterSelections(walk, fragment.selectionSet, type, [], [], sink);
  const judged: JudgedFragment = {
    definition: sink.list.length ? { ...fragment, selectionSet: { ...fragment.selectionSet, selections } } : fragment,
    empty: selections.length === 0,
    denied: sink.list,
  };
  walk.judged.set(name, judged);
  return judged;
}

/** The filtered definitions of the fragments the filtered operation still spreads, each once. */
function reachableFragments(walk: Walk, operation: OperationDefinitionNode): FragmentDefinitionNode[] {
  const reached = new Map<string, FragmentDefinitionNode>();
  const pending: SelectionSetNode[] = [operation.selectionSet];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const name = node.name.value;
        const judged = walk.judged.get(name);
        if (!judged || reached.has(name)) return;
        reached.set(name, judged.definition);
        pending.push(judged.definition.selectionSet);
      },
    });
  }
  return [...reached.values()];
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

function deny(sink: DeniedSink, denied: DeniedSelection): void {
  const key = `${denied.coordinate}\u0000${denied.path.join('\u0000')}`;
  if (sink.seen.has(key)) return;
  sink.seen.add(key);
  sink.list.push(denied);
}

/** Variables used by these definitions' selections and directives (not by the variable definitions themselves). */
function usedVariables(definitions: readonly (OperationDefinitionNode | FragmentDefinitionNode)[]): Set<string> {
  const used = new Set<string>();
  const collect = { Variable: (node: { name: { value: string } }) => void used.add(node.name.value) };
  for (const definition of definitions) {
    visit(definition.selectionSet, collect);
    for (const directive of definition.directives ?? []) visit(directive, collect);
  }
  return used;
}
