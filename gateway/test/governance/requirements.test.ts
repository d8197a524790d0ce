import { isRequirementSatisfied, normalizeRequirement, requirementKey, type Requirement } from '../../src/governance/requirements.js';
import { anonymous, user } from '../fixtures/authorize.js';

describe('requirements', () => {
  it.each<[string, Requirement, Requirement]>([
    ['sorts alternatives and members', { kind: 'scopes', anyOf: [['b', 'a'], ['c']] }, { kind: 'scopes', anyOf: [['a', 'b'], ['c']] }],
    ['drops duplicate alternatives', { kind: 'policies', anyOf: [['p'], ['p']] }, { kind: 'policies', anyOf: [['p']] }],
  ])('normalizes: %s', (_name, input, expected) => {
    expect(normalizeRequirement(input)).toEqual(expected);
    expect(requirementKey(normalizeRequirement(input))).toBe(requirementKey(expected));
  });

  const either: Requirement = { kind: 'scopes', anyOf: [['a', 'b'], ['c']] };
  it.each<[string, Requirement, typeof anonymous, Record<string, boolean>, boolean]>([
    ['authenticated, anonymous', { kind: 'authenticated' }, anonymous, {}, false],
    ['authenticated, signed in', { kind: 'authenticated' }, user(), {}, true],
    ['(a AND b) OR c with a', either, user('a'), {}, false],
    ['(a AND b) OR c with a, b', either, user('a', 'b'), {}, true],
    ['(a AND b) OR c with c', either, user('c'), {}, true],
    ['policy true', { kind: 'policies', anyOf: [['p']] }, user(), { p: true }, true],
    ['policy false', { kind: 'policies', anyOf: [['p']] }, user(), { p: false }, false],
    ['policy unknown', { kind: 'policies', anyOf: [['p']] }, user(), {}, false],
  ])('%s', (_name, requirement, who, policies, expected) => {
    expect(isRequirementSatisfied(requirement, who, new Map(Object.entries(policies)))).toBe(expected);
  });
});
