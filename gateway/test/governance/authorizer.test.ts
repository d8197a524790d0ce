import { createHash } from 'node:crypto';
import { parse, print } from 'graphql';
import { createAuthorizer } from '../../src/governance/authorizer.js';
import { anonymous, fixture, user } from '../fixtures/authorize.js';

const QUERY = '{ publicInfo me { name } }';

function satisfied(who: typeof anonymous) {
  return fixture().index.satisfiedSet(who, new Map());
}

describe('createAuthorizer', () => {
  it('returns the identical cached decision for the same operation and satisfied set', () => {
    const authorizer = createAuthorizer(fixture());
    const set = satisfied(anonymous);
    const first = authorizer.authorize(parse(QUERY), 'h1', undefined, set.key, set.isSatisfied);
    const second = authorizer.authorize(parse(QUERY), 'h1', undefined, set.key, () => {
      throw new Error('a cache hit must not decide again');
    });
    expect(second).toBe(first);
    expect(authorizer.size).toBe(1);
  });

  it('prints and hashes the filtered operation', () => {
    const set = satisfied(anonymous);
    const decision = createAuthorizer(fixture()).authorize(parse(QUERY), 'h1', undefined, set.key, set.isSatisfied);
    expect(decision.filtered).toBe(true);
    expect(decision.query).toBe(print(parse('{ publicInfo }')));
    expect(decision.queryHash).toBe(createHash('sha256').update(decision.query!).digest('hex'));
    expect(decision.denied.map((d) => d.path)).toEqual([['me']]);
  });

  it('keeps the client\'s operation and hash when nothing is removed', () => {
    const set = satisfied(user());
    const document = parse(QUERY);
    const decision = createAuthorizer(fixture()).authorize(document, 'h1', undefined, set.key, set.isSatisfied);
    expect(decision).toMatchObject({ document, filtered: false, query: null, queryHash: 'h1', denied: [] });
  });

  it('decides separately for callers with different satisfied sets', () => {
    const authorizer = createAuthorizer(fixture());
    const [anon, known] = [satisfied(anonymous), satisfied(user())];
    expect(anon.key).not.toBe(known.key);
    expect(authorizer.authorize(parse(QUERY), 'h1', undefined, anon.key, anon.isSatisfied).filtered).toBe(true);
    expect(authorizer.authorize(parse(QUERY), 'h1', undefined, known.key, known.isSatisfied).filtered).toBe(false);
    expect(authorizer.size).toBe(2);
  });

  it('evicts the least recently used decision beyond maxEntries', () => {
    const authorizer = createAuthorizer(fixture(), { maxEntries: 2 });
    const set = satisfied(anonymous);
    const a = authorizer.authorize(parse(QUERY), 'a', undefined, set.key, set.isSatisfied);
    authorizer.authorize(parse(QUERY), 'b', undefined, set.key, set.isSatisfied);
    authorizer.authorize(parse(QUERY), 'a', undefined, set.key, set.isSatisfied); // a is now the most recent
    authorizer.authorize(parse(QUERY), 'c', undefined, set.key, set.isSatisfied); // evicts b
    expect(authorizer.size).toBe(2);
    expect(authorizer.authorize(parse(QUERY), 'a', undefined, set.key, set.isSatisfied)).toBe(a);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => createAuthorizer(fixture(), { maxEntries: 0 })).toThrow(/expected a positive integer, but got 0/);
  });
});

describe('satisfiedSet', () => {
  it.each([
    ['anonymous', anonymous, {}],
    ['authenticated', user(), {}],
    ['with scopes', user('admin', 'read:cost'), {}],
    ['with a policy', user(), { internal: true }],
  ])('gives one character per distinct requirement (%s)', (_name, who, policies) => {
    const { index } = fixture();
    const set = index.satisfiedSet(who, new Map(Object.entries(policies)));
    expect(set.key).toMatch(new RegExp(`^[01]{${index.requirements.length}}$`));
    index.requirements.forEach((requirement, id) => {
      const expected =
        requirement.kind === 'authenticated' ? who.authenticated
        : requirement.kind === 'scopes' ? requirement.anyOf.some((all) => all.every((s) => who.scopes.includes(s)))
        : requirement.anyOf.some((all) => all.every((p) => (policies as Record<string, boolean>)[p] === true));
      expect(set.isSatisfied(id)).toBe(expected);
    });
  });
});
