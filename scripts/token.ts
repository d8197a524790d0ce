/**
 * `npm run token -- --sub alice --scope "finance:read" --roles pii-reader [--ttl 1h] [--claim k=v]`:
 * prints a signed HS256 token the gateway accepts, for curl, GraphiQL and demos. It reads the
 * secret, issuer and audience exactly as the gateway does, so the two cannot disagree.
 */
import { loadAuthenticationConfig } from '../gateway/src/governance/authentication-config.js';
import { mintToken, parseTokenArgs, TOKEN_USAGE, UsageError, type TokenCommand } from '../gateway/src/governance/dev-token.js';
import { main } from '../shared/lifecycle.js';

let command: TokenCommand;
try {
  command = parseTokenArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`token: ${error.message}\nRun with --help for usage.`);
  process.exit(2);
}

main(async () => {
  if (command.kind === 'help') {
    console.log(TOKEN_USAGE);
    return;
  }
  const config = loadAuthenticationConfig(process.env);
  if (config.kind !== 'hs256') {
    throw new Error(
      `The token command signs with a shared secret, but the gateway is configured for ${config.kind === 'jwks' ? 'JWT_JWKS_URL' : 'JWT_JWKS_FILE'}; ` +
        'get a token from that identity provider, or unset the variable to use JWT_SECRET or the development secret',
    );
  }
  const { input } = command;
  const token = await mintToken({ ...input, secret: config.secret, issuer: config.issuer, audience: config.audience });
  process.stdout.write(`${token}\n`);
  // On stderr, so `$(npm run -s token ...)` captures only the token.
  const scopes = Array.isArray(input.scopes) && input.scopes.length > 0 ? input.scopes.join(' ') : '(none)';
  console.error(`Token for "${input.subject}", scopes ${scopes}, valid for ${input.ttlSeconds} s (iss "${config.issuer}", aud "${config.audience}")`);
});
