import { ANONYMOUS, type Principal } from '../../../shared/principal.js';
import { captureLogs } from '../../../test/support/logs.js';
import { evaluatePolicies, undecidedPolicies } from '../../src/governance/policies.js';
import { BUILT_IN_MASKERS, resolveMaskingRules } from '../../src/governance/masking.js';
import { unguardedSensitiveFields } from '../../src/governance/classification.js';
import { loadConfigModule } from '../../src/governance/config-module.js';
import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';

const caller = (claims: Record<string, unknown>): Principal => ({ authenticated: true, subject: 'alice', scopes: [], claims });

describe('policies', () => {
  it('names every policy of the supergraph that no function decides', () => {
    expect(undecidedPolicies(['pii', 'gdpr', 'audit'], { pii: () => true })).toEqual(['audit', 'gdpr']);
    expect(undecidedPolicies(['pii'], { pii: () => true })).toEqual([]);
  });

  it('decides each policy once; throwing, rejecting, non-true and missing all count as no', async () => {
    const capture = captureLogs();
    const results = await evaluatePolicies(
      ['yes', 'async', 'throws', 'rejects', 'truthy', 'missing'],
      {
        yes: () => true,
        async: async () => true,
        throws: () => {
          throw new Error('boom');
        },
        rejects: async () => Promise.reject(new Error('boom')),
        truthy: () => 'yes' as unknown as boolean,
      },
      { principal: ANONYMOUS, headers: {} },
      capture.logger,
    );
    expect(Object.fromEntries(results)).toEqual({ yes: true, async: true, throws: false, rejects: false, truthy: false, missing: false });
    // A policy that throws denies everyone: never silently.
    expect(capture.lines.filter((l) => l.level === 50).map((l) => l.policy)).toEqual(['throws', 'rejects']);
  });

  it.each([
    [{ roles: ['pii-reader'] }, true],
    [{ roles: 'analyst pii-reader' }, true],
    [{ roles: ['analyst'] }, false],
    [{}, false],
  ])('the shipped pii policy holds for roles %j: %s', async (claims, expected) => {
    const config = await loadConfigModule('gateway/meshgate.config.ts');
    expect(await config.policies!.pii({ principal: caller(claims), headers: {} })).toBe(expected);
  });

  it('refuses a configuration module that does not exist, naming the path', async () => {
    await expect(loadConfigModule('gateway/nope.config.ts')).rejects.toThrow(/MESHGATE_CONFIG: no configuration module at .*nope\.config\.ts/);
  });
});

describe('masking', () => {
  it.each([
    ['email', 'jane.doe@example.com', 'j***@example.com'],
    ['email', 'not-an-email', '***'],
    ['email', null, null],
    ['phone', '+31 6 1234 5678', '***78'],
    ['phone', '12', '***'],
    ['redact', 'secret', '***'],
    ['redact', 42, null],
  ] as const)('%s masks %j as %j', (masker, value, expected) => {
    expect(BUILT_IN_MASKERS[masker](value)).toBe(expected);
  });

  it('resolves names and functions, and rejects unknown maskers and bad coordinates', () => {
    const rules = resolveMaskingRules({ 'Customer.email': 'email', 'Customer.phone': () => 'hidden' });
    expect(rules.get('Customer.email')!('a@b.c')).toBe('a***@b.c');
    expect(rules.get('Customer.phone')!('x')).toBe('hidden');
    expect(() => resolveMaskingRules({ 'Customer.email': 'blur' as 'email' })).toThrow('unknown masker "blur", expected one of email, phone, redact');
    expect(() => resolveMaskingRules({ email: 'email' })).toThrow('expected a schema coordinate such as "Customer.email"');
  });
});

describe('data classification', () => {
  const descriptor = (classification: DataProductDescriptor['classification']) => ({ classification }) as DataProductDescriptor;

  it('names every sensitive field that carries no authorization directive', () => {
    const problems = unguardedSensitiveFields(
      [
        {
          name: 'customer-service',
          descriptor: descriptor([
            { field: 'Customer.email', level: 'confidential', categories: ['pii'], reason: 'x' },
            { field: 'Customer.createdAt', level: 'internal', categories: ['pii'], reason: 'x' },
            { field: 'Customer.tier', level: 'internal', categories: ['commercial'], reason: 'x' },
            { field: 'Customer.name', level: 'restricted', categories: ['commercial'], reason: 'x' },
          ]),
        },
      ],
      (coordinate) => coordinate === 'Customer.name',
    );
    expect(problems).toEqual([
      "Customer.email is classified sensitive in customer-service's dataproduct.yaml but carries no @authenticated, @requiresScopes or @policy (on the field, its type or its parent type)",
      "Customer.createdAt is classified sensitive in customer-service's dataproduct.yaml but carries no @authenticated, @requiresScopes or @policy (on the field, its type or its parent type)",
    ]);
  });
});
