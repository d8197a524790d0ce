import type { Principal } from '../../../shared/principal.js';
import { denialReasons } from '../../src/governance/denial-reasons.js';
import { anonymous, decide, fixture, user } from '../fixtures/authorize.js';

/** The reasons counted for what `principal` is denied in `query`, on the authorization fixture. */
function reasons(query: string, principal: Principal, policies: Record<string, boolean> = {}) {
  const { denied } = decide(query, principal, policies);
  const satisfied = fixture().index.satisfiedSet(principal, new Map(Object.entries(policies)));
  return denialReasons(fixture().index, denied, satisfied.isSatisfied);
}

describe('denialReasons: each denied field once, under the most basic requirement it misses', () => {
  it.each<[string, string, Principal, Record<string, boolean>, { unauthenticated: number; scopes: number; policy: number }]>([
    ['@authenticated, no token', '{ me { name } }', anonymous, {}, { unauthenticated: 1, scopes: 0, policy: 0 }],
    ['@requiresScopes, no token', '{ adminStats { count } }', anonymous, {}, { unauthenticated: 0, scopes: 1, policy: 0 }],
    ['@requiresScopes, a token without the scope', '{ adminStats { count } }', user('ops'), {}, { unauthenticated: 0, scopes: 1, policy: 0 }],
    ['@policy not met', '{ products { sku internalCode } }', user(), {}, { unauthenticated: 0, scopes: 0, policy: 1 }],
    ['a policy on the returned enum', '{ riskLevel }', user(), {}, { unauthenticated: 0, scopes: 0, policy: 1 }],
    ['scopes and @authenticated on one field, no token: the token first', '{ products { reviews { author } } }', anonymous, {}, { unauthenticated: 1, scopes: 0, policy: 0 }],
    ['scopes and @authenticated on one field, a token: the scopes', '{ products { reviews { author } } }', user(), {}, { unauthenticated: 0, scopes: 1, policy: 0 }],
    ['three fields, three reasons', '{ products { id unitCost internalCode } }', anonymous, {}, { unauthenticated: 1, scopes: 1, policy: 1 }],
    ['nothing denied', '{ products { sku } }', anonymous, {}, { unauthenticated: 0, scopes: 0, policy: 0 }],
  ])('%s', (_label, query, principal, policies, expected) => {
    expect(reasons(query, principal, policies)).toEqual(expected);
  });
});
