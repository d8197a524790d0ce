import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { Kind, parse, type DocumentNode } from 'graphql';
import { parseDocument } from 'yaml';

/**
 * A domain's `dataproduct.yaml`, as validated by `descriptor-schema.json` (which documents
 * every field). A test keeps the keys and enums of this type and of the schema in step.
 */
export interface DataProductDescriptor {
  apiVersion: 'meshgate.dev/v1';
  kind: 'DataProduct';
  /** The subgraph's name in the supergraph and the registry; also its folder, `subgraphs/<name>/`. */
  name: string;
  domain: string;
  description: string;
  /** Default `experimental` (see LIFECYCLE_ORDER). */
  lifecycle?: Lifecycle;
  /** Where the gateway reaches the subgraph; `meshgate publish` uses it unless `--url` is given. */
  routingUrl?: string;
  owner: { team: string; contact: string; channel: string };
  purpose: string;
  consumers: string[];
  slo: {
    /** Percent per 30 days, 0 < x <= 100. */
    availability: number;
    latencyP99Ms: number;
    /** 0 = read-your-writes. */
    freshnessSeconds: number;
  };
  entities: Array<{
    type: string;
    /** The `fields` of each `@key`; empty for an owned type reachable only through other types. */
    keys: string[];
    description: string;
  }>;
  /** Every field that is not plainly public. */
  classification: Array<{
    /** Schema coordinate `Type.field`. */
    field: string;
    level: 'public' | 'internal' | 'confidential' | 'restricted';
    categories: Array<'pii' | 'financial' | 'commercial' | 'operational'>;
    reason: string;
  }>;
}

/** A data product's lifecycle, in the order it moves; moving backwards weakens a promise. */
export const LIFECYCLE_ORDER = ['experimental', 'active', 'deprecated', 'retired'] as const;
export type Lifecycle = (typeof LIFECYCLE_ORDER)[number];

export type FieldClassification = DataProductDescriptor['classification'][number];
export type ClassificationLevel = FieldClassification['level'];
export type DataCategory = FieldClassification['categories'][number];

export const DESCRIPTOR_SCHEMA_URL = new URL('./descriptor-schema.json', import.meta.url);

/** Where a data product keeps its descriptor: `<folder>/dataproduct.yaml`, next to `schema.graphql`. */
export function descriptorPath(folder: string): string {
  return join(folder, 'dataproduct.yaml');
}

let compiled: ValidateFunction<DataProductDescriptor> | undefined;

/** Compiled on first use, so importing this module costs nothing. */
function validator(): ValidateFunction<DataProductDescriptor> {
  if (!compiled) {
    // allErrors: report every problem at once; verbose: errors carry the failing value and schema.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
    compiled = ajv.compile<DataProductDescriptor>(JSON.parse(readFileSync(DESCRIPTOR_SCHEMA_URL, 'utf8')));
  }
  return compiled;
}

/** A descriptor that is not valid: `problems` lists each as `<json path>: <what was expected>, got <value>`. */
export class DescriptorError extends Error {
  constructor(
    /** The file (or the name a caller gave the text, e.g. the registry's `<subgraph>/dataproduct.yaml`). */
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid data product descriptor ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DescriptorError';
  }
}

/**
 * Reads and validates one `dataproduct.yaml`. Throws a DescriptorError naming the file and listing
 * every problem as `<json path>: <what was expected>, got <value>`.
 */
