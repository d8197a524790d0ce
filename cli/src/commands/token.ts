import { loadAuthenticationConfig } from '../../../gateway/src/governance/authentication-config.js';
import { mintToken, parseTokenArgs, UsageError as TokenUsageError } from '../../../gateway/src/governance/dev-token.js';
import { ExitCode, InputError, UsageError, type Command } from '../command.js';

export const token: Command = {
  name: 'token',
  usage: `Usage: meshgate token [options]

Prints a signed HS256 JWT that the gateway and the registry accept (they read the same JWT_*
settings). It signs with JWT_SECRET and writes JWT_ISSUER / JWT_AUDIENCE when they are set,
otherwise the public development secret: for development and CI, never for production.

Options:
  --sub <subject>       the "sub" claim, who the token is for (default $USER, else "developer")
  --scope "<a b>"       space-separated scopes for the "scope" claim; may be repeated
  --roles <a,b>         the "roles" array claim; may be repeated or comma-separated
  --ttl <duration>      lifetime: 90s, 15m, 1h, 7d or plain seconds (default 1h)
  --claim <key=value>   an extra claim; may be repeated (the value is read as JSON when it parses)
  -h, --help            this text

Registry scopes:
  registry:publish:<name>   check and publish subgraph <name>
  registry:read             read the registry (subgraphs, history, supergraph)
  registry:admin            everything: publish any subgraph, --force, rollback, remove

Example:
  export MESHGATE_TOKEN=$(npx meshgate token --sub pricing-ci --scope registry:publish:pricing)
  npx meshgate publish subgraphs/pricing

Exit codes: 0 printed, 1 the JWT settings cannot sign a token, 2 usage error.`,
  async run(argv, io) {
    // The subject defaults here, not in the shared parser (npm run token keeps requiring it):
    // a later --sub overrides this one, as node:util keeps the last value of a flag.
    const subject = io.env.USER?.trim() || 'developer';
    let command: ReturnType<typeof parseTokenArgs>;
    try {
      command = parseTokenArgs(['--sub', subject, ...argv]);
    } catch (error) {
      if (error instanceof TokenUsageError) throw new UsageError(`token: ${error.message}`);
      throw error;
    }
    if (command.kind === 'help') {
      io.out(`${token.usage}\n`);
      return ExitCode.Ok;
    }
    const config = loadAuthenticationConfig({ ...io.env });
    if (config.kind !== 'hs256') {
      throw new InputError(
        `token: this command signs with a shared secret, but the JWT settings use ${config.kind === 'jwks' ? 'JWT_JWKS_URL' : 'JWT_JWKS_FILE'}; ` +
          'get a token from that identity provider, or unset the variable to use JWT_SECRET or the development secret',
      );
    }
    const { input } = command;
    const jwt = await mintToken({ ...input, secret: config.secret, issuer: config.issuer, audience: config.audience });
    io.out(`${jwt}\n`);
    // On stderr, so `$(meshgate token ...)` captures only the token.
    const scopes = Array.isArray(input.scopes) && input.scopes.length > 0 ? input.scopes.join(' ') : '(none)';
    io.err(`Token for "${input.subject}", scopes ${scopes}, valid for ${input.ttlSeconds} s (iss "${config.issuer}", aud "${config.audience}")\n`);
    return ExitCode.Ok;
  },
};
