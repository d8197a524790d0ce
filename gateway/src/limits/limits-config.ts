import { z } from 'zod';
import { parseEnv } from '../../../shared/config/env.js';
import { DEFAULT_PARSE_OPTIONS, type ParseOptions } from '../pipeline/parse.js';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from './operation-limits.js';

/** The parse stage's options and the operation limits, as the environment sets them. */
export interface OperationLimitsConfig {
  readonly parse: ParseOptions;
  readonly limits: OperationLimits;
}

/** A whole number, 0 or more; 0 turns the limit off (as nginx's `client_max_body_size 0` does). */
const limit = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a whole number, 0 or more (0 disables the limit)' })
    .int('expected a whole number, 0 or more (0 disables the limit)')
    .min(0, 'expected a whole number, 0 or more (0 disables the limit)')
    .default(fallback);

const schema = z.object({
  OPERATION_MAX_TOKENS: limit(DEFAULT_PARSE_OPTIONS.maxTokens),
  OPERATION_MAX_RECURSION: limit(DEFAULT_PARSE_OPTIONS.maxRecursion),
  OPERATION_MAX_DEPTH: limit(DEFAULT_OPERATION_LIMITS.maxDepth),
  OPERATION_MAX_ALIASES: limit(DEFAULT_OPERATION_LIMITS.maxAliases),
  OPERATION_MAX_ROOT_FIELDS: limit(DEFAULT_OPERATION_LIMITS.maxRootFields),
  OPERATION_MAX_DIRECTIVES: limit(DEFAULT_OPERATION_LIMITS.maxDirectives),
  OPERATION_MAX_TOTAL_DIRECTIVES: limit(DEFAULT_OPERATION_LIMITS.maxTotalDirectives),
  OPERATION_MAX_SELECTIONS: limit(DEFAULT_OPERATION_LIMITS.maxSelections),
});

/**
 * Reads the parser's and the operation's limits: OPERATION_MAX_TOKENS, OPERATION_MAX_RECURSION,
 * OPERATION_MAX_DEPTH, OPERATION_MAX_ALIASES, OPERATION_MAX_ROOT_FIELDS, OPERATION_MAX_DIRECTIVES
 * (on one node), OPERATION_MAX_TOTAL_DIRECTIVES (in the operation) and OPERATION_MAX_SELECTIONS, each a whole number where 0 disables that limit (an unset or empty
 * variable keeps the default). Every wrong value is reported at once, naming its variable.
 */
export function loadOperationLimitsConfig(env: Record<string, string | undefined> = process.env): OperationLimitsConfig {
  const parsed = parseEnv(schema, env);
  return {
    parse: { ...DEFAULT_PARSE_OPTIONS, maxTokens: parsed.OPERATION_MAX_TOKENS, maxRecursion: parsed.OPERATION_MAX_RECURSION },
    limits: {
      maxDepth: parsed.OPERATION_MAX_DEPTH,
      maxAliases: parsed.OPERATION_MAX_ALIASES,
      maxRootFields: parsed.OPERATION_MAX_ROOT_FIELDS,
      maxDirectives: parsed.OPERATION_MAX_DIRECTIVES,
      maxTotalDirectives: parsed.OPERATION_MAX_TOTAL_DIRECTIVES,
      maxSelections: parsed.OPERATION_MAX_SELECTIONS,
    },
  };
}
