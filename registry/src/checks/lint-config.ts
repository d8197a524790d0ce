import { ConfigError } from '../../../shared/config/env.js';

/**
 * The configurable schema lint rules. Which products a rule applies to is part of the rule
 * (descriptions are demanded of `active` products only); how loud it is, is configuration.
 */
export const LINT_RULES = ['type-descriptions', 'field-descriptions', 'deprecation-reason', 'naming'] as const;
export type LintRuleId = (typeof LINT_RULES)[number];

export const LINT_LEVELS = ['error', 'warning', 'off'] as const;
export type LintLevel = (typeof LINT_LEVELS)[number];

export type LintConfig = Readonly<Record<LintRuleId, LintLevel>>;

export const DEFAULT_LINT_CONFIG: LintConfig = Object.freeze({
  /** Every type of an active product has a description (in some subgraph). */
  'type-descriptions': 'error',
  /** Every field of an active product has a description (in some subgraph). */
  'field-descriptions': 'warning',
  /** `@deprecated` says why and what to use instead. */
  'deprecation-reason': 'error',
  /** Types PascalCase, fields camelCase, enum values UPPER_CASE. */
  naming: 'warning',
});

const VARIABLE = 'REGISTRY_LINT_RULES';

/**
 * `REGISTRY_LINT_RULES="type-descriptions=error,field-descriptions=off"`: each listed rule's level
 * over the defaults (DEFAULT_LINT_CONFIG). Every wrong entry is reported at once, naming the allowed values.
 */
export function loadLintConfig(env: Record<string, string | undefined> = process.env): LintConfig {
  const raw = env[VARIABLE]?.trim();
  const config: Record<LintRuleId, LintLevel> = { ...DEFAULT_LINT_CONFIG };
  if (!raw) return Object.freeze(config);
  const problems: string[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const equals = entry.indexOf('=');
    const rule = (equals < 0 ? entry : entry.slice(0, equals)).trim();
    const level = equals < 0 ? undefined : entry.slice(equals + 1).trim();
    if (!isOneOf(LINT_RULES, rule)) {
      problems.push(`${VARIABLE}: unknown lint rule "${rule}", expected one of ${LINT_RULES.join(', ')} (got "${entry}")`);
    } else if (level === undefined || !isOneOf(LINT_LEVELS, level)) {
      problems.push(`${VARIABLE}: expected ${rule}=${LINT_LEVELS.join('|')}, got ${level === undefined ? 'no level' : `level "${level}"`} (got "${entry}")`);
    } else {
      config[rule] = level;
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
