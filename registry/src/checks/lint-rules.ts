import {
  Kind,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
} from 'graphql';
import type { Lifecycle } from '../../../shared/dataproduct/descriptor.js';
import type { LintConfig, LintLevel, LintRuleId } from './lint-config.js';
import { result, type CheckResult } from './types.js';

export interface LintInput {
  candidate: DocumentNode;
  /** The candidate's lifecycle (absent = experimental): description rules apply to `active` products. */
  lifecycle: Lifecycle | undefined;
  /**
   * The other subgraphs' SDL: composition keeps one description per type and field whichever
   * subgraph wrote it, so a type another subgraph describes (an entity this one extends) counts as described.
   */
  others: readonly DocumentNode[];
  /**
   * The types the candidate's descriptor lists under `entities`: what it owns. A type with `@key` it
   * does not list is another product's entity it contributes fields to; describing that type (and
   * its key fields) is the owner's job, so the rule does not depend on who was published first.
   */
  ownedEntities?: readonly string[];
  config: LintConfig;
}

const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;
const UPPER_CASE = /^[A-Z][A-Z0-9_]*$/;

/** The configurable schema lint rules over the candidate's own SDL, each as `lint:<id>` at its configured level. */
export function lintSchema({ candidate, lifecycle, others, ownedEntities, config }: LintInput): CheckResult[] {
  const results: CheckResult[] = [];
  const emit = (rule: LintRuleId, message: string, coordinates: string[]) => {
    const level: LintLevel = config[rule];
    if (level !== 'off') results.push(result(level, `lint:${rule}`, message, coordinates));
  };
  const roots = rootTypeNames([candidate, ...others]);
  const types = namedDefinitions(candidate);
  const described = describedCoordinates([candidate, ...others]);
  const foreignKeys = foreignEntityKeys(types, ownedEntities);

  if (lifecycle === 'active') {
    for (const name of new Set(types.map((t) => t.name.value))) {
      if (!roots.has(name) && !described.has(name) && !foreignKeys.has(name)) {
        emit('type-descriptions', `type ${name} has no description; an active data product describes every type ("""…""" above it)`, [name]);
      }
    }
    const undescribed = new Map<string, string[]>();
    for (const type of types) {
      for (const field of fieldsOf(type)) {
        const coordinate = `${type.name.value}.${field.name.value}`;
        if (foreignKeys.get(type.name.value)?.has(field.name.value)) continue;
        if (!described.has(coordinate) && !undescribed.get(type.name.value)?.includes(coordinate)) {
          undescribed.set(type.name.value, [...(undescribed.get(type.name.value) ?? []), coordinate]);
        }
      }
    }
    for (const [type, coordinates] of undescribed) {
      const names = coordinates.map((c) => c.slice(type.length + 1)).join(', ');
      emit('field-descriptions', `${type}: ${coordinates.length === 1 ? 'field' : 'fields'} without a description: ${names}`, coordinates);
    }
  }

  for (const type of types) {
    const typeName = type.name.value;
    if (!PASCAL_CASE.test(typeName)) emit('naming', `type ${typeName}: expected a PascalCase name (e.g. ${pascal(typeName)})`, [typeName]);
    for (const field of fieldsOf(type)) {
      const coordinate = `${typeName}.${field.name.value}`;
      if (!CAMEL_CASE.test(field.name.value)) emit('naming', `field ${coordinate}: expected a camelCase name (e.g. ${camel(field.name.value)})`, [coordinate]);
      deprecation(field.directives, coordinate, emit);
      if (field.kind === Kind.FIELD_DEFINITION) {
        for (const argument of field.arguments ?? []) deprecation(argument.directives, `${coordinate}.${argument.name.value}`, emit);
      }
    }
    if (type.kind === Kind.ENUM_TYPE_DEFINITION || type.kind === Kind.ENUM_TYPE_EXTENSION) {
      for (const value of type.values ?? []) {
        const coordinate = `${typeName}.${value.name.value}`;
        if (!UPPER_CASE.test(value.name.value)) emit('naming', `enum value ${coordinate}: expected an UPPER_CASE name (e.g. ${upper(value.name.value)})`, [coordinate]);
        deprecation(value.directives, coordinate, emit);
      }
    }
  }
  return results;
}

