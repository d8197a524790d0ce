import { runCli } from './cli.js';

/**
 * The `meshgate` process (cli/bin/meshgate.js imports this): the only CLI file with side effects.
 * It sets the exit code rather than exiting, so output is flushed and `serve` keeps listening.
 */
const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
