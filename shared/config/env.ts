import { z } from 'zod';

/**
 * Validates environment variables once, at start-up, against a zod object schema whose keys
 * are the variable names. A wrong value stops the process with one line per variable that
 * names it, what was expected and what arrived.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    // An empty variable (`FOO=`) means "not set", as in most twelve-factor tooling.
    const value = env[key];
    input[key] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const got = input[name];
      return `${name}: ${issue.message}${got === undefined ? ' (not set)' : ` (got "${got}")`}`;
    }),
  );
}

/**
 * `parseEnv` for loaders that check more than one variable at a time: the problems go into
 * `problems` instead of being thrown, so the checks across variables still run and every
 * problem is reported in the same start. Returns undefined when a variable was wrong.
 */
export function parseEnvInto<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>, problems: string[]): z.infer<S> | undefined {
  try {
    return parseEnv(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** Small vocabulary of variable types, so every service phrases expectations alike. */
export const envVar = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: 'expected a port number' })
      .int('expected a whole port number')
      .min(0, 'expected a port between 0 and 65535')
      .max(65535, 'expected a port between 0 and 65535')
      .default(fallback),
  positiveInt: (fallback: number) =>
    z.coerce
      .number({ error: 'expected a positive whole number' })
      .int('expected a positive whole number')
      .positive('expected a positive whole number')
      .default(fallback),
  url: (protocols: readonly string[]) =>
    z
      .string()
      .refine((v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      }, `expected a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .transform((v) => v === 'true' || v === '1' || v === 'yes')
      .default(fallback),
  logLevel: () =>
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
};

/**
 * Runs several configuration loaders and reports every problem of every one of them at once:
 * an operator who set two variables wrong sees both in one start, not the second after fixing
 * the first. Errors other than ConfigError are bugs and pass through unchanged.
 */
export function collectConfig<T extends Record<string, () => unknown>>(loaders: T): { [K in keyof T]: ReturnType<T[K]> } {
  const problems: string[] = [];
  const loaded: Record<string, unknown> = {};
  for (const [name, load] of Object.entries(loaders)) {
    try {
      loaded[name] = load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length) throw new ConfigError([...new Set(problems)]);
  return loaded as { [K in keyof T]: ReturnType<T[K]> };
}
