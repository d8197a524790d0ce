import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { argumentsCost, inputCost, inputFieldCosts, type InputCost } from './argument-cost.js';
import { readCostDirectives, type ListSizeAnnotation } from './cost-directives.js';
import { addCost, clampCount, MAX_COST, multiplyCost } from './saturating.js';

export { MAX_COST } from './saturating.js';

export interface CostEstimatorOptions {
  /** Length assumed for a list field that no `@listSize` sizes (Apollo Router's `list_size`). Meshgate's default: 10 (COST_DEFAULT_LIST_SIZE). */
  readonly defaultListSize: number;
}

export interface CostEstimator {
  /**
   * The operation's estimated cost, an upper bound in Apollo Router's units, saturating at
   * MAX_COST (Number.MAX_SAFE_INTEGER). `operation` is the operation itself (as the parse stage
   * selected it) or its name, chosen as GraphQL does; a document without it costs 0 (the parse
   * stage refuses such a request before this runs).
   */
  estimate(
    document: DocumentNode,
    operation: OperationDefinitionNode | string | null | undefined,
    variables: Readonly<Record<string, unknown>> | null | undefined,
  ): number;
}

/** A schema field, with everything its cost depends on resolved once per supergraph. */
interface FieldCost {
  /** Its `@cost`, else its type's, else 1 for an object, interface or union and 0 for a leaf. */
  readonly weight: number;
  readonly isList: boolean;
  readonly typeName: string;
  readonly listSize: ListSizeAnnotation | undefined;
  /** The child fields its `@listSize(sizedFields:)` sizes (empty without). */
  readonly sizedFields: ReadonlySet<string>;
  /** Default values of its slicing arguments that are whole numbers. */
  readonly slicingDefaults: ReadonlyMap<string, number>;
  readonly argumentCosts: ReadonlyMap<string, InputCost>;
}

/**
 * What a selection set costs, in a form that lets a parent `@listSize(sizedFields:)` resize it.
 * `rest` is everything but the top-level list fields a parent could size; `sizable` holds those,
 * by field name, as their cost at their own size (`normal`) and the cost of one element (`each`).
 * Without sizedFields in the schema `sizable` stays empty and a summary is one number.
 */
interface Summary {
  rest: number;
  readonly sizable: Map<string, { normal: number; each: number }>;
}

/** A parent field's sizedFields and the size they get (undefined: the parent's @listSize gave none). */
interface Sizing {
  readonly fields: ReadonlySet<string>;
  readonly size: number | undefined;
}

const OPERATION_COST = { query: 0, mutation: 10, subscription: 0 } as const;

/**
 * Builds the cost estimator of one supergraph: `supergraph` is its parsed SDL (read for `@cost`
 * and `@listSize`), `apiSchema` the schema clients validate against (read for types, lists and
 * argument defaults). The rules are Apollo Router's static estimate, after the IBM cost spec:
 *
 * - An operation costs its type's base (mutation 10, query and subscription 0) plus its fields.
 * - A field costs `count x (weight + its selections) + its arguments`. The weight is its `@cost`,
 *   else its return type's, else 1 for an object, interface or union and 0 for a scalar or enum;
 *   `__typename` and introspection cost 0, as do fields the schema does not have (not validated yet).
 * - `count` is 1, or for a list field: a parent's slicing size if the parent's `@listSize(sizedFields:)`
 *   names it, else the largest of its slicing arguments (a literal, a variable that holds a whole
 *   number, else the argument's default), else its `assumedSize`, else `defaultListSize`.
 *   `requireOneSlicingArgument` is not enforced: without a value the size falls back as above.
 * - Fragments and inline fragments add every selection they hold, on whichever type they are
 *   (Apollo's sum, which bounds the max over the possible types from above).
 * - A field or fragment excluded by a literal `@skip(if: true)` / `@include(if: false)` costs 0;
 *   one whose condition is a variable counts as included.
 *
 * Each named fragment is summarized once per estimate, however often it is spread, so the work is
 * linear in the document's size; cyclic fragments (invalid, but possibly not yet validated) end
 * where they repeat.
 */
