import type { DocumentNode, GraphQLFormattedError, GraphQLSchema, SelectionSetNode } from 'graphql';
import { setOwn } from './own-property.js';
import { stripTypeProbes, TYPE_PROBE } from './type-probe.js';
import { ErrorCode } from '../../../shared/errors.js';
import type { DeniedSelection } from './authorize-operation.js';
import { maskResponse, type FieldMask } from './mask-response.js';
import { collectResponseFields, operationContext, subSelections, type OperationContext } from './response-fields.js';

/** Where the paths of removed selections are reported (the reference router's `errors.response`). */
export type AuthorizationErrorsMode = 'errors' | 'extensions' | 'disabled';

export interface ShapeOptions {
  /** Where denied paths go: GraphQL `errors`, `extensions.authorizationErrors`, or nowhere. Default "errors". */
  readonly errors?: AuthorizationErrorsMode;
  /** Rewrites returned values of classified fields; `undefined` keeps the value. Default: no masking. */
  readonly mask?: FieldMask;
  /** The executed document carried type probes (see type-probe.ts) to remove. Default false. */
  readonly typeProbes?: boolean;
  /** Only these coordinates are offered to `mask`. Default: every field. */
  readonly maskCoordinates?: ReadonlySet<string>;
}

export type ResponseData = Record<string, unknown>;

export interface ShapedResponse {
  readonly data: ResponseData | null;
  /** One error per denied path (errors mode); the caller appends execution's own errors. */
  readonly errors?: GraphQLFormattedError[];
  readonly extensions?: { readonly authorizationErrors: GraphQLFormattedError[] };
}

const MESSAGE = 'Unauthorized field or type';

/** The error the reference router gives for one removed path. */
export function unauthorizedError(denied: DeniedSelection): GraphQLFormattedError {
  return { message: MESSAGE, path: [...denied.path], extensions: { code: ErrorCode.UnauthorizedFieldOrType } };
}

/** `rejectUnauthorized`: the whole operation is refused before planning, every failing path listed. */
export function rejectionResponse(denied: readonly DeniedSelection[]): ShapedResponse {
  return { data: null, errors: denied.map(unauthorizedError) };
}

/**
 * `dryRun`: the ORIGINAL operation runs unchanged and its response is left alone; the paths that
 * would have been removed go to `extensions.authorizationDryRun` (the reference router returns them
 * in the response too) and the caller logs them. Errors are not used, so clients see no failure.
 */
export function dryRunReport(denied: readonly DeniedSelection[]): { readonly authorizationDryRun: GraphQLFormattedError[] } | undefined {
  return denied.length ? { authorizationDryRun: denied.map(unauthorizedError) } : undefined;
}

/**
 * Gives the response the shape of the ORIGINAL operation from the data of the FILTERED one: `null`
 * at every denied path ("@" = every list element), GraphQL null propagation for non-null
 * positions, response keys in the original order. Only objects on a denied path are rebuilt.
 */
export function shapeResponse(
  originalDocument: DocumentNode,
  operationName: string | null | undefined,
  apiSchema: GraphQLSchema,
  data: ResponseData | null | undefined,
  denied: readonly DeniedSelection[],
  options: ShapeOptions = {},
): ShapedResponse {
  const context = operationContext(apiSchema, originalDocument, operationName);
  let shaped: ResponseData | null = data ?? null;
  if (context && shaped && denied.length) {
    const value = shapeObject(context, shaped, buildTrie(denied), [context.operation.selectionSet]);
    shaped = value;
  }
  if (shaped && options.typeProbes) shaped = stripTypeProbes(shaped) as ResponseData;
  if (context && shaped && options.mask) {
    shaped = maskResponse(context, shaped, options.mask, options.maskCoordinates);
  }
  const mode = options.errors ?? 'errors';
  if (!denied.length) return { data: shaped };
  switch (mode) {
    case 'errors':
      return { data: shaped, errors: denied.map(unauthorizedError) };
    case 'extensions':
      return { data: shaped, extensions: { authorizationErrors: denied.map(unauthorizedError) } };
    case 'disabled':
      return { data: shaped };
    default: {
      const unexpected: never = mode;
      throw new Error(`shapeResponse: expected errors to be "errors", "extensions" or "disabled", but got ${String(unexpected)}`);
    }
  }
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  nullable: boolean;
}

function buildTrie(denied: readonly DeniedSelection[]): TrieNode {
  const root: TrieNode = { children: new Map(), nullable: true };
  for (const entry of denied) {
    let node = root;
    entry.path.forEach((segment, position) => {
      let child = node.children.get(segment);
      if (!child) {
        child = { children: new Map(), nullable: entry.nullable[position] ?? true };
        node.children.set(segment, child);
      }
      node = child;
    });
  }
  return root;
}

/** Returns `null` when a non-null position became null, so the caller propagates it. */
function shapeObject(context: OperationContext, object: ResponseData, node: TrieNode, selectionSets: readonly SelectionSetNode[]): ResponseData | null {
  const probe = object[TYPE_PROBE];
  const runtimeType = typeof object.__typename === 'string' ? object.__typename : typeof probe === 'string' ? probe : undefined;
  const fields = collectResponseFields(context, selectionSets, runtimeType ?? '', runtimeType);
  const shaped: ResponseData = {};
  for (const [key, field] of fields) {
    const child = node.children.get(key);
    if (!child) {
      if (Object.hasOwn(object, key)) setOwn(shaped, key, object[key]);
      continue;
    }
    // Absent from the filtered data: removed (itself, or because everything below it was).
    let value: unknown = Object.hasOwn(object, key) && object[key] !== undefined ? object[key] : null;
    if (value !== null && child.children.size) value = shapeValue(context, value, child, subSelections(field));
    if (value === null && !child.nullable) return null;
    setOwn(shaped, key, value);
  }
  // Keys the original operation does not explain are kept rather than silently lost.
  for (const key of Object.keys(object)) if (!Object.hasOwn(shaped, key) && !fields.has(key) && key !== TYPE_PROBE) setOwn(shaped, key, object[key]);
  return shaped;
}

function shapeValue(context: OperationContext, value: unknown, node: TrieNode, selectionSets: readonly SelectionSetNode[]): unknown {
  if (Array.isArray(value)) {
    const item = node.children.get('@');
    if (!item) return value;
    const shaped: unknown[] = [];
    for (const element of value) {
      const result = element === null ? null : shapeValue(context, element, item, selectionSets);
      if (result === null && !item.nullable) return null;
      shaped.push(result);
    }
    return shaped;
  }
  if (typeof value === 'object' && value !== null) return shapeObject(context, value as ResponseData, node, selectionSets);
  return value;
}
