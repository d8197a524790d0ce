import { runCli } from '../../src/cli.js';
import type { ExitCode, Io } from '../../src/command.js';
import { REPO_ROOT } from '../../../shared/paths.js';

export interface CliRun {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

/** Runs one command line in process, capturing its output; `env` replaces the process environment entirely. */
export async function cli(argv: readonly string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    env: options.env ?? {},
    cwd: options.cwd ?? REPO_ROOT,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
