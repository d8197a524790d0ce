import { parse } from 'graphql';
import { headerValue, publishSchedule, spread, summarizeReloads, type Publish } from '../../bench/reload/latency.js';
import { reviseDescription, withRoutingUrl } from '../../bench/reload/revisions.js';

// The reload scenario's arithmetic (bench/reload/latency.ts): what "reload latency" means, as tables.
const publish = (revision: number, id: string | undefined, publishedAt: number, refused?: string): Publish => ({ revision, id, publishedAt, publishMs: 50, ...(refused ? { refused } : {}) });

describe('reload latency: publish response to the first answer carrying the new supergraph id', () => {
  it.each([
    {
      name: 'every publish seen',
      publishes: [publish(1, 'a', 1000), publish(2, 'b', 4000), publish(3, 'c', 7000)],
      seen: { old: 0, a: 1400, b: 4900, c: 7200 },
      latencies: [400, 900, 200],
      observed: 3,
      missed: 0,
      spread: { min: 200, median: 400, max: 900 },
    },
    {
      name: 'the last publish never reached an answer',
      publishes: [publish(1, 'a', 1000), publish(2, 'b', 4000)],
      seen: { a: 1600 },
      latencies: [600, undefined],
      observed: 1,
      missed: 1,
      spread: { min: 600, median: 600, max: 600 },
    },
    {
      name: 'a refused publish is neither observed nor missed',
      publishes: [publish(1, undefined, 1000, 'composition'), publish(2, 'b', 4000)],
      seen: { b: 4300 },
      latencies: [undefined, 300],
      observed: 1,
      missed: 0,
      spread: { min: 300, median: 300, max: 300 },
    },
    {
      // The gateway polled between the registry's commit and the publisher getting its answer.
      name: 'an answer before the publish response counts, negative',
      publishes: [publish(1, 'a', 1000)],
      seen: { a: 990 },
      latencies: [-10],
      observed: 1,
      missed: 0,
      spread: { min: -10, median: -10, max: -10 },
    },
    { name: 'nothing published', publishes: [], seen: { old: 5 }, latencies: [], observed: 0, missed: 0, spread: null },
  ])('$name', ({ publishes, seen, latencies, observed, missed, spread: expected }) => {
    const summary = summarizeReloads(publishes, new Map(Object.entries(seen)));
    expect(summary.publishes.map((p) => p.latencyMs)).toEqual(latencies);
    expect([summary.observed, summary.missed]).toEqual([observed, missed]);
    expect(summary.latencyMs).toEqual(expected);
  });
});

describe('spread', () => {
  it.each([
    { values: [5], expected: { min: 5, median: 5, max: 5 } },
    { values: [3, 1, 2], expected: { min: 1, median: 2, max: 3 } },
    { values: [40, 10, 30, 20], expected: { min: 10, median: 20, max: 40 } }, // lower middle of an even count
    { values: [], expected: null },
  ])('$values', ({ values, expected }) => expect(spread(values)).toEqual(expected));
});

describe('publish schedule: mid-period, none in the tail', () => {
  it.each([
    { durationMs: 30_000, periodMs: 3000, tailMs: 2000, expected: [1500, 4500, 7500, 10_500, 13_500, 16_500, 19_500, 22_500, 25_500] },
    { durationMs: 10_000, periodMs: 3000, tailMs: 2000, expected: [1500, 4500, 7500] },
    { durationMs: 10_000, periodMs: 3000, tailMs: 1500, expected: [1500, 4500, 7500] },
    { durationMs: 3000, periodMs: 3000, tailMs: 2000, expected: [] },
  ])('$durationMs ms every $periodMs ms, tail $tailMs ms', ({ durationMs, periodMs, tailMs, expected }) => {
    expect(publishSchedule(durationMs, periodMs, tailMs)).toEqual(expected);
  });

  it('refuses a period that would never advance', () => expect(() => publishSchedule(1000, 0, 0)).toThrow(/periodMs/));
});

describe('headerValue', () => {
  it.each([
    { headers: { 'meshgate-supergraph-id': 'abc' }, expected: 'abc' },
    { headers: { 'meshgate-supergraph-id': ['abc', 'def'] }, expected: 'abc' },
    { headers: {}, expected: undefined },
  ])('$headers', ({ headers, expected }) => expect(headerValue(headers, 'meshgate-supergraph-id')).toBe(expected));
});

describe('revisions: only a description changes', () => {
  const sdl = `type Query { segments: [Segment!]! }
"A group of customers."
type Segment { id: ID! name: String! }
type Other { id: ID! }`;
  const fieldsOf = (text: string) =>
    parse(text).definitions.map((d) => ('fields' in d ? `${(d as any).name.value}{${((d as any).fields ?? []).map((f: any) => f.name.value).join(',')}}` : ''));
  const descriptionOf = (text: string, type: string) => (parse(text).definitions.find((d: any) => d.name?.value === type) as any)?.description?.value;

  it.each([
    { revision: 1, expected: 'A group of customers. (bench revision 1)' },
    { revision: 2, expected: 'A group of customers. (bench revision 2)' },
  ])('revision $revision', ({ revision, expected }) => {
    const revised = reviseDescription(sdl, 'Segment', revision);
    expect(descriptionOf(revised, 'Segment')).toBe(expected);
    expect(fieldsOf(revised)).toEqual(fieldsOf(sdl));
    expect(descriptionOf(revised, 'Other')).toBeUndefined();
  });

  it('replaces an earlier revision instead of stacking them', () => {
    expect(descriptionOf(reviseDescription(reviseDescription(sdl, 'Segment', 1), 'Segment', 2), 'Segment')).toBe('A group of customers. (bench revision 2)');
  });

  it('gives a type without a description one', () => expect(descriptionOf(reviseDescription(sdl, 'Other', 3), 'Other')).toBe('(bench revision 3)'));

  it('names a missing type', () => expect(() => reviseDescription(sdl, 'Missing', 1)).toThrow(/Missing/));
});

describe('withRoutingUrl', () => {
  it.each([
    { name: 'replaces the line (and its comment)', text: 'name: x\nroutingUrl: http://127.0.0.1:4002/graphql   # comment\nowner: y\n', expected: 'name: x\nroutingUrl: http://127.0.0.1:9/graphql\nowner: y\n' },
    { name: 'adds one when there is none', text: 'name: x\n', expected: 'name: x\nroutingUrl: http://127.0.0.1:9/graphql\n' },
  ])('$name', ({ text, expected }) => expect(withRoutingUrl(text, 'http://127.0.0.1:9/graphql')).toBe(expected));
});
