import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import { descriptorChanges, MAX_SUMMARY_LINES, summarizeVersion, type VersionRecord } from '../../src/catalog-api/history-summary.js';
import { descriptor } from './fixtures.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requiresScopes"])';
const BASE = `${LINK}
type Query { items: [Item!]! }
type Item @key(fields: "id") {
  id: ID!
  title: String!
  cost: Float @requiresScopes(scopes: [["finance:read"]])
}
`;
const base = descriptor('shop');
const v = (version: number, sdl: string, action = 'publish', d: DataProductDescriptor = base): VersionRecord => ({ version, action, sdl, descriptor: d });
const edit = (from: string, to: string) => {
  if (!BASE.includes(from)) throw new Error(`the edit must change the base SDL: "${from}" is not in it`);
  return BASE.replace(from, to);
};

describe('summarizeVersion', () => {
  it.each<[string, VersionRecord, VersionRecord | undefined, string[]]>([
    ['the first version', v(1, BASE), undefined, ['First version: 2 types and 4 fields']],
    ['an unchanged republish', v(2, BASE), v(1, BASE), ['No change to the schema or the descriptor']],
    ['a field added', v(2, edit('title: String!', 'title: String!\n  weight: Float')), v(1, BASE), ["Field 'weight' was added to object type 'Item'"]],
    ['a field removed', v(2, edit('  title: String!\n', '')), v(1, BASE), ["Breaking: Field 'title' was removed from object type 'Item'"]],
    ['a field deprecated, said once', v(2, edit('title: String!', 'title: String! @deprecated(reason: "Use name")')), v(1, BASE), ["Field 'Item.title' is deprecated"]],
    [
      'an authorization requirement dropped, its argument not repeated',
      v(2, edit(' @requiresScopes(scopes: [["finance:read"]])', '')),
      v(1, BASE),
      ["Dangerous: Directive 'requiresScopes' was removed from field 'Item.cost'"],
    ],
    [
      'an authorization requirement added, its argument not repeated',
      v(2, edit('title: String!', 'title: String! @requiresScopes(scopes: [["catalog:read"]])')),
      v(1, BASE),
      ["Dangerous: Directive 'requiresScopes' was added to field 'Item.title'"],
    ],
    ['a removal', v(3, BASE, 'remove'), v(2, BASE), ['Removed from the supergraph: clients can no longer query it (its last contract stays in the history)']],
    ['a rollback', v(3, BASE, 'rollback'), v(2, edit('  title: String!\n', '')), ['Rolled back to an earlier contract', "Field 'title' was added to object type 'Item'"]],
    ['a publish after a removal', v(4, BASE), v(3, BASE, 'remove'), ['Published again after its removal', 'No change to the schema or the descriptor']],
    [
      'descriptor changes only',
      v(2, BASE, 'publish', { ...base, lifecycle: 'deprecated', slo: { ...base.slo, availability: 99.5 } }),
      v(1, BASE),
      ['Lifecycle: active → deprecated', 'Promised availability (%): 99.9 → 99.5'],
    ],
    ['an unreadable schema', v(2, 'type Query {'), v(1, BASE), [expect.stringMatching(/^The schema of version 2 cannot be read: Syntax Error/)]],
  ])('%s', async (_name, current, previous, expected) => {
    expect(await summarizeVersion(current, previous)).toEqual(expected);
  });

  it(`lists at most ${MAX_SUMMARY_LINES} lines and says how many more there were`, async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `  extra${i}: Int`).join('\n');
    const summary = await summarizeVersion(v(2, edit('title: String!', `title: String!\n${fields}`)), v(1, BASE));
    expect(summary).toHaveLength(MAX_SUMMARY_LINES);
    expect(summary.at(-1)).toBe(`…and ${40 - MAX_SUMMARY_LINES + 1} more changes`);
  });
});

describe('descriptorChanges', () => {
  it.each<[string, Partial<DataProductDescriptor>, string[]]>([
    ['owner', { owner: { team: 'Other team', contact: base.owner.contact, channel: '#other' } }, ['Owner team: Shop team → Other team', 'Owner channel: #shop → #other']],
    ['promises', { slo: { availability: 99.9, latencyP99Ms: 300, freshnessSeconds: 0 } }, ['Promised p99 latency (ms): 200 → 300', 'Promised freshness (s): 60 → 0']],
    ['texts', { description: 'New words.', purpose: 'New purpose.' }, ['Description rewritten', 'Purpose rewritten']],
    ['consumers', { consumers: ['finance'] }, ['New consumer: finance', 'No longer a consumer: web shop']],
    ['entities', { entities: [{ type: 'Order', keys: ['id'], description: 'An order.' }] }, ['New entity: Order', 'No longer an entity: Item']],
    [
      'classification',
      { classification: [{ field: 'Item.cost', level: 'restricted', categories: ['financial'], reason: 'x' }, { field: 'Item.title', level: 'internal', categories: ['commercial'], reason: 'y' }] },
      ['Classification of Item.cost: confidential → restricted', 'Classified Item.title as internal (commercial)'],
    ],
    ['classification removed', { classification: [] }, ['No longer classified: Item.cost']],
    ['lifecycle from its default', { lifecycle: undefined }, ['Lifecycle: active → experimental']],
  ])('%s', (_name, change, expected) => {
    expect(descriptorChanges(base, { ...base, ...change })).toEqual(expected);
  });

  it('compares nothing of a descriptor that is not an object', async () => {
    expect(await summarizeVersion({ version: 2, action: 'publish', sdl: BASE, descriptor: 'garbage' }, { version: 1, action: 'publish', sdl: BASE, descriptor: null })).toEqual([
      'No change to the schema or the descriptor',
    ]);
  });
});