export async function loadDescriptor(path: string): Promise<DataProductDescriptor> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read data product descriptor ${path}: ${(error as Error).message}`);
  }
  return parseDescriptor(text, path);
}

/**
 * Validates a descriptor's YAML text, wherever it came from (a file, or a publish to the registry);
 * `sourceName` names it in the error. Throws a DescriptorError listing every problem at once.
 */
export function parseDescriptor(text: string, sourceName: string): DataProductDescriptor {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new DescriptorError(sourceName, document.errors.map((e) => `$: expected valid YAML, got ${e.message.replace(/\s+/g, ' ').trim()}`));
  }
  let data: unknown;
  try {
    // The yaml library refuses documents whose aliases would expand past its bound ("billion laughs").
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new DescriptorError(sourceName, [`$: expected YAML without excessive aliases, got ${(error as Error).message}`]);
  }
  const validate = validator();
  if (!validate(data)) {
    throw new DescriptorError(sourceName, (validate.errors ?? []).map((error) => describeSchemaError(error, data)));
  }
  const duplicates = [
    ...duplicatesOf(data.entities.map((e) => e.type), (i) => `$.entities[${i}].type`, 'each type listed once'),
    ...duplicatesOf(data.classification.map((c) => c.field), (i) => `$.classification[${i}].field`, 'each field classified once'),
  ];
  if (duplicates.length > 0) throw new DescriptorError(sourceName, duplicates);
  return data;
}

function duplicatesOf(values: string[], pathOf: (index: number) => string, expected: string): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  values.forEach((value, index) => {
    const seen = first.get(value);
    if (seen === undefined) first.set(value, index);
    else problems.push(`${pathOf(index)}: expected ${expected}, got ${show(value)} again (first at ${pathOf(seen)})`);
  });
  return problems;
}

/** Turns one ajv error into `<json path>: expected …, got …`. */
function describeSchemaError(error: ErrorObject, root: unknown): string {
  const path = jsonPath(error.instancePath, root);
  const got = show(error.data);
  const params = error.params;
  switch (error.keyword) {
    case 'required':
      return `${jsonPath(`${error.instancePath}/${params.missingProperty}`, root)}: expected required key "${params.missingProperty}", got nothing`;
    case 'additionalProperties': {
      const allowed = Object.keys(error.parentSchema?.properties ?? {}).join(', ');
      const key = String(params.additionalProperty);
      return `${jsonPath(`${error.instancePath}/${key}`, root)}: expected only the keys ${allowed} here, got unknown key "${key}"`;
    }
    case 'const':
      return `${path}: expected ${show(params.allowedValue)}, got ${got}`;
    case 'enum':
      return `${path}: expected one of ${(params.allowedValues as unknown[]).map(show).join(', ')}, got ${got}`;
    case 'type': {
      // The usual cause: `channel: #team` is an empty value, because an unquoted # starts a YAML comment.
      const hint = error.data === null ? ' (an empty value; in YAML an unquoted # starts a comment)' : '';
      return `${path}: expected ${TYPE_NAMES[String(params.type)] ?? String(params.type)}, got ${got}${hint}`;
    }
    case 'pattern':
      return `${path}: expected ${error.parentSchema?.description ?? `a string matching /${params.pattern}/`}, got ${got}`;
    case 'minLength':
      return `${path}: expected ${params.limit === 1 ? 'a non-empty string' : `at least ${params.limit} characters`}, got ${got}`;
    case 'minItems':
      return `${path}: expected at least ${params.limit} item${params.limit === 1 ? '' : 's'}, got ${got}`;
    case 'uniqueItems':
      return `${path}: expected no duplicates (items ${params.j} and ${params.i} are equal), got ${got}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${path}: expected a number ${params.comparison} ${params.limit}, got ${got}`;
    default:
      // A keyword this file does not phrase yet: ajv's own wording still says what was expected.
      return `${path}: expected a value that ${error.message ?? `satisfies ${error.keyword}`}, got ${got}`;
  }
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

