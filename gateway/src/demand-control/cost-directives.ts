import {
  ArgumentDefinition,
  buildSchemaFromAST,
  COST_VERSIONS,
  costIdentity,
  EnumType,
  FieldDefinition,
  InputFieldDefinition,
  ObjectType,
  ScalarType,
  type Directive,
  type Schema,
} from '@apollo/federation-internals';
import type { DocumentNode } from 'graphql';
import { SupergraphError } from '../supergraph/source.js';

/** A field's `@listSize`, as composed (composition merges the subgraphs' arguments). */
export interface ListSizeAnnotation {
  /** The size to assume when no slicing argument gives one; absent when the directive has none. */
  readonly assumedSize?: number;
  /** Arguments whose value bounds the list's length (the largest applies). */
  readonly slicingArguments: readonly string[];
  /** Child list fields sized by this field's slicing argument (the connection pattern's `edges`). */
  readonly sizedFields: readonly string[];
  /** Whether exactly one slicing argument must be given; read, not enforced (see estimate-cost.ts). */
  readonly requireOneSlicingArgument: boolean;
}

/** The supergraph's demand-control annotations, by schema coordinate. */
export interface CostAnnotations {
  /**
   * `@cost(weight:)` by coordinate: `Type` (object, scalar, enum), `Type.field`,
   * `Type.field(arg:)` and `Input.field`. Negative weights are read as 0.
   */
  readonly weights: ReadonlyMap<string, number>;
  /** `@listSize` by field coordinate, `Type.field`. */
  readonly listSizes: ReadonlyMap<string, ListSizeAnnotation>;
  /** Every name any `@listSize(sizedFields:)` lists: only fields so named can be sized by a parent. */
  readonly sizedFieldNames: ReadonlySet<string>;
}

const SUPPORTED = COST_VERSIONS.versions().map((v) => `cost/${v.toString()}`).join(', ');

/**
 * Reads `@cost` and `@listSize` from a composed supergraph. Composition links the cost spec
 * (`@link(url: "https://specs.apollo.dev/cost/v0.1", import: [...])`) and applies the directives
 * under whatever local names that link gives them (`@cost` un-imported, `@listSize`, a rename such as
 * `@weight`, or `@federation__cost`); the names are resolved through the link by Apollo's own
 * link-spec implementation, never by matching text. A supergraph without the link has no annotations.
 */
export function readCostDirectives(supergraph: DocumentNode): CostAnnotations {
  let schema: Schema;
  try {
    // Not validated here: the planner already built and validated the same supergraph.
    schema = buildSchemaFromAST(supergraph, { validate: false });
  } catch (error) {
    throw new SupergraphError(`The supergraph cannot be read for its cost directives: ${(error as Error).message}`);
  }
  const weights = new Map<string, number>();
  const listSizes = new Map<string, ListSizeAnnotation>();
  const sizedFieldNames = new Set<string>();
  const feature = schema.coreFeatures?.getByIdentity(costIdentity);
  if (!feature) return { weights, listSizes, sizedFieldNames };
  const spec = COST_VERSIONS.find(feature.url.version);
  if (!spec) {
    // Guessing at an unknown version's semantics could under-estimate; refusing it is explicit.
    throw new SupergraphError(`unsupported cost feature ${feature.url.toString()}; Meshgate reads ${SUPPORTED}`);
  }

  for (const application of spec.costDirective(schema)?.applications() ?? []) {
    const coordinate = coordinateOf(application);
    const weight: unknown = application.arguments().weight;
    if (coordinate === undefined) continue;
    if (typeof weight !== 'number' || !Number.isInteger(weight)) {
      throw new SupergraphError(`@${application.name} on ${coordinate}: expected an Int weight, but got ${JSON.stringify(weight)}`);
    }
    // A negative weight would let a client buy headroom by selecting the field many times.
    weights.set(coordinate, Math.max(0, weight));
  }

  for (const application of spec.listSizeDirective(schema)?.applications() ?? []) {
    const coordinate = coordinateOf(application);
    if (coordinate === undefined) continue;
    const args = application.arguments(true);
    const annotation: ListSizeAnnotation = {
      ...(typeof args.assumedSize === 'number' ? { assumedSize: Math.max(0, args.assumedSize) } : {}),
      slicingArguments: stringList(args.slicingArguments),
      sizedFields: stringList(args.sizedFields),
      requireOneSlicingArgument: args.requireOneSlicingArgument !== false,
    };
    listSizes.set(coordinate, annotation);
    for (const name of annotation.sizedFields) sizedFieldNames.add(name);
  }
  return { weights, listSizes, sizedFieldNames };
}

/** The coordinate of the element a directive is applied to; undefined on a directive definition's argument. */
function coordinateOf(application: Directive): string | undefined {
  const parent = application.parent;
  if (parent instanceof ArgumentDefinition) return parent.parent instanceof FieldDefinition ? parent.coordinate : undefined;
  if (
    parent instanceof ObjectType ||
    parent instanceof ScalarType ||
    parent instanceof EnumType ||
    parent instanceof FieldDefinition ||
    parent instanceof InputFieldDefinition
  ) {
    return parent.coordinate;
  }
  // Composition applies the cost spec's directives only at the locations above.
  return undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}
