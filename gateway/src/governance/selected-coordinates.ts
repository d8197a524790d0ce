import { getNamedType, isObjectType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * The schema coordinates ("Customer.email") an operation selects, on the concrete types it can
 * reach: a field selected on an interface counts for every implementer. Used by the audit log
 * to name the classified fields a response carries.
 */
export function selectedCoordinates(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const coordinates = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        const owners = isObjectType(parent) ? [parent] : schema.getPossibleTypes(parent as Parameters<GraphQLSchema['getPossibleTypes']>[0]);
        for (const owner of owners) coordinates.add(`${getNamedType(owner).name}.${node.name.value}`);
      },
    }),
  );
  return coordinates;
}
