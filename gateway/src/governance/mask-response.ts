import { getNamedType, isCompositeType, isInterfaceType, isObjectType, type SelectionSetNode } from 'graphql';
import { setOwn } from './own-property.js';
import { collectResponseFields, subSelections, type OperationContext } from './response-fields.js';

/**
 * Rewrites the returned value of a classified field (`coordinate` is `Type.field`, with the
 * object's concrete type when the data carries `__typename`). Returning `undefined` keeps the value.
 */
export type FieldMask = (coordinate: string, value: unknown) => unknown | undefined;

type ResponseData = Record<string, unknown>;

/**
 * Applies `mask` to every returned, non-null field value the original operation selected.
 * Copy-on-write: objects without a masked value below them are returned as they are.
 */
export function maskResponse(
  context: OperationContext,
  data: ResponseData,
  mask: FieldMask,
  coordinates: ReadonlySet<string> | undefined,
): ResponseData {
  const root = context.schema.getRootType(context.operation.operation);
  if (!root) return data;
  const walk = (value: unknown, selectionSets: readonly SelectionSetNode[], typeName: string): unknown => {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((element, i) => {
        const masked = walk(element, selectionSets, typeName);
        if (masked !== element) (copy ??= [...value])[i] = masked;
      });
      return copy ?? value;
    }
    if (typeof value !== 'object' || value === null) return value;
    const object = value as ResponseData;
    const runtimeType = typeof object.__typename === 'string' ? object.__typename : undefined;
    const fields = collectResponseFields(context, selectionSets, runtimeType ?? typeName, runtimeType);
    let copy: ResponseData | undefined;
    for (const [key, field] of fields) {
      const current = Object.hasOwn(object, key) ? object[key] : undefined;
      const name = field.nodes[0]!.name.value;
      if (current === null || current === undefined || name.startsWith('__')) continue;
      const owner = context.schema.getType(field.parentTypeName);
      const definition = owner && (isObjectType(owner) || isInterfaceType(owner)) ? owner.getFields()[name] : undefined;
      if (!definition) continue;
      const coordinate = `${runtimeType ?? field.parentTypeName}.${name}`;
      let next: unknown = current;
      const masked = !coordinates || coordinates.has(coordinate) ? mask(coordinate, current) : undefined;
      if (masked !== undefined) next = masked;
      else {
        const returned = getNamedType(definition.type);
        if (isCompositeType(returned)) next = walk(current, subSelections(field), returned.name);
      }
      if (next !== current) setOwn((copy ??= { ...object }), key, next);
    }
    return copy ?? object;
  };
  return walk(data, [context.operation.selectionSet], root.name) as ResponseData;
}
