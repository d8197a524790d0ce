import { getNamedType, TypeInfo, typeFromAST, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * The schema coordinates an operation uses, as the client sent it (before authorization filters
 * it), on the API schema: `Type.field` for each field on the type it was selected on, `Type` for
 * every type it reaches (parents, field types, fragment conditions, variable and argument input
 * types), `Type.field(arg:)` for each argument given, and `Input.field` for each input field
 * written inline. Introspection fields are not usage. Sorted, without duplicates.
 */
export function usedCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const addType = (type: Parameters<typeof getNamedType>[0] | null | undefined) => {
    const named = type ? getNamedType(type) : undefined;
    if (named && !named.name.startsWith('__')) used.add(named.name);
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        // Introspection (`__typename`, and everything under `__schema`/`__type`) is not usage of the API.
        if (!parent || node.name.value.startsWith('__') || parent.name.startsWith('__')) return;
        used.add(parent.name);
        used.add(`${parent.name}.${node.name.value}`);
        addType(typeInfo.getType());
      },
      Argument(node) {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!field || !parent || field.name.startsWith('__') || parent.name.startsWith('__')) return;
        used.add(`${parent.name}.${field.name}(${node.name.value}:)`);
        addType(typeInfo.getInputType());
      },
      ObjectField(node) {
        const parent = typeInfo.getParentInputType();
        const named = parent ? getNamedType(parent) : undefined;
        if (named) used.add(`${named.name}.${node.name.value}`);
        addType(typeInfo.getInputType());
      },
      VariableDefinition(node) {
        addType(typeFromAST(schema, node.type));
      },
    }),
  );
  return [...used].sort();
}
