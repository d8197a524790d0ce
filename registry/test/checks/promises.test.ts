import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import type { Requirement } from '../../../gateway/src/governance/requirements.js';
import { implies } from '../../src/checks/authorization.js';
import { comparePromises } from '../../src/checks/promises.js';
import { CURRENT, PRODUCTS_SDL, descriptorOf, edit, projected, publish, subgraph } from './fixtures.js';

/** What the descriptor promises consumers, and the requirement arithmetic authorization-tightened rests on. Mostly pure: fast. */

const before = descriptorOf('products');
const slo = (change: Partial<DataProductDescriptor['slo']>) => descriptorOf('products', { slo: { ...before.slo, ...change } });
const classified = (classification: DataProductDescriptor['classification']) => descriptorOf('products', { classification });
const cost = before.classification[0];
const FIELDS = new Set(['Product.id', 'Product.name', 'Product.price', 'Product.cost', 'Product.category']);

describe('promise-weakened', () => {
  it.each<[string, DataProductDescriptor, DataProductDescriptor, [string, string[], RegExp][]]>([
    ['lower availability', before, slo({ availability: 99.5 }), [['error', [], /^slo\.availability weakened from 99\.9% to 99\.5%$/]]],
    ['higher availability', before, slo({ availability: 99.95 }), [['info', [], /^slo\.availability strengthened from 99\.9% to 99\.95%$/]]],
    ['higher p99 latency', before, slo({ latencyP99Ms: 300 }), [['error', [], /^slo\.latencyP99Ms weakened from 150 ms to 300 ms$/]]],
    ['lower p99 latency', before, slo({ latencyP99Ms: 100 }), [['info', [], /strengthened/]]],
    ['staler data', before, slo({ freshnessSeconds: 3600 }), [['error', [], /^slo\.freshnessSeconds weakened from 60 s to 3600 s$/]]],
    ['fresher data', before, slo({ freshnessSeconds: 0 }), [['info', [], /strengthened/]]],
    ['a lower classification', before, classified([{ ...cost, level: 'internal' }]), [['error', ['Product.cost'], /^Product\.cost classification lowered from confidential to internal$/]]],
    ['a higher classification', before, classified([{ ...cost, level: 'restricted' }]), [['info', ['Product.cost'], /raised from confidential to restricted/]]],
    ['a classified field dropped while still in the schema', before, classified([]), [['error', ['Product.cost'], /^Product\.cost is no longer classified \(was confidential\), so it counts as public$/]]],
    ['a field newly classified', before, classified([cost, { field: 'Product.name', level: 'internal', categories: ['commercial'], reason: 'x' }]), [['info', ['Product.name'], /newly classified internal/]]],
    ['a field classified public dropped', classified([cost, { field: 'Product.name', level: 'public', categories: ['commercial'], reason: 'x' }]), before, []],
    ['the owner team removed', before, { ...before, owner: { ...before.owner, team: '' } }, [['error', [], /^owner\.team removed \(was "products team"\)/]]],
    ['the owner contact missing', before, { ...before, owner: { team: before.owner.team, channel: before.owner.channel } as DataProductDescriptor['owner'] }, [['error', [], /^owner\.contact removed/]]],
    ['the owner channel changed', before, { ...before, owner: { ...before.owner, channel: '#catalogue' } }, [['info', [], /^owner\.channel changed from "#products-data" to "#catalogue"$/]]],
    ['lifecycle backwards', before, { ...before, lifecycle: 'experimental' }, [['error', [], /^lifecycle moved backwards from active to experimental \(the order is experimental → active → deprecated → retired\)$/]]],
    ['lifecycle dropped (experimental)', before, { ...before, lifecycle: undefined }, [['error', [], /from active to experimental/]]],
    ['lifecycle forwards', before, { ...before, lifecycle: 'deprecated' }, [['info', [], /^lifecycle moved from active to deprecated$/]]],
    ['lifecycle first stated', { ...before, lifecycle: undefined }, before, [['info', [], /from experimental to active/]]],
    ['nothing changed', before, descriptorOf('products'), []],
    [
      'several at once',
      before,
      { ...slo({ availability: 99, latencyP99Ms: 100 }), lifecycle: 'experimental' },
      [['error', [], /availability weakened/], ['info', [], /latencyP99Ms strengthened/], ['error', [], /lifecycle moved backwards/]],
    ],
  ])('%s', (_, was, is, expected) => {
    const results = comparePromises(was, is, FIELDS);
    expect(results.map((r) => [r.severity, r.rule, r.coordinates])).toEqual(expected.map(([severity, coordinates]) => [severity, 'promise-weakened', coordinates]));
    expected.forEach(([, , message], i) => expect(results[i].message).toMatch(message));
  });

  it('leaves a classified field removed with the schema to the breaking-change check', () => {
    expect(comparePromises(before, classified([]), new Set(['Product.id']))).toEqual([]);
  });

  it('runs on publish against the current version, not on a first publish', async () => {
    const weaker = slo({ availability: 99 });
    expect(projected(await publish({ descriptor: weaker }), 'promise-weakened')).toEqual([{ severity: 'error', rule: 'promise-weakened', coordinates: [] }]);
    const first = await publish({ descriptor: weaker, current: CURRENT.filter((s) => s.name !== 'products'), servedSdl: null });
    expect(projected(first, 'promise-weakened')).toEqual([]);
    expect(first.ok).toBe(true);
  });

  it('reads the schema of the candidate for dropped classifications', async () => {
    const withoutCost = edit(PRODUCTS_SDL, ['"What one unit costs us, in EUR."\n  cost: Float @requiresScopes(scopes: [["finance:read"]])\n', '']);
    const current = [subgraph('products', PRODUCTS_SDL), CURRENT[1]];
    const report = await publish({ current, sdl: withoutCost, descriptor: classified([]) });
    expect(projected(report, 'promise-weakened')).toEqual([]);
  });
});

