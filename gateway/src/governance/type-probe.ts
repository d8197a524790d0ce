import { setOwn } from './own-property.js';
import { isAbstractType, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FieldNode, type GraphQLSchema } from 'graphql';

/**
 * Shaping a filtered response needs each object's concrete type wherever fragments on different
 * types share a response key (`... on PublicBlog { title } ... on PrivateBlog { title }`). The
 * filtered operation therefore asks for `__typename` under this alias in every selection set of
 * an abstract type; shaping reads it and removes it, so the caller never sees it.
 */
export const TYPE_PROBE = '__meshgate_type';

const PROBE: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPE_PROBE },
  name: { kind: Kind.NAME, value: '__typename' },
};

/** Adds the probe to every selection set of an interface or union type; `probed` says whether any was added. */
export function addTypeProbes(schema: GraphQLSchema, document: DocumentNode): { document: DocumentNode; probed: boolean } {
  const typeInfo = new TypeInfo(schema);
  let probed = false;
  const result = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node) {
        // The selection set's own type: a field's unwrapped return type, or a fragment's condition.
        const named = typeInfo.getParentType();
        if (!named || !isAbstractType(named)) return undefined;
        if (node.selections.some((s) => s.kind === Kind.FIELD && s.alias?.value === TYPE_PROBE)) return undefined;
        probed = true;
        return { ...node, selections: [...node.selections, PROBE] };
      },
    }),
  );
  return { document: result, probed };
}

/** Removes every probe from a response, in place-free fashion (new objects only where one was found). */
export function stripTypeProbes(value: unknown): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const stripped = stripTypeProbes(item);
      if (stripped !== item) changed = true;
      return stripped;
    });
    return changed ? items : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const [key, child] of Object.entries(object)) {
    if (key === TYPE_PROBE) {
      copy ??= { ...object };
      delete copy[TYPE_PROBE];
      continue;
    }
    const stripped = stripTypeProbes(child);
    if (stripped !== child) {
      copy ??= { ...object };
      setOwn(copy, key, stripped);
    }
  }
  return copy ?? object;
}
