import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * What `meshgate` exits with. Scripts and CI tell a refused change (1) from a mistyped command
 * (2) from a registry that could not be asked (3), so a pipeline can retry only the last.
 */
export const ExitCode = {
  Ok: 0,
  /** A check failed; a publish, rollback or removal was refused; an input file is unusable; the registry refused the request (no such version). */
  Failed: 1,
  /** The command line is wrong: unknown command or flag, a missing or malformed argument. */
  Usage: 2,
  /** The registry could not be reached, refused the token, or answered with an error. */
  Registry: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a command reads its environment and writes its output; tests pass their own. */
export interface Io {
  /** Writes to standard output as given (the caller ends lines). */
  out(text: string): void;
  /** Writes to standard error as given. */
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths are resolved against. */
  cwd: string;
  /** The registry client's fetch; default the global one. */
  fetch?: typeof fetch;
}

export interface Command {
  name: string;
  /** The whole `--help` text. */
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: readonly string[], io: Io): Promise<ExitCode>;
}

/** A command as `meshgate --help` lists it; its module is loaded when it runs. */
export interface CommandEntry {
  name: string;
  /** One line, for `meshgate --help`. */
  summary: string;
  load(): Promise<Command>;
}

/** A command-line mistake: printed with a pointer to `--help`, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input the command cannot work with (a missing file, an invalid folder): printed, exit 1. */
export class InputError extends Error {
  override name = 'InputError';
}

/** A registry failure already phrased for the user (which URL, which scope): printed, exit 3. */
export class RegistryAccessError extends Error {
  override name = 'RegistryAccessError';
}

/**
 * Parses a command's arguments strictly (an unknown flag or a value missing after a flag is a
 * usage error, named by node:util's own message), with `-h/--help` added to every command.
 */
export function parseCommandArgs<const O extends OptionsConfig>(command: string, argv: readonly string[], options: O) {
  try {
    return parseArgs({
      args: [...argv],
      // Spelled as the intersection so parseArgs infers each flag's value type from O's literals.
      options: { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** Exactly `names.length` positionals, or a usage error saying which one is missing or extra. */
export function positionals(command: string, given: readonly string[], names: readonly string[]): string[] {
  if (given.length < names.length) {
    throw new UsageError(`${command}: expected ${names.map((n) => `<${n}>`).join(' ')}, got ${given.length === 0 ? 'nothing' : given.join(' ')}`);
  }
  if (given.length > names.length) {
    const extra = given.slice(names.length);
    throw new UsageError(`${command}: expected only ${names.map((n) => `<${n}>`).join(' ') || 'flags'}, got the extra argument${extra.length > 1 ? 's' : ''} ${extra.join(' ')}`);
  }
  return [...given];
}

/** A flag's value as a whole number in [min, max], or a usage error naming the flag. */
export function integerFlag(command: string, flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const parsed = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `between ${min} and ${max}`;
    throw new UsageError(`${command}: --${flag} expects a whole number ${range}, got "${value}"`);
  }
  return parsed;
}

/** Writes a value as indented JSON, the `--json` output of every command. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** `--url` as given when it is an http(s) URL; anything else is a usage error naming the flag. */
export function urlFlag(command: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isHttpUrl(value)) {
    throw new UsageError(`${command}: --url expects an http(s) URL such as http://127.0.0.1:4004/graphql, got "${value}"`);
  }
  return value;
}
