import { buildSubgraph, FEDERATION_UNNAMED_SUBGRAPH_NAME, printSchema } from '@apollo/federation-internals';
import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
} from 'graphql';

/**
 * The contract of one subgraph SDL as `coordinate -> signature`, so two SDLs compare by what they
 * promise rather than by how they are printed. A kit subgraph answers `_service { sdl }` with
 * `printSchema(buildSubgraph(schema.graphql))` (@apollo/subgraph's buildSubgraphSchema): the
 * federation directive definitions, `_entities`, `_service` and `_Any` are added, comments are
 * gone, and extensions may be printed apart from their type. Both sides therefore go through the
 * same `buildSubgraph` + `printSchema` first (it adds the same federation definitions to the
 * published file), then each definition is split into coordinates. Descriptions are left out: they
 * are documentation, not part of what a query can rely on, and other languages' servers print them
 * differently.
 */
export function contractOf(sdl: string): Map<string, string> {
  const subgraph = buildSubgraph(FEDERATION_UNNAMED_SUBGRAPH_NAME, '', parse(sdl), false);
  const printed = printSchema(subgraph.schema);
  // A type may be printed as a definition plus extensions: its parts (kind, interfaces, directives) are merged as a set.
  const parts = new Map<string, Set<string>>();
  const add: Add = (coordinate, signature) => {
    const seen = parts.get(coordinate) ?? new Set<string>();
    for (const part of signature.split(PART)) if (part !== '') seen.add(part);
    parts.set(coordinate, seen);
  };
  for (const definition of parse(printed, { noLocation: true }).definitions) addDefinition(definition, add);
  return new Map([...parts].map(([coordinate, set]) => [coordinate, [...set].sort().join(' ')]));
}

/** Separates the parts of one signature that may come from different definitions of the same type. */
const PART = '\u0000';

export interface ContractDifference {
  /** Sorted coordinates whose signature differs, or that only one side has. */
  coordinates: string[];
  /** One line per differing coordinate: `Type.field: published "…", running "…"`. */
  details: string[];
}

/** The coordinates where `published` and `running` disagree; empty when the two contracts match. */
export function diffContracts(published: Map<string, string>, running: Map<string, string>): ContractDifference {
  const coordinates = [...new Set([...published.keys(), ...running.keys()])].filter((c) => published.get(c) !== running.get(c)).sort();
  const show = (value: string | undefined) => (value === undefined ? 'absent' : `"${value.length > 120 ? `${value.slice(0, 117)}...` : value}"`);
  return {
    coordinates,
    details: coordinates.map((c) => `${c}: published ${show(published.get(c))}, running ${show(running.get(c))}`),
  };
}

type Add = (coordinate: string, signature: string) => void;

function addDefinition(definition: DefinitionNode, add: Add): void {
  switch (definition.kind) {
    case Kind.SCHEMA_DEFINITION:
    case Kind.SCHEMA_EXTENSION:
      add('schema', [...directives(definition.directives), ...(definition.operationTypes ?? []).map((o) => `${o.operation}:${o.type.name.value}`)].join(PART));
      return;
    case Kind.DIRECTIVE_DEFINITION:
      add(`@${definition.name.value}`, `(${(definition.arguments ?? []).map(inputValue).join(', ')})${definition.repeatable ? ' repeatable' : ''} on ${definition.locations.map((l) => l.value).sort().join('|')}`);
      return;
    case Kind.SCALAR_TYPE_DEFINITION:
    case Kind.SCALAR_TYPE_EXTENSION:
      add(definition.name.value, ['scalar', ...directives(definition.directives)].join(PART));
      return;
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION: {
      const kind = definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION ? 'type' : 'interface';
      const interfaces = (definition.interfaces ?? []).map((i) => i.name.value);
      add(definition.name.value, [kind, ...interfaces.map((i) => `implements ${i}`), ...directives(definition.directives)].join(PART));
      for (const field of definition.fields ?? []) add(`${definition.name.value}.${field.name.value}`, fieldSignature(field));
      return;
    }
    case Kind.UNION_TYPE_DEFINITION:
    case Kind.UNION_TYPE_EXTENSION:
      add(definition.name.value, ['union', ...(definition.types ?? []).map((t) => `member ${t.name.value}`), ...directives(definition.directives)].join(PART));
      return;
    case Kind.ENUM_TYPE_DEFINITION:
    case Kind.ENUM_TYPE_EXTENSION:
      add(definition.name.value, ['enum', ...directives(definition.directives)].join(PART));
      for (const value of definition.values ?? []) add(`${definition.name.value}.${value.name.value}`, ['value', ...directives(value.directives)].join(PART));
      return;
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_EXTENSION:
      add(definition.name.value, ['input', ...directives(definition.directives)].join(PART));
      for (const field of definition.fields ?? []) add(`${definition.name.value}.${field.name.value}`, inputValue(field));
      return;
    default:
      // Executable definitions (operations, fragments) have no place in an SDL; printSchema emits none.
      return;
  }
}

function fieldSignature(field: FieldDefinitionNode): string {
  const args = field.arguments?.length ? `(${field.arguments.map(inputValue).join(', ')})` : '';
  return [`${args}: ${print(field.type)}`, ...directives(field.directives)].join(' ');
}

function inputValue(value: InputValueDefinitionNode): string {
  const fallback = value.defaultValue ? ` = ${print(value.defaultValue)}` : '';
  return [`${value.name.value}: ${print(value.type)}${fallback}`, ...directives(value.directives)].join(' ');
}

/** Applied directives in a stable order: `@key(fields: "id") @key(fields: "sku")` is the same set either way round. */
function directives(nodes: readonly ConstDirectiveNode[] | undefined): string[] {
  return (nodes ?? []).map((d) => print(d)).sort();
}
