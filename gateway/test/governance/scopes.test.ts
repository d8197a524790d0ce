import { ClaimShapeError, extractScopes, readClaim } from '../../src/governance/scopes.js';
import { VerifiedTokenCache } from '../../src/governance/verified-token-cache.js';
import { ANONYMOUS, type Principal } from '../../../shared/principal.js';

describe('scopes from claims', () => {
  it.each<[string, Record<string, unknown>, string[], string[]]>([
    ['a space-separated string', { scope: 'finance:read  support:read ' }, ['scope'], ['finance:read', 'support:read']],
    ['an array of strings', { scp: ['finance:read', 'support:read'] }, ['scp'], ['finance:read', 'support:read']],
    ['a nested path', { realm_access: { roles: ['pii-reader'] } }, ['realm_access.roles'], ['pii-reader']],
    ['a claim whose own name has dots, before any nesting', { 'https://x.io/roles': ['admin'], https: { x: 'no' } }, ['https://x.io/roles'], ['admin']],
    ['the union of several claims, deduplicated in first-seen order', { scope: 'a b a', roles: ['b', 'c'] }, ['scope', 'roles'], ['a', 'b', 'c']],
    ['a missing claim, which adds nothing', { scope: 'a' }, ['scope', 'roles', 'realm_access.roles'], ['a']],
    ['a path through a non-object, which is missing', { realm_access: 'x' }, ['realm_access.roles'], []],
    ['null, which adds nothing', { scope: null }, ['scope'], []],
    ['an empty string', { scope: '' }, ['scope'], []],
  ])('reads %s', (_name, claims, paths, expected) => {
    expect(extractScopes(claims, paths)).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a number', { scope: 42 }, 'the "scope" claim must be a space-separated string or an array of strings, got a number'],
    ['an object', { scope: { a: 1 } }, 'got an object'],
    ['an array with a non-string member', { roles: ['a', 1] }, 'the "roles" claim must be a space-separated string or an array of strings, got an array with non-string members'],
  ])('refuses %s instead of reading it as "no scopes"', (_name, claims, message) => {
    expect(() => extractScopes(claims, Object.keys(claims))).toThrow(ClaimShapeError);
    expect(() => extractScopes(claims, Object.keys(claims))).toThrow(message);
  });

  it('does not walk into inherited properties', () => {
    expect(readClaim({}, 'constructor.name')).toBeUndefined();
  });
});

describe('verified-token cache', () => {
  const principal = (subject: string): Principal => ({ ...ANONYMOUS, authenticated: true, subject });

  it('serves an entry until just before its expiry, never at or after it', () => {
    const cache = new VerifiedTokenCache(10);
    const alice = principal('alice');
    cache.set('t', alice, 2000, 1000);
    expect(cache.get('t', 1999)).toBe(alice);
    expect(cache.get('t', 2000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the least recently used entry when full', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', principal('a'), 10_000, 0);
    cache.set('b', principal('b'), 10_000, 0);
    expect(cache.get('a', 1)).toBeDefined(); // a is now the most recently used
    cache.set('c', principal('c'), 10_000, 0);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)?.subject).toBe('a');
    expect(cache.get('c', 1)?.subject).toBe('c');
  });

  it('keeps nothing with capacity 0 or an already expired token', () => {
    const off = new VerifiedTokenCache(0);
    off.set('a', principal('a'), 10_000, 0);
    expect(off.get('a', 1)).toBeUndefined();
    const on = new VerifiedTokenCache(5);
    on.set('a', principal('a'), 10_000, 10_000);
    expect(on.size).toBe(0);
  });
});