export function createCostEstimator(supergraph: DocumentNode, apiSchema: GraphQLSchema, options: CostEstimatorOptions): CostEstimator {
  const annotations = readCostDirectives(supergraph);
  const inputFields = inputFieldCosts(apiSchema, annotations.weights);
  const fields = fieldCosts(apiSchema, annotations.weights, annotations.listSizes);
  const defaultListSize = clampCount(options.defaultListSize);
  const roots = {
    query: apiSchema.getQueryType()?.name,
    mutation: apiSchema.getMutationType()?.name,
    subscription: apiSchema.getSubscriptionType()?.name,
  };

  return {
    estimate(document, selected, variables) {
      const operation = typeof selected === 'object' && selected !== null ? selected : selectOperation(document, selected);
      const root = operation && roots[operation.operation];
      if (!operation || !root) return 0;
      const vars = variables ?? {};
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
      }
      const summaries = new Map<string, Summary>();

      const summarize = (selectionSet: SelectionSetNode, typeName: string): Summary => {
        const summary: Summary = { rest: 0, sizable: new Map() };
        const typeFields = fields.get(typeName);
        for (const selection of selectionSet.selections) {
          if (excluded(selection.directives)) continue;
          switch (selection.kind) {
            case Kind.FIELD: {
              const field = typeFields?.get(selection.name.value);
              if (field) addField(summary, selection, field);
              break;
            }
            case Kind.INLINE_FRAGMENT:
              merge(summary, summarize(selection.selectionSet, selection.typeCondition?.name.value ?? typeName));
              break;
            case Kind.FRAGMENT_SPREAD: {
              // Summarized beforehand in dependency order; absent only when unknown or on a cycle.
              const spread = summaries.get(selection.name.value);
              if (spread) merge(summary, spread);
              break;
            }
            default: {
              const unreachable: never = selection;
              throw new Error(`Unknown selection kind ${JSON.stringify(unreachable)}`);
            }
          }
        }
        return summary;
      };

      const addField = (summary: Summary, node: FieldNode, field: FieldCost): void => {
        const size = sliceSize(field, node, vars);
        const sizing = field.sizedFields.size ? { fields: field.sizedFields, size } : undefined;
        const selections = node.selectionSet ? costOf(summarize(node.selectionSet, field.typeName), sizing) : 0;
        const each = addCost(field.weight, selections);
        summary.rest = addCost(summary.rest, argumentsCost(node.arguments ?? [], field.argumentCosts, inputFields, vars));
        if (!field.isList) {
          summary.rest = addCost(summary.rest, each);
          return;
        }
        const normal = multiplyCost(size ?? defaultListSize, each);
        if (annotations.sizedFieldNames.has(node.name.value)) {
          const entry = summary.sizable.get(node.name.value) ?? { normal: 0, each: 0 };
          entry.normal = addCost(entry.normal, normal);
          entry.each = addCost(entry.each, each);
          summary.sizable.set(node.name.value, entry);
        } else {
          summary.rest = addCost(summary.rest, normal);
        }
      };

      for (const name of fragmentOrder(operation, fragments)) {
        const fragment = fragments.get(name);
        if (fragment) summaries.set(name, summarize(fragment.selectionSet, fragment.typeCondition.name.value));
      }
      return addCost(OPERATION_COST[operation.operation], costOf(summarize(operation.selectionSet, root), undefined));
    },
  };
}

function costOf(summary: Summary, sizing: Sizing | undefined): number {
  let total = summary.rest;
  for (const [name, { normal, each }] of summary.sizable) {
    const sized = sizing?.size !== undefined && sizing.fields.has(name);
    total = addCost(total, sized ? multiplyCost(sizing.size as number, each) : normal);
  }
  return total;
}

function merge(into: Summary, from: Summary): void {
  into.rest = addCost(into.rest, from.rest);
  for (const [name, { normal, each }] of from.sizable) {
    const entry = into.sizable.get(name);
    if (entry) {
      entry.normal = addCost(entry.normal, normal);
      entry.each = addCost(entry.each, each);
    } else {
      into.sizable.set(name, { normal, each });
    }
  }
}