/** Entity types (with `@key`) the candidate does not own, each with the top-level fields of its keys. */
function foreignEntityKeys(types: readonly NamedDefinition[], ownedEntities: readonly string[] | undefined): Map<string, Set<string>> {
  const foreign = new Map<string, Set<string>>();
  if (!ownedEntities) return foreign;
  for (const type of types) {
    if (ownedEntities.includes(type.name.value)) continue;
    for (const directive of type.directives ?? []) {
      if (directive.name.value !== 'key' && directive.name.value !== 'federation__key') continue;
      const fields = directive.arguments?.find((a) => a.name.value === 'fields')?.value;
      const keyFields = foreign.get(type.name.value) ?? new Set<string>();
      // Top-level names only: `org { id } sku` -> org, sku.
      if (fields?.kind === Kind.STRING) for (const name of fields.value.replace(/\{[^}]*\}/g, ' ').split(/\s+/).filter(Boolean)) keyFields.add(name);
      foreign.set(type.name.value, keyFields);
    }
  }
  return foreign;
}

type Emit = (rule: LintRuleId, message: string, coordinates: string[]) => void;

/** `@deprecated` alone says "No longer supported": a consumer learns neither why nor what to use instead. */
function deprecation(directives: readonly ConstDirectiveNode[] | undefined, coordinate: string, emit: Emit): void {
  const deprecated = directives?.find((d) => d.name.value === 'deprecated');
  if (!deprecated) return;
  const reason = deprecated.arguments?.find((a) => a.name.value === 'reason')?.value;
  if (reason?.kind === Kind.STRING && reason.value.trim() !== '') return;
  emit('deprecation-reason', `${coordinate} is @deprecated without a reason; say why and what to use instead: @deprecated(reason: "Use … instead")`, [coordinate]);
}

type NamedDefinition = Extract<DefinitionNode, { name: { value: string }; kind: (typeof TYPE_KINDS)[number] }>;

const TYPE_KINDS = [
  Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION, Kind.INPUT_OBJECT_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION, Kind.ENUM_TYPE_EXTENSION,
  Kind.UNION_TYPE_DEFINITION, Kind.UNION_TYPE_EXTENSION,
  Kind.SCALAR_TYPE_DEFINITION, Kind.SCALAR_TYPE_EXTENSION,
] as const;

/** Types the SDL declares, without federation's own (`_Any`, `_Service`, ...), which a subgraph does not name. */
function namedDefinitions(document: DocumentNode): NamedDefinition[] {
  return document.definitions.filter(
    (d): d is NamedDefinition => (TYPE_KINDS as readonly Kind[]).includes(d.kind) && !(d as NamedDefinition).name.value.startsWith('_'),
  );
}

function fieldsOf(type: NamedDefinition): readonly (FieldDefinitionNode | InputValueDefinitionNode)[] {
  return 'fields' in type ? (type.fields ?? []) : [];
}

/** Types and fields with a description in any of the documents. */
function describedCoordinates(documents: readonly DocumentNode[]): Set<string> {
  const described = new Set<string>();
  for (const document of documents) {
    for (const type of namedDefinitions(document)) {
      if ('description' in type && type.description?.value.trim()) described.add(type.name.value);
      for (const field of fieldsOf(type)) if (field.description?.value.trim()) described.add(`${type.name.value}.${field.name.value}`);
    }
  }
  return described;
}

/** Query, Mutation and Subscription (or what `schema { ... }` names instead) are shared by every subgraph. */
function rootTypeNames(documents: readonly DocumentNode[]): Set<string> {
  const roots = new Set(['Query', 'Mutation', 'Subscription']);
  for (const document of documents) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
        for (const operation of definition.operationTypes ?? []) roots.add(operation.type.name.value);
      }
    }
  }
  return roots;
}

const words = (name: string): string[] => name.split(/[_\s]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
const pascal = (name: string): string => words(name).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');
const camel = (name: string): string => {
  const p = pascal(name);
  return p[0].toLowerCase() + p.slice(1);
};
const upper = (name: string): string => words(name).map((w) => w.toUpperCase()).join('_');
