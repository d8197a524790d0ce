/**
 * The products view: each data product of the serving generation with its descriptor and the
 * types and fields its own subgraph defines or extends. Which subgraph contributes what comes from
 * the supergraph's join directives (`Supergraph.build(sdl).subgraphs()`); how a field looks to a
 * client (type, description, deprecation) from the API schema clients validate against, so an
 * `@inaccessible` field or a federation internal (`_entities`, `federation__*`) is never listed.
 */
import { Supergraph } from '@apollo/federation-internals';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
} from 'graphql';
import type { FieldClassification } from '../../../shared/dataproduct/descriptor.js';
import { ANONYMOUS } from '../../../shared/principal.js';
import { explainCoordinate, explainInPlainWords, type ExplainableSupergraph } from '../governance/explain-access.js';
import type { SubgraphDescriptor } from '../supergraph/source.js';
import type { CatalogField, CatalogProduct, CatalogType } from './types.js';

export interface ProductsInput {
  /** The supergraph the planner serves (join directives intact, SECURITY features stripped). */
  readonly plannerSdl: string;
  /** The authorization index and the API schema of the same supergraph. */
  readonly prepared: ExplainableSupergraph;
  readonly descriptors: readonly SubgraphDescriptor[];
}

const ROOT_ORDER = ['Query', 'Mutation', 'Subscription'];

/** Every product of the supergraph, by name; products without a descriptor are listed with `described: false`. */
export function buildProducts(input: ProductsInput): Omit<CatalogProduct, 'examples'>[] {
  const { apiSchema } = input.prepared;
  const descriptors = new Map(input.descriptors.map((d) => [d.name, d.descriptor]));
  // Classification is the field's product's; a coordinate several products share (an entity key) may be classified by its owner.
  const classifiedAnywhere = new Map<string, FieldClassification>();
  for (const { descriptor } of input.descriptors) for (const entry of descriptor.classification) if (!classifiedAnywhere.has(entry.field)) classifiedAnywhere.set(entry.field, entry);
  const requirementOf = memoize((coordinate: string) => plainRequirement(input.prepared, coordinate));

  const products: Omit<CatalogProduct, 'examples'>[] = [];
  for (const subgraph of Supergraph.build(input.plannerSdl).subgraphs()) {
    const descriptor = descriptors.get(subgraph.name) ?? null;
    const own = new Map((descriptor?.classification ?? []).map((entry) => [entry.field, entry]));
    const classificationOf = (coordinate: string) => own.get(coordinate) ?? classifiedAnywhere.get(coordinate) ?? null;
    const types: CatalogType[] = [];
    for (const subgraphType of subgraph.schema.types()) {
      const served = apiSchema.getType(subgraphType.name);
      if (!served || isIntrospectionType(served) || isSpecifiedScalarType(served)) continue;
      const ownFields = new Set('fields' in subgraphType && typeof subgraphType.fields === 'function' ? subgraphType.fields().map((f) => f.name) : []);
      const type = describeType(served, ownFields, classificationOf, requirementOf);
      // A type with fields of which this subgraph serves none (its Query of only `_entities`) is not its.
      if (type.fields.length === 0 && (isObjectType(served) || isInterfaceType(served) || isInputObjectType(served))) continue;
      types.push(type);
    }
    types.sort(byRootsThenName);
    products.push({ name: subgraph.name, described: descriptor !== null, descriptor, types });
  }
  return products.sort((a, b) => a.name.localeCompare(b.name));
}

function describeType(
  type: GraphQLNamedType,
  ownFields: ReadonlySet<string>,
  classificationOf: (coordinate: string) => FieldClassification | null,
  requirementOf: (coordinate: string) => string | null,
): CatalogType {
  const authorized = isObjectType(type) || isInterfaceType(type);
  const fields: CatalogField[] = [];
  if (authorized || isInputObjectType(type)) {
    for (const field of Object.values<GraphQLField<unknown, unknown> | GraphQLInputField>(type.getFields())) {
      if (!ownFields.has(field.name)) continue;
      const coordinate = `${type.name}.${field.name}`;
      fields.push({
        coordinate,
        name: field.name,
        type: String(field.type),
        description: field.description ?? null,
        deprecated: field.deprecationReason != null,
        deprecationReason: field.deprecationReason ?? null,
        classification: classificationOf(coordinate),
        requirement: authorized ? requirementOf(coordinate) : null,
        authorized,
      });
    }
  }
  return {
    name: type.name,
    kind: kindOf(type),
    description: type.description ?? null,
    fields,
    values: isEnumType(type) ? type.getValues().map((v) => v.name) : [],
  };
}

/** Everything the field asks of a caller, in plain words: what an anonymous caller, holding nothing, lacks. */
export function plainRequirement(prepared: ExplainableSupergraph, coordinate: string): string | null {
  const explained = explainCoordinate(prepared, coordinate, ANONYMOUS);
  return explained.readable ? null : explainInPlainWords(explained);
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return 'OBJECT';
  if (isInterfaceType(type)) return 'INTERFACE';
  if (isUnionType(type)) return 'UNION';
  if (isEnumType(type)) return 'ENUM';
  if (isInputObjectType(type)) return 'INPUT_OBJECT';
  if (isScalarType(type)) return 'SCALAR';
  throw new Error(`unreachable: unknown kind of type ${String(type)}`);
}

function byRootsThenName(a: CatalogType, b: CatalogType): number {
  const rank = (t: CatalogType) => (ROOT_ORDER.includes(t.name) ? ROOT_ORDER.indexOf(t.name) : ROOT_ORDER.length);
  return rank(a) - rank(b) || a.name.localeCompare(b.name);
}

function memoize<V>(compute: (key: string) => V): (key: string) => V {
  const seen = new Map<string, V>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, compute(key));
    return seen.get(key) as V;
  };
}