/** The largest slicing argument's value (as sent, else its default), else `assumedSize`; undefined without either. */
function sliceSize(field: FieldCost, node: FieldNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  const listSize = field.listSize;
  if (!listSize) return undefined;
  let size: number | undefined;
  for (const name of listSize.slicingArguments) {
    const given = node.arguments?.find((argument) => argument.name.value === name)?.value;
    const value = (given && wholeNumber(given, variables)) ?? field.slicingDefaults.get(name);
    if (value !== undefined && (size === undefined || value > size)) size = value;
  }
  return size ?? listSize.assumedSize;
}

function wholeNumber(value: ValueNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  if (value.kind === Kind.INT) return clampCount(Number(value.value));
  if (value.kind !== Kind.VARIABLE || !Object.hasOwn(variables, value.name.value)) return undefined;
  const sent = variables[value.name.value];
  return typeof sent === 'number' && Number.isInteger(sent) ? clampCount(sent) : undefined;
}

/** `@skip(if: true)` or `@include(if: false)` with a literal: certainly not executed. */
function excluded(directives: readonly DirectiveNode[] | undefined): boolean {
  for (const directive of directives ?? []) {
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    if (condition?.kind !== Kind.BOOLEAN) continue;
    if (directive.name.value === 'skip' && condition.value) return true;
    if (directive.name.value === 'include' && !condition.value) return true;
  }
  return false;
}

function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * The fragments the operation reaches, each after every fragment it spreads (a depth-first
 * post-order, walked with an explicit stack so a long chain of fragments cannot exhaust the call
 * stack). A spread back into a fragment still being visited is a cycle and is left out.
 */
function fragmentOrder(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const stack: { name: string; spreads: string[] }[] = [];
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const fragment = fragments.get(name);
    stack.push({ name, spreads: fragment ? spreadsIn(fragment.selectionSet) : [] });
  };
  for (const name of spreadsIn(operation.selectionSet)) {
    visit(name);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = top.spreads.pop();
      if (next === undefined) {
        order.push(top.name);
        stack.pop();
      } else {
        visit(next);
      }
    }
  }
  return order;
}

/** Names of the fragments a selection set spreads, at any depth below it but not through other fragments. */
function spreadsIn(selectionSet: SelectionSetNode): string[] {
  const names: string[] = [];
  const pending = [selectionSet];
  for (let set = pending.pop(); set; set = pending.pop()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) names.push(selection.name.value);
      else if (selection.selectionSet) pending.push(selection.selectionSet);
    }
  }
  return names;
}

function fieldCosts(
  apiSchema: GraphQLSchema,
  weights: ReadonlyMap<string, number>,
  listSizes: ReadonlyMap<string, ListSizeAnnotation>,
): ReadonlyMap<string, ReadonlyMap<string, FieldCost>> {
  const byType = new Map<string, Map<string, FieldCost>>();
  for (const type of Object.values(apiSchema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const costs = new Map<string, FieldCost>();
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const coordinate = `${type.name}.${field.name}`;
      const named = getNamedType(field.type);
      const listSize = listSizes.get(coordinate);
      const slicingDefaults = new Map<string, number>();
      for (const name of listSize?.slicingArguments ?? []) {
        const fallback = field.args.find((arg) => arg.name === name)?.defaultValue;
        if (typeof fallback === 'number' && Number.isInteger(fallback)) slicingDefaults.set(name, clampCount(fallback));
      }
      costs.set(field.name, {
        weight: weights.get(coordinate) ?? weights.get(named.name) ?? (isCompositeType(named) ? 1 : 0),
        isList: isListType(getNullableType(field.type)),
        typeName: named.name,
        listSize,
        sizedFields: new Set(listSize?.sizedFields),
        slicingDefaults,
        argumentCosts: new Map(field.args.map((arg) => [arg.name, inputCost(`${coordinate}(${arg.name}:)`, arg, weights)])),
      });
    }
    byType.set(type.name, costs);
  }
  return byType;
}
