import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { GraphQLParams } from '../http/graphql-params.js';

/**
 * Whether a request only reads the subgraph's contract: one query operation selecting
 * `_service { sdl }` and nothing else (`__typename` aside). A subgraph answers it without the
 * gateway's signature, so the registry can compare the running contract with the published one;
 * the SDL is the public contract anyway. Anything more (another field, an alias, an argument, a
 * fragment, a directive, a variable, a second operation, a mutation) is not this, and stays refused.
 */
export function isContractRead(params: GraphQLParams): boolean {
  if (typeof params.query !== 'string') return false;
  let document: DocumentNode;
  try {
    // The contract query is a handful of tokens: anything long is not it, and is not worth parsing here.
    document = parse(params.query, { noLocation: true, maxTokens: 64 });
  } catch {
    return false;
  }
  if (document.definitions.length !== 1) return false;
  const [operation] = document.definitions;
  if (operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return false;
  if (operation.variableDefinitions?.length || operation.directives?.length) return false;
  if (params.operationName && params.operationName !== operation.name?.value) return false;
  const top = plainFields(operation.selectionSet);
  if (!top || top.filter((f) => f.name === '_service').length !== 1 || top.some((f) => f.name !== '_service' && f.name !== '__typename')) return false;
  const service = top.find((f) => f.name === '_service')!;
  const inner = service.selectionSet && plainFields(service.selectionSet);
  return !!inner && inner.some((f) => f.name === 'sdl') && inner.every((f) => f.name === 'sdl' || f.name === '__typename');
}

/** The selections as plain fields (no alias, arguments or directives), or undefined if any is something else. */
function plainFields(selectionSet: SelectionSetNode): { name: string; selectionSet?: SelectionSetNode }[] | undefined {
  const fields: { name: string; selectionSet?: SelectionSetNode }[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.alias || selection.arguments?.length || selection.directives?.length) return undefined;
    fields.push({ name: selection.name.value, selectionSet: selection.selectionSet });
  }
  return fields;
}
