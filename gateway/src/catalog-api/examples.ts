/**
 * Example queries per data product, built from the schema rather than written by hand, so they
 * stay valid as contracts change: one per list root field the product serves (a few of its
 * scalar fields, one nested list), and one per entity the product adds fields to (reached through
 * another product's root field: the cross-domain join). Every example takes no variables and runs
 * as it is against /graphql; where a field is restricted it is picked on purpose, so running an
 * example without a token shows what a denial looks like.
 */
import {
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { ANONYMOUS } from '../../../shared/principal.js';
import { explainOperation, requirementInPlainWords, type ExplainableSupergraph } from '../governance/explain-access.js';
import type { CatalogExample, CatalogProduct, CatalogType } from './types.js';

/** Per product: list root fields used, leaf fields per selection, leaves of the nested list. */
const MAX_ROOT_EXAMPLES = 3;
const MAX_ENTITY_EXAMPLES = 2;
const MAX_LEAVES = 5;
const MAX_NESTED_LEAVES = 3;
/** What a slicing argument is set to, so an example returns a few rows. */
const SAMPLE_LIMIT = 3;

type ProductWithoutExamples = Omit<CatalogProduct, 'examples'>;
type AnyField = GraphQLField<unknown, unknown>;

export function buildExamples(product: ProductWithoutExamples, all: readonly ProductWithoutExamples[], prepared: ExplainableSupergraph): CatalogExample[] {
  const { apiSchema } = prepared;
  const owned = ownedFields(product.types);
  const query = apiSchema.getQueryType();
  if (!query) return [];
  const examples: { title: string; query: string }[] = [];
  const operationName = (field: string) => `${pascal(product.name)}${pascal(field)}`;

  // The product's own entry points.
  const ownRoots = Object.values(query.getFields()).filter((f) => owned.has(`Query.${f.name}`) && isListRoot(f));
  for (const root of ownRoots.slice(0, MAX_ROOT_EXAMPLES)) {
    const type = getNamedType(root.type);
    const selection = isObjectType(type) ? selectOwn(type, owned, prepared, true) : [];
    examples.push({
      title: `${product.name}: ${root.name}${selection.length ? ` with ${selection.map(nameOf).join(', ')}` : ''}`,
      query: operation(operationName(root.name), root, selection),
    });
  }

  // Entities the product extends but does not list itself: reached through whoever does.
  const reachedByOwnRoots = new Set(ownRoots.map((r) => getNamedType(r.type).name));
  let entityExamples = 0;
  for (const type of product.types) {
    if (entityExamples >= MAX_ENTITY_EXAMPLES) break;
    const served = apiSchema.getType(type.name);
    if (!isObjectType(served) || type.name === 'Query' || type.name === 'Mutation' || reachedByOwnRoots.has(type.name)) continue;
    const root = Object.values(query.getFields()).find((f) => isListRoot(f) && getNamedType(f.type).name === type.name);
    if (!root) continue;
    const added = selectOwn(served, owned, prepared, true).filter((s) => s.name !== 'id');
    if (added.length === 0) continue;
    const selection = [...(served.getFields().id ? [{ name: 'id', nested: [] }] : []), ...added];
    const through = all.find((p) => p.name !== product.name && p.types.some((t) => t.name === 'Query' && t.fields.some((f) => f.name === root.name)));
    examples.push({
      title: `${product.name}: ${added.map(nameOf).join(', ')} on ${type.name}${through ? `, through ${through.name}'s ${root.name}` : ''}`,
      query: operation(operationName(`${type.name} ${added[0].name}`), root, selection),
    });
    entityExamples += 1;
  }

  return examples.map((example) => ({ ...example, variables: null, requirement: requirementOf(prepared, example.query) }));
}

interface Selected {
  name: string;
  nested: readonly string[];
}
const nameOf = (s: Selected) => s.name;

/**
 * A few fields of `type` that `owned` lists (none deprecated): `id` first, then the first restricted leaf (so the
 * example shows a denial), then the others in schema order; with `nest`, one list field of the
 * product's with a few leaves of its own.
 */
function selectOwn(type: GraphQLObjectType, owned: ReadonlySet<string>, prepared: ExplainableSupergraph, nest: boolean): Selected[] {
  // Deprecated fields are not shown off: an example is what a new client copies.
  const fields = Object.values(type.getFields()).filter((f) => owned.has(`${type.name}.${f.name}`) && !hasRequiredArguments(f) && f.deprecationReason == null);
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
  const restricted = leaves.find((f) => restrictedForAnyone(prepared, `${type.name}.${f.name}`));
  const ordered = [...leaves.filter((f) => f.name === 'id'), ...(restricted && restricted.name !== 'id' ? [restricted] : []), ...leaves.filter((f) => f.name !== 'id' && f !== restricted)];
  const picked: Selected[] = ordered.slice(0, MAX_LEAVES).map((f) => ({ name: f.name, nested: [] }));
  if (nest) {
    const list = fields.find((f) => isListType(unwrapNonNull(f)) && isObjectType(getNamedType(f.type)));
    if (list) {
      const inner = getNamedType(list.type) as GraphQLObjectType;
      const innerLeaves = Object.values(inner.getFields())
        .filter((f) => isLeafType(getNamedType(f.type)) && !hasRequiredArguments(f) && f.deprecationReason == null)
        .slice(0, MAX_NESTED_LEAVES);
      if (innerLeaves.length) picked.push({ name: list.name, nested: innerLeaves.map((f) => f.name) });
    }
  }
  return picked;
}

function operation(name: string, root: AnyField, selection: readonly Selected[]): string {
  const limit = root.args.find((a) => a.name === 'limit' && getNamedType(a.type).name === 'Int');
  const call = `${root.name}${limit ? `(limit: ${SAMPLE_LIMIT})` : ''}`;
  if (selection.length === 0) return `query ${name} {\n  ${call}\n}\n`;
  const lines = selection.map((s) => (s.nested.length ? `    ${s.name} {\n${s.nested.map((n) => `      ${n}\n`).join('')}    }\n` : `    ${s.name}\n`));
  return `query ${name} {\n  ${call} {\n${lines.join('')}  }\n}\n`;
}

/** What an anonymous caller lacks for any field of the example, each requirement once; null when nothing. */
function requirementOf(prepared: ExplainableSupergraph, query: string): string | null {
  const denied = explainOperation(prepared, parse(query), ANONYMOUS);
  const words = [...new Set(denied.flatMap((d) => d.missing.map(requirementInPlainWords)))];
  return words.length ? words.join('; ') : null;
}

/** Whether the field asks for more than its parent type already does (a scope, a policy of its own). */
function restrictedForAnyone(prepared: ExplainableSupergraph, coordinate: string): boolean {
  const [type, field] = coordinate.split('.');
  const parent = new Set(prepared.index.typeRequirements(type));
  return prepared.index.fieldRequirements(type, field).some((id) => !parent.has(id));
}

function isListRoot(field: AnyField): boolean {
  return isListType(unwrapNonNull(field)) && !hasRequiredArguments(field);
}

function hasRequiredArguments(field: AnyField): boolean {
  return field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined);
}

function unwrapNonNull(field: AnyField) {
  return isNonNullType(field.type) ? field.type.ofType : field.type;
}

function ownedFields(types: readonly CatalogType[]): Set<string> {
  return new Set(types.flatMap((t) => t.fields.map((f) => f.coordinate)));
}

/** `customer-service` + `tickets` -> `CustomerServiceTickets`: a valid GraphQL name from any product name. */
function pascal(text: string): string {
  const name = text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z_]/.test(name) ? name : `P${name}`;
}
