import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createAuthenticator } from '../../src/governance/authentication.js';
import { loadAuthenticationConfig } from '../../src/governance/authentication-config.js';
import { parseDuration, parseTokenArgs, UsageError } from '../../src/governance/dev-token.js';
import { REPO_ROOT } from '../../../shared/paths.js';

describe('token command arguments', () => {
  it('reads the documented example', () => {
    expect(parseTokenArgs(['--sub', 'alice', '--scope', 'finance:read support:read', '--roles', 'pii-reader'])).toEqual({
      kind: 'mint',
      input: { subject: 'alice', scopes: ['finance:read', 'support:read'], roles: ['pii-reader'], claims: {}, ttlSeconds: 3600 },
    });
  });

  it('merges repeated and comma-separated roles and scopes, and reads claim values as JSON when they parse', () => {
    const command = parseTokenArgs(['--sub=bob', '--roles', 'a,b', '--roles', 'c', '--scope', 'x', '--scope', 'y z', '--claim', 'tenant=acme', '--claim', 'level=3', '--claim', 'groups=["g1"]', '--ttl', '15m']);
    expect(command).toEqual({
      kind: 'mint',
      input: { subject: 'bob', scopes: ['x', 'y', 'z'], roles: ['a', 'b', 'c'], claims: { tenant: 'acme', level: 3, groups: ['g1'] }, ttlSeconds: 900 },
    });
  });

  it('answers --help whatever else is given', () => {
    expect(parseTokenArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseTokenArgs(['--sub', 'a', '--help'])).toEqual({ kind: 'help' });
  });

  it.each<[string[], string]>([
    [[], '--sub is required'],
    [['--sub', 'a', '--bogus'], "Unknown option '--bogus'"],
    [['--sub'], "Option '--sub <value>' argument missing"],
    [['--sub', 'a', 'stray'], "Unexpected argument 'stray'"],
    [['--sub', 'a', '--claim', 'novalue'], '--claim: expected key=value, got "novalue"'],
    [['--sub', 'a', '--claim', 'exp=1'], '--claim: "exp" is set by --ttl, not by --claim'],
    [['--sub', 'a', '--claim', 'iss=x'], '--claim: "iss" is set by JWT_ISSUER'],
    [['--sub', 'a', '--claim', 'k=1', '--claim', 'k=2'], '--claim: "k" is given twice'],
    [['--sub', 'a', '--ttl', 'soon'], '--ttl: expected a positive duration like 90s, 15m, 1h or 7d, got "soon"'],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseTokenArgs(argv)).toThrow(UsageError);
    expect(() => parseTokenArgs(argv)).toThrow(message);
  });

  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604_800],
  ])('reads the duration %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['0', '0s', '-5m', '1w', '1.5h'])('refuses the duration %s', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
  });
});

describe('npm run token, as a process', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
      cwd: REPO_ROOT,
      // The test runner's NODE_OPTIONS (vm modules) and JWT_* variables must not leak into the child.
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env },
    });
  const failure = (args: string[], env: Record<string, string> = {}) =>
    run(args, env).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it('prints a development token the default authenticator accepts', async () => {
    const { stdout } = await run(['--sub', 'alice', '--scope', 'finance:read support:read', '--roles', 'pii-reader', '--claim', 'tenant=acme']);
    const auth = createAuthenticator({ ...loadAuthenticationConfig({}), scopeClaims: ['scope', 'roles'] });
    const principal = await auth.authenticate(`Bearer ${stdout.trim()}`);
    expect(principal).toMatchObject({
      subject: 'alice',
      scopes: ['finance:read', 'support:read', 'pii-reader'],
      claims: { iss: 'meshgate-dev', aud: 'meshgate', roles: ['pii-reader'], tenant: 'acme' },
    });
    expect((principal.claims.exp as number) - (principal.claims.iat as number)).toBe(3600);
  });

  it('signs with JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE from the environment', async () => {
    const env = { JWT_SECRET: 'a-team-secret-that-is-long-enough-for-hs256', JWT_ISSUER: 'team-idp', JWT_AUDIENCE: 'team-api' };
    const { stdout } = await run(['--sub', 'carol', '--ttl', '90s'], env);
    const principal = await createAuthenticator(loadAuthenticationConfig(env)).authenticate(`Bearer ${stdout.trim()}`);
    expect(principal).toMatchObject({ subject: 'carol', claims: { iss: 'team-idp', aud: 'team-api' } });
    expect((principal.claims.exp as number) - (principal.claims.iat as number)).toBe(90);
    await expect(createAuthenticator(loadAuthenticationConfig({})).authenticate(`Bearer ${stdout.trim()}`)).rejects.toMatchObject({ status: 401 });
  });

  it('explains itself with --help', async () => {
    const { stdout } = await run(['--help']);
    expect(stdout).toContain('Usage: npm run token -- --sub <subject>');
    expect(stdout).toContain('--roles <a,b>');
  });

  it('exits 2 with a clear message for a bad flag', async () => {
    expect(await failure(['--sub', 'alice', '--scopes', 'x'])).toEqual({ code: 2, stderr: expect.stringContaining("token: Unknown option '--scopes'") });
  });

  it('exits 1 naming the variable when the configuration is wrong', async () => {
    expect(await failure(['--sub', 'alice'], { NODE_ENV: 'production' })).toEqual({ code: 1, stderr: expect.stringContaining('JWT_SECRET: not set while NODE_ENV=production') });
  });
});