/** `/classification/0/field` -> `$.classification[0].field`; walks the data to tell list indexes from keys. */
function jsonPath(instancePath: string, root: unknown): string {
  let path = '$';
  let node: unknown = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) path += `[${segment}]`;
    else path += /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Checks a valid descriptor against its subgraph's contract and registration: every classified
 * field exists, every entity exists with each listed `@key`, and `name` is the name under which
 * the subgraph is published under (its folder's name, or the name given to the registry). Returns the problems; empty when consistent.
 */
export function checkDescriptorAgainstSchema(descriptor: DataProductDescriptor, sdl: string, publishedName: string): string[] {
  const problems: string[] = [];
  if (descriptor.name !== publishedName) {
    problems.push(`$.name: expected ${show(publishedName)}, the name this subgraph is published under, got ${show(descriptor.name)}`);
  }
  let document: DocumentNode;
  try {
    document = parse(sdl);
  } catch (error) {
    return [...problems, `schema.graphql: expected valid GraphQL SDL, got ${(error as Error).message}`];
  }
  const types = sdlTypes(document);

  descriptor.entities.forEach((entity, i) => {
    const type = types.get(entity.type);
    if (!type) {
      problems.push(`$.entities[${i}].type: expected a type declared in schema.graphql (type X or extend type X), got ${show(entity.type)}`);
      return;
    }
    entity.keys.forEach((key, k) => {
      if (!type.keys.has(normalizeFieldSet(key))) {
        const has = type.keys.size > 0 ? `it has ${[...type.keys].map((f) => `@key(fields: "${f}")`).join(', ')}` : 'it has no @key';
        problems.push(`$.entities[${i}].keys[${k}]: expected @key(fields: "${key}") on type ${entity.type} in schema.graphql (${has}), got ${show(key)}`);
      }
    });
  });

  descriptor.classification.forEach((classified, i) => {
    const [typeName, fieldName] = classified.field.split('.');
    const type = types.get(typeName);
    if (!type) {
      problems.push(
        `$.classification[${i}].field: expected type ${typeName} to be declared in schema.graphql (type ${typeName} or extend type ${typeName}), got ${show(classified.field)}`,
      );
    } else if (!type.fields.has(fieldName)) {
      problems.push(
        `$.classification[${i}].field: expected a field of ${typeName} in schema.graphql (${[...type.fields].join(', ')}), got ${show(classified.field)}`,
      );
    }
  });
  return problems;
}

interface SdlType {
  fields: Set<string>;
  /** Normalized `fields` of each `@key`. */
  keys: Set<string>;
}

/**
 * Object and interface types with their fields and keys, merged over every `type X` and `extend
 * type X`. Read from the syntax tree: federation directives are not defined in plain SDL, so a
 * schema cannot be built from it without the federation library.
 */
function sdlTypes(document: DocumentNode): Map<string, SdlType> {
  const types = new Map<string, SdlType>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    let type = types.get(definition.name.value);
    if (!type) {
      type = { fields: new Set(), keys: new Set() };
      types.set(definition.name.value, type);
    }
    for (const field of definition.fields ?? []) type.fields.add(field.name.value);
    for (const directive of definition.directives ?? []) {
      // `federation__key` is the name @key has when the schema does not import it.
      if (directive.name.value !== 'key' && directive.name.value !== 'federation__key') continue;
      const fields = directive.arguments?.find((a) => a.name.value === 'fields')?.value;
      if (fields?.kind === Kind.STRING) type.keys.add(normalizeFieldSet(fields.value));
    }
  }
  return types;
}

/** `"id  sku"` and `"org{id}"` compare equal to `"id sku"` and `"org { id }"`. */
function normalizeFieldSet(fields: string): string {
  return fields.replace(/([{}])/g, ' $1 ').trim().split(/\s+/).join(' ');
}

/**
 * The classified fields that need an authorization directive: level confidential or restricted,
 * or personal data (`pii`) at any level. In descriptor order.
 */
export function sensitiveFields(descriptor: DataProductDescriptor): string[] {
  return descriptor.classification
    .filter((c) => c.level === 'confidential' || c.level === 'restricted' || c.categories.includes('pii'))
    .map((c) => c.field);
}

/**
 * Loads the descriptor of the data product in `folder` (throws if it is malformed) and checks it
 * against the folder's schema.graphql and name. Returns the problems; empty when consistent.
 */
export async function checkDataProduct(folder: string, name = basename(folder)): Promise<string[]> {
  const descriptor = await loadDescriptor(descriptorPath(folder));
  const sdl = await readFile(join(folder, 'schema.graphql'), 'utf8');
  return checkDescriptorAgainstSchema(descriptor, sdl, name);
}
