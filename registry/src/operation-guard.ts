import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_OPERATION_LIMITS, firstViolation, limitError, measureOperation, type OperationLimits } from '../../gateway/src/limits/operation-limits.js';
import type { GraphQLParams } from '../../shared/http/graphql-params.js';

/**
 * The registry's API is small and its answers can be large (every SDL of every version): an
 * authenticated caller must not multiply them with hundreds of aliases. Its operations are bounded
 * by the gateway's own limits (measured without expanding fragments) and a token budget, before
 * Apollo Server parses and validates them. The SDL a publish carries is one string token whatever its size.
 */
const REGISTRY_LIMITS: OperationLimits = { ...DEFAULT_OPERATION_LIMITS, maxAliases: 10, maxRootFields: 10 };
const MAX_TOKENS = 2000;

/** Throws the gateway's 400 limit error when the operation is over a limit; leaves syntax errors to Apollo Server. */
export function guardOperation(params: GraphQLParams): void {
  if (typeof params.query !== 'string') return;
  let document: DocumentNode;
  try {
    document = parse(params.query, { maxTokens: MAX_TOKENS, noLocation: true });
  } catch {
    // Apollo Server reports the syntax error; a document over the token budget fails there too, as it parses with the same bound.
    return;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = params.operationName ? operations.find((o) => o.name?.value === params.operationName) : operations[0];
  if (!operation) return;
  const violation = firstViolation(measureOperation(document, operation), REGISTRY_LIMITS);
  if (violation) throw limitError(violation);
}

/** Apollo Server's own parse bound, so a document over the budget is refused there as well. */
export const REGISTRY_PARSE_OPTIONS = { maxTokens: MAX_TOKENS };
