import { GraphQLError, getOperationAST, parse, type DocumentNode, type OperationDefinitionNode, type SourceLocation } from 'graphql';
import { LRUCache } from 'lru-cache';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import { scanDocument } from '../limits/nesting-scan.js';
import type { GatewayRequest, Stage } from './stage.js';

export interface ParseOptions {
  /**
   * Most lexical tokens a document may have (OPERATION_MAX_TOKENS). Default 10,000, below Apollo
   * Router's 15,000: graphql-js validates every definition of a document, the operations not selected
   * too, and 15,000 tokens of them cost ~95 ms of validation here, 10,000 ~55 ms (bench/limits-worst-case.ts).
   * The full introspection query has 183 tokens, the documented queries under 100. 0 disables.
   */
  readonly maxTokens: number;
  /**
   * Deepest nesting of `{`, `[` and `(`, checked by a linear scan before parsing (OPERATION_MAX_RECURSION).
   * Default 500, Apollo Router's `parser_max_recursion`: graphql-js's recursive parser overflows Node 20's
   * default stack from about 1,500 nested input objects (2,000 selection sets), within the token limit.
   * 0 disables the scan; a stack overflow while parsing is still answered 400.
   */
  readonly maxRecursion: number;
  /** Parsed documents kept by query text, so steady traffic does not parse every request. Default 1000; 0 disables the cache. */
  readonly cacheSize?: number;
  /**
   * The cache's bound in tokens of the documents it holds: an AST keeps ~240 bytes per token alive,
   * so the default, 200,000, is ~50 MB at most (1000 typical operations of 50–200 tokens). 0 disables the cache.
   */
  readonly cacheMaxTokens?: number;
}

const CACHE_DEFAULTS = { cacheSize: 1000, cacheMaxTokens: 200_000 } as const;

export const DEFAULT_PARSE_OPTIONS: ParseOptions = Object.freeze({ maxTokens: 10_000, maxRecursion: 500, ...CACHE_DEFAULTS });

/** A syntax error as Apollo Server answers it: graphql-js's message with its `locations` beside `extensions`. */
export class GraphQLSyntaxError extends HttpError {
  constructor(
    message: string,
    readonly locations: readonly SourceLocation[],
  ) {
    super(400, ErrorCode.GraphQLParseFailed, message);
    this.name = 'GraphQLSyntaxError';
  }

  override toBody(): string {
    return JSON.stringify({ errors: [{ message: this.message, locations: this.locations, extensions: { code: this.code } }] });
  }
}

/**
 * The parse stage: refuses documents too long or too deeply nested before the parser sees them,
 * parses the rest (once per distinct query text) and selects the operation `operationName` names.
 * Sets `request.document` (frozen, shared by every request with the same text: never mutate it)
 * and `request.operation`.
 */
export function useParse(options: ParseOptions = DEFAULT_PARSE_OPTIONS): Stage {
  const { maxTokens, maxRecursion, cacheSize = CACHE_DEFAULTS.cacheSize, cacheMaxTokens = CACHE_DEFAULTS.cacheMaxTokens } = options;
  // Parsing does not depend on the schema, so the cache needs no supergraph generation in its key.
  const cache =
    cacheSize > 0 && cacheMaxTokens > 0
      ? new LRUCache<string, DocumentNode>({ max: cacheSize, maxSize: cacheMaxTokens, sizeCalculation: (document) => Math.max(1, document.tokenCount ?? 1) })
      : undefined;
  return {
    name: 'parse',
    run(request: GatewayRequest) {
      const query = request.params.query;
      if (typeof query !== 'string' || query === '') {
        throw new HttpError(400, ErrorCode.InvalidGraphQLRequest, 'GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.');
      }
      let document = cache?.get(query);
      if (!document) {
        document = parseDocument(query, maxTokens, maxRecursion, request);
        cache?.set(query, document);
      }
      request.document = document;
      request.operation = selectOperation(document, request.params.operationName);
    },
  };
}

/** Scans, parses and freezes one document, or throws the refusal the client receives. */
export function parseDocument(query: string, maxTokens: number, maxRecursion: number, request?: Pick<GatewayRequest, 'logger'>): DocumentNode {
  if (maxTokens > 0 || maxRecursion > 0) {
    const scan = scanDocument(query, maxTokens);
    switch (scan.kind) {
      case 'too-many-tokens':
        throw new HttpError(400, ErrorCode.MaxTokensLimit, `Operation has more than ${scan.maxTokens} lexical tokens, the limit`, {}, { limit: scan.maxTokens });
      case 'scanned':
        if (maxRecursion > 0 && scan.nesting > maxRecursion) {
          throw new HttpError(
            400,
            ErrorCode.MaxRecursionLimit,
            `Operation nests { [ ( ${scan.nesting} levels deep, exceeding the limit of ${maxRecursion}`,
            {},
            { limit: maxRecursion, measured: scan.nesting },
          );
        }
        break;
      case 'lexical-error':
        // The parser reports the same syntax error with its location (or an earlier one).
        break;
      default:
        assertNever(scan);
    }
  }
  let document: DocumentNode;
  try {
    document = parse(query, maxTokens > 0 ? { maxTokens } : undefined);
  } catch (error) {
    if (error instanceof GraphQLError) throw new GraphQLSyntaxError(error.message, error.locations ?? []);
    if (error instanceof RangeError) {
      // Only reachable with the nesting limit off or set above what the stack holds: say so to the operator.
      request?.logger.warn({ maxRecursion, queryLength: query.length }, 'parser ran out of stack: lower OPERATION_MAX_RECURSION');
      throw new HttpError(
        400,
        ErrorCode.MaxRecursionLimit,
        `Operation is nested too deeply to parse (the parser ran out of stack${maxRecursion > 0 ? ` below the limit of ${maxRecursion}` : ''})`,
        {},
        maxRecursion > 0 ? { limit: maxRecursion } : {},
      );
    }
    throw error;
  }
  return deepFreeze(document);
}

/** The operation to run, with Apollo Server's (graphql-js's) wording when there is none to pick. */
export function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
  const operation = getOperationAST(document, operationName);
  if (operation) return operation;
  let message: string;
  if (operationName != null) message = `Unknown operation named "${operationName}".`;
  else if (document.definitions.some((d) => d.kind === 'OperationDefinition')) message = 'Must provide operation name if query contains multiple operations.';
  else message = 'Must provide an operation.';
  throw new HttpError(400, ErrorCode.OperationResolutionFailure, message);
}

/**
 * Freezes the AST's nodes and arrays (not `loc`, which links every token), iteratively: a cached
 * document is shared by concurrent requests, and a stage that edited it would edit them all.
 */
function deepFreeze(document: DocumentNode): DocumentNode {
  const stack: object[] = [document];
  while (stack.length > 0) {
    const value = stack.pop() as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      if (key === 'loc') continue;
      const child = value[key];
      if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) stack.push(child);
    }
    Object.freeze(value);
  }
  return document;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected scan result: ${JSON.stringify(value)}`);
}
