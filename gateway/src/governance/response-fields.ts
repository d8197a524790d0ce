import {
  Kind,
  isAbstractType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** A response key with the fields it merges and the type condition each was selected under. */
export interface CollectedField {
  readonly nodes: readonly FieldNode[];
  /** The type the first node was selected on (the enclosing fragment's condition, or the parent type). */
  readonly parentTypeName: string;
}

/** The operation's selection context: what shaping needs to walk the original operation. */
export interface OperationContext {
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly schema: GraphQLSchema;
}

export function operationContext(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationContext | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  return operation && { operation, fragments, schema };
}

/**
 * Groups the selections of `selectionSets` by response key, in the order the operation states
 * them (the order GraphQL execution gives the response). With `runtimeTypeName`, fragments whose
 * condition cannot match that type are skipped; without it (no `__typename` in the data), every
 * fragment counts.
 */
export function collectResponseFields(
  context: OperationContext,
  selectionSets: readonly SelectionSetNode[],
  parentTypeName: string,
  runtimeTypeName?: string,
): Map<string, CollectedField> {
  const collected = new Map<string, { nodes: FieldNode[]; parentTypeName: string }>();
  // A fragment spread several times into the same object adds the same fields every time: each is
  // visited once per call, which also stops cycles and keeps this linear in the operation's size.
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode, typeName: string): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const entry = collected.get(key);
        if (entry) entry.nodes.push(selection);
        else collected.set(key, { nodes: [selection], parentTypeName: typeName });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value ?? typeName;
        if (applies(context, condition, runtimeTypeName)) visit(selection.selectionSet, condition);
      } else {
        const fragment = context.fragments.get(selection.name.value);
        if (!fragment || visited.has(selection.name.value)) continue;
        visited.add(selection.name.value);
        const condition = fragment.typeCondition.name.value;
        if (applies(context, condition, runtimeTypeName)) visit(fragment.selectionSet, condition);
      }
    }
  };
  for (const set of selectionSets) visit(set, parentTypeName);
  return collected;
}

function applies(context: OperationContext, condition: string, runtimeTypeName: string | undefined): boolean {
  if (runtimeTypeName === undefined || condition === runtimeTypeName) return true;
  const conditionType = context.schema.getType(condition);
  const runtimeType = context.schema.getType(runtimeTypeName);
  if (!conditionType || !runtimeType || !isAbstractType(conditionType)) return false;
  return context.schema.getPossibleTypes(conditionType).some((type) => type.name === runtimeTypeName);
}

/** The selection sets below a response key (a field may be selected several times). */
export function subSelections(field: CollectedField): SelectionSetNode[] {
  return field.nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}