describe('implies: does every caller satisfying all of `held` satisfy `required`?', () => {
  const authenticated: Requirement = { kind: 'authenticated' };
  const scopes = (...anyOf: string[][]): Requirement => ({ kind: 'scopes', anyOf });
  const policies = (...anyOf: string[][]): Requirement => ({ kind: 'policies', anyOf });
  it.each<[string, Requirement[], Requirement, boolean]>([
    ['nothing implies @authenticated', [], authenticated, false],
    ['@authenticated implies itself', [authenticated], authenticated, true],
    ['scopes imply @authenticated (anonymous callers have none)', [scopes(['a'])], authenticated, true],
    ['... unless an alternative is empty', [scopes(['a'], [])], authenticated, false],
    ['a policy does not imply @authenticated', [policies(['p'])], authenticated, false],
    ['nothing implies a scope', [], scopes(['a']), false],
    ['an empty list is always satisfied', [], scopes(), true],
    ['the same AND-set', [scopes(['a', 'b'])], scopes(['b', 'a']), true],
    ['a superset AND-set implies a subset', [scopes(['a', 'b'])], scopes(['a']), true],
    ['a subset does not imply a superset', [scopes(['a'])], scopes(['a', 'b']), false],
    ['fewer alternatives imply more', [scopes(['a'])], scopes(['a'], ['b']), true],
    ['more alternatives do not imply fewer', [scopes(['a'], ['b'])], scopes(['a']), false],
    ['every held alternative needs a required subset', [scopes(['a', 'x'], ['b', 'y'])], scopes(['a'], ['b']), true],
    ['... one is not enough', [scopes(['a', 'x'], ['c'])], scopes(['a'], ['b']), false],
    ['two held requirements AND together', [scopes(['a']), scopes(['b'])], scopes(['a', 'b']), true],
    ['... multiplied out over alternatives', [scopes(['a'], ['b']), scopes(['c'])], scopes(['a', 'c'], ['b', 'c']), true],
    ['... not when one alternative falls short', [scopes(['a'], ['b']), scopes(['c'])], scopes(['a', 'c']), false],
    ['scopes never imply policies', [scopes(['p'])], policies(['p']), false],
    ['policies by the same rules', [policies(['pii', 'gdpr'])], policies(['pii']), true],
  ])('%s', (_, held, required, expected) => {
    expect(implies(held, required)).toBe(expected);
  });
});
