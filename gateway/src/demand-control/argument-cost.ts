import {
  getNamedType,
  isInputObjectType,
  Kind,
  type ArgumentNode,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { addCost } from './saturating.js';

/** What an argument or an input field costs when a value is given for it. */
export interface InputCost {
  readonly type: GraphQLNamedType;
  /** Its own `@cost`, else its (scalar or enum) type's; undefined when neither has one. */
  readonly weight: number | undefined;
}

/** The cost of every input field of every input object type, by coordinate `Input.field`. */
export function inputFieldCosts(apiSchema: GraphQLSchema, weights: ReadonlyMap<string, number>): ReadonlyMap<string, InputCost> {
  const costs = new Map<string, InputCost>();
  for (const type of Object.values(apiSchema.getTypeMap())) {
    if (!isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      costs.set(`${type.name}.${field.name}`, inputCost(`${type.name}.${field.name}`, field, weights));
    }
  }
  return costs;
}

export function inputCost(coordinate: string, input: GraphQLArgument | GraphQLInputField, weights: ReadonlyMap<string, number>): InputCost {
  const type = getNamedType(input.type);
  return { type, weight: weights.get(coordinate) ?? weights.get(type.name) };
}

type Pending = { readonly literal: ValueNode; readonly cost: InputCost } | { readonly json: unknown; readonly cost: InputCost };

/**
 * What a field's arguments add to its cost, scored as Apollo Router does: a scalar or enum value
 * costs its weight (0 by default), an input object its weight (1 by default) plus its fields, a
 * list its weight (0 by default) plus its elements, `null` and a variable that was not sent 0.
 * A variable is scored by the value sent for it. Walked with an explicit stack, since variables
 * may nest as deep as the request body allows.
 */
export function argumentsCost(
  argumentNodes: readonly ArgumentNode[],
  argumentCosts: ReadonlyMap<string, InputCost>,
  inputFields: ReadonlyMap<string, InputCost>,
  variables: Readonly<Record<string, unknown>>,
): number {
  const pending: Pending[] = [];
  for (const node of argumentNodes) {
    const cost = argumentCosts.get(node.name.value);
    // An argument the field does not define is for validation to refuse; it costs nothing here.
    if (cost) pending.push({ literal: node.value, cost });
  }
  let total = 0;
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { cost } = item;
    if ('literal' in item) {
      const value = item.literal;
      switch (value.kind) {
        case Kind.VARIABLE:
          if (Object.hasOwn(variables, value.name.value)) pending.push({ json: variables[value.name.value], cost });
          break;
        case Kind.NULL:
          break;
        case Kind.LIST:
          total = addCost(total, cost.weight ?? 0);
          for (const element of value.values) pending.push({ literal: element, cost });
          break;
        case Kind.OBJECT:
          if (!isInputObjectType(cost.type)) {
            total = addCost(total, cost.weight ?? 0);
            break;
          }
          total = addCost(total, cost.weight ?? 1);
          for (const field of value.fields) {
            const fieldCost = inputFields.get(`${cost.type.name}.${field.name.value}`);
            if (fieldCost) pending.push({ literal: field.value, cost: fieldCost });
          }
          break;
        case Kind.INT:
        case Kind.FLOAT:
        case Kind.STRING:
        case Kind.BOOLEAN:
        case Kind.ENUM:
          total = addCost(total, cost.weight ?? 0);
          break;
        default: {
          const unreachable: never = value;
          throw new Error(`Unknown value kind ${JSON.stringify(unreachable)}`);
        }
      }
    } else {
      const value = item.json;
      if (value === null || value === undefined) continue;
      if (Array.isArray(value)) {
        total = addCost(total, cost.weight ?? 0);
        for (const element of value) pending.push({ json: element, cost });
      } else if (typeof value === 'object' && isInputObjectType(cost.type)) {
        total = addCost(total, cost.weight ?? 1);
        for (const [name, fieldValue] of Object.entries(value)) {
          const fieldCost = inputFields.get(`${cost.type.name}.${name}`);
          if (fieldCost) pending.push({ json: fieldValue, cost: fieldCost });
        }
      } else {
        total = addCost(total, cost.weight ?? 0);
      }
    }
  }
  return total;
}
