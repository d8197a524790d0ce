import type { SubgraphVersion } from '../../../registry/src/api/types.js';
import { RegistryError, type RegistryClient } from '../../../registry/src/client.js';
import { createLogger } from '../../../shared/logging.js';
import { createHistorySource } from '../../src/catalog-api/history.js';
import { descriptor } from './fixtures.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])';
const sdl = (fields: string[]) => `${LINK}\ntype Query { items: [Item!]! }\ntype Item @key(fields: "id") { id: ID! ${fields.join(' ')} }\n`;
const logger = createLogger('test', 'silent');

/** A registry's history of `shop`: version n adds field fn. Counts the calls and how many versions each asked for. */
function fakeRegistry(count: number) {
  const calls: number[] = [];
  let versions = count;
  const all = () =>
    Array.from({ length: versions }, (_, i): SubgraphVersion => ({
      name: 'shop',
      version: i + 1,
      url: 'http://shop.invalid/graphql',
      sdl: sdl(Array.from({ length: i + 1 }, (__, j) => `f${j + 1}: Int`)),
      descriptor: descriptor('shop'),
      publisher: 'alice',
      publishedAt: new Date(Date.UTC(2025, 0, i + 1)).toISOString(),
      label: `v${i + 1}`,
      action: 'publish',
      current: i === versions - 1,
    })).reverse();
  const client: Pick<RegistryClient, 'history'> = {
    history: async (name, limit = 50) => {
      calls.push(limit);
      return name === 'shop' ? all().slice(0, limit) : [];
    },
  };
  return { client, calls, publish: () => void (versions += 1) };
}

describe('createHistorySource', () => {
  it.each([
    ['compose', 'its compose source'],
    ['file', 'a file'],
  ])('answers no history, and says why, when the supergraph comes from %s', async (kind, words) => {
    const source = createHistorySource({ sourceKind: kind, logger });
    expect(await source.history('shop', 20)).toEqual({
      changes: [],
      note: `The gateway reads its supergraph from ${words}, not from a schema registry: there is no version history to show`,
    });
  });

  it('summarizes each version against the one before it, newest first, the oldest shown included', async () => {
    const registry = fakeRegistry(4);
    const { changes } = await createHistorySource({ sourceKind: 'registry', logger, client: registry.client }).history('shop', 2);
    expect(changes).toEqual([
      { version: 4, action: 'publish', publishedAt: '2025-01-04T00:00:00.000Z', publisher: 'alice', label: 'v4', summary: ["Field 'f4' was added to object type 'Item'"] },
      { version: 3, action: 'publish', publishedAt: '2025-01-03T00:00:00.000Z', publisher: 'alice', label: 'v3', summary: ["Field 'f3' was added to object type 'Item'"] },
    ]);
    // The newest alone (for the cache key), then one more than shown.
    expect(registry.calls).toEqual([1, 3]);
  });

  it('says "first version" only of the first', async () => {
    const { changes } = await createHistorySource({ sourceKind: 'registry', logger, client: fakeRegistry(2).client }).history('shop', 20);
    expect(changes.map((c) => c.summary)).toEqual([["Field 'f2' was added to object type 'Item'"], ['First version: 2 types and 3 fields']]);
  });

  it('is cached by product and newest version: a repeat asks only for the newest', async () => {
    const registry = fakeRegistry(3);
    const source = createHistorySource({ sourceKind: 'registry', logger, client: registry.client });
    const first = await source.history('shop', 20);
    expect(await source.history('shop', 20)).toEqual(first);
    expect(registry.calls).toEqual([1, 21, 1]);
    registry.publish();
    const after = await source.history('shop', 20);
    expect(after.changes.map((c) => c.version)).toEqual([4, 3, 2, 1]);
    expect(registry.calls).toEqual([1, 21, 1, 1, 21]);
  });

  it('shares one computation between concurrent requests', async () => {
    const registry = fakeRegistry(3);
    const source = createHistorySource({ sourceKind: 'registry', logger, client: registry.client });
    await Promise.all([source.history('shop', 5), source.history('shop', 5), source.history('shop', 5)]);
    expect(registry.calls.filter((limit) => limit === 6)).toHaveLength(1);
  });

  it('answers an empty history for a product never published', async () => {
    expect(await createHistorySource({ sourceKind: 'registry', logger, client: fakeRegistry(1).client }).history('other', 20)).toEqual({ changes: [] });
  });

  it('answers an empty history and a note, naming no URL, when the registry does not answer', async () => {
    const client: Pick<RegistryClient, 'history'> = {
      history: async () => {
        throw new RegistryError('Cannot reach the registry at http://registry.internal:4500: connect ECONNREFUSED', 'UNREACHABLE', 0);
      },
    };
    const answer = await createHistorySource({ sourceKind: 'registry', logger, client }).history('shop', 20);
    expect(answer).toEqual({ changes: [], note: 'The schema registry did not answer (UNREACHABLE): the history is not available right now' });
  });

  it.each([0, 51, 1.5])('refuses limit %p as BAD_USER_INPUT', async (limit) => {
    await expect(createHistorySource({ sourceKind: 'registry', logger, client: fakeRegistry(1).client }).history('shop', limit)).rejects.toMatchObject({
      message: `limit: expected a whole number from 1 to 50, got ${limit}`,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
