import { readFile } from 'node:fs/promises';
import { GraphQLError, Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';
import { ConfigError } from '../../../shared/config/env.js';

/** The `format` every Apollo persisted query manifest declares (version 1 is the only one). */
export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export type PersistedOperationType = 'query' | 'mutation' | 'subscription';

/** One operation of the manifest, checked against its own body at load. */
export interface PersistedOperation {
  /** What clients send as `extensions.persistedQuery.sha256Hash` (usually the body's SHA-256, hex). */
  readonly id: string;
  readonly name: string;
  readonly type: PersistedOperationType;
  /** The exact text that runs when a client sends the id. */
  readonly body: string;
  /** The body, parsed once here: what start-up planning (and nothing per request) reads. */
  readonly document: DocumentNode;
}

/** A validated manifest: its operations in file order, and the same operations by id. */
export interface PersistedOperationManifest {
  /** Where it was read from, for log lines and messages. */
  readonly source: string;
  readonly operations: readonly PersistedOperation[];
  readonly byId: ReadonlyMap<string, PersistedOperation>;
}

/**
 * Reads and validates a persisted query manifest as `@apollo/generate-persisted-query-manifest`
 * writes it (`{ format, version: 1, operations: [{ id, name, type, body }] }`). Every problem is
 * reported at once in one ConfigError, each naming its place (`operations[3].body: …`), so start-up
 * stops with the whole list rather than the first mistake.
 */
export async function loadPersistedOperationManifest(path: string): Promise<PersistedOperationManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: expected a readable persisted query manifest, got ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: expected a JSON persisted query manifest, got invalid JSON (${(error as Error).message})`]);
  }
  return validatePersistedOperationManifest(json, path);
}

/** Validates an already-parsed manifest; `source` prefixes every problem (a path, or a test's name). */
export function validatePersistedOperationManifest(value: unknown, source: string): PersistedOperationManifest {
  const problems: string[] = [];
  const top = manifestShape.safeParse(value);
  if (!top.success) problems.push(...top.error.issues.map((issue) => `${where(issue.path)}: ${issue.message}`));

  const raw = isRecord(value) && Array.isArray(value.operations) ? (value.operations as unknown[]) : [];
  const operations: PersistedOperation[] = [];
  const firstIndexById = new Map<string, number>();
  raw.forEach((entry, index) => {
    const at = `operations[${index}]`;
    const shape = operationShape.safeParse(entry);
    if (!shape.success) {
      problems.push(...shape.error.issues.map((issue) => `${where([at, ...issue.path])}: ${issue.message}`));
      return;
    }
    const { id, name, type, body } = shape.data;
    const first = firstIndexById.get(id);
    if (first !== undefined) problems.push(`${at}.id: expected a unique id, got ${JSON.stringify(id)} again (first at operations[${first}])`);
    else firstIndexById.set(id, index);
    const checked = checkBody(body, name, type, at);
    if (typeof checked === 'string') problems.push(checked);
    else if (first === undefined) operations.push({ id, name, type, body, document: checked });
  });

  if (problems.length) throw new ConfigError(problems.map((problem) => `${source}: ${problem}`));
  return { source, operations, byId: new Map(operations.map((operation) => [operation.id, operation])) };
}

/** Parses a body and checks it is one named operation (plus fragments) agreeing with `name` and `type`; a string is the problem. */
function checkBody(body: string, name: string, type: PersistedOperationType, at: string): DocumentNode | string {
  let document: DocumentNode;
  try {
    document = parse(body);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const location = error.locations?.[0];
    const position = location ? ` at line ${location.line}, column ${location.column}` : '';
    return `${at}.body: expected a GraphQL operation, got a syntax error${position}: ${error.message}`;
  }
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    else if (definition.kind !== Kind.FRAGMENT_DEFINITION) {
      return `${at}.body: expected only an operation and fragments, got a ${definition.kind}`;
    }
  }
  if (operations.length !== 1) return `${at}.body: expected exactly one operation, got ${operations.length}`;
  const [operation] = operations as [OperationDefinitionNode];
  if (!operation.name) return `${at}.body: expected a named operation, got an anonymous ${operation.operation}`;
  // Both fields are checked so a manifest edited by hand cannot make logs and telemetry lie.
  if (operation.name.value !== name) return `${at}.name: expected ${JSON.stringify(operation.name.value)} (the body's operation), got ${JSON.stringify(name)}`;
  if (operation.operation !== type) return `${at}.type: expected ${JSON.stringify(operation.operation)} (the body's operation), got ${JSON.stringify(type)}`;
  return document;
}

/** A value as a problem quotes it: short, and `nothing` for a missing field. */
function got(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (isRecord(value)) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const nonEmptyString = () =>
  z
    .string({ error: (issue) => `expected a non-empty string, got ${got(issue.input)}` })
    .min(1, { error: () => 'expected a non-empty string, got ""' });

const manifestShape = z.object(
  {
    format: z.literal(MANIFEST_FORMAT, { error: (issue) => `expected ${JSON.stringify(MANIFEST_FORMAT)}, got ${got(issue.input)}` }),
    version: z.literal(1, { error: (issue) => `expected 1 (the only manifest version), got ${got(issue.input)}` }),
    operations: z.array(z.unknown(), { error: (issue) => `expected an array of operations, got ${got(issue.input)}` }),
  },
  { error: (issue) => `expected a JSON object with format, version and operations, got ${got(issue.input)}` },
);

// Unknown fields (e.g. the router's `clientName`) are ignored: one id names one operation here.
const operationShape = z.object(
  {
    id: nonEmptyString(),
    name: nonEmptyString(),
    type: z.enum(['query', 'mutation', 'subscription'], {
      error: (issue) => `expected "query", "mutation" or "subscription", got ${got(issue.input)}`,
    }),
    body: nonEmptyString(),
  },
  { error: (issue) => `expected an object with id, name, type and body, got ${got(issue.input)}` },
);

/** `['operations', 3, 'body']` -> `operations[3].body`; the root is `manifest`. */
function where(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text || 'manifest';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
