import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureLogs } from '../../../test/support/logs.js';
import { clientIdentity, createUsageReporter, type UsageEntry, type UsageReporter } from '../../src/usage/usage-reporter.js';

/** The registry's `reportUsage`, as far as the reporter can tell: it records each call's entries. */
interface FakeUsageEndpoint {
  url: string;
  calls: { headers: IncomingHttpHeaders; query: string; entries: UsageEntry[] }[];
  /** Answer this HTTP status with a GraphQL error instead of accepting. */
  failWith?: number;
  close(): Promise<void>;
}

async function startFakeUsageEndpoint(): Promise<FakeUsageEndpoint> {
  const endpoint: Partial<FakeUsageEndpoint> = { calls: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/graphql') return res.writeHead(404).end();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables: { entries: UsageEntry[] } };
      if (endpoint.failWith) {
        return res.writeHead(endpoint.failWith, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'not now', extensions: { code: 'UNAVAILABLE' } }] }));
      }
      endpoint.calls!.push({ headers: req.headers, query: body.query, entries: body.variables.entries });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { reportUsage: body.variables.entries.length } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  endpoint.close = () => new Promise((resolve) => server.close(() => resolve()));
  return endpoint as FakeUsageEndpoint;
}

describe('usage reporting', () => {
  let endpoint: FakeUsageEndpoint;
  let reporter: UsageReporter | undefined;
  const { logger, lines } = captureLogs();
  let now = Date.parse('2024-05-01T23:59:59Z');
  const make = (options: { maxKeys?: number; maxEntriesPerCall?: number } = {}) =>
    (reporter = createUsageReporter({ registry: { url: endpoint.url, token: 'usage-token' }, intervalMs: 60_000, logger, clock: () => now, ...options }));
  const sent = () => endpoint.calls.flatMap((c) => c.entries).sort((a, b) => `${a.day}${a.clientName}${a.coordinate}`.localeCompare(`${b.day}${b.clientName}${b.coordinate}`));

  beforeEach(async () => {
    endpoint = await startFakeUsageEndpoint();
    lines.length = 0;
    now = Date.parse('2024-05-01T23:59:59Z');
  });
  afterEach(async () => {
    await reporter?.stop();
    reporter = undefined;
    await endpoint.close();
  });

  it('counts per UTC day, client and coordinate, and sends them with the gateway token', async () => {
    const usage = make();
    const web = clientIdentity('web', '1.2.0');
    usage.record(web, ['Query', 'Query.products']);
    usage.record(web, ['Query.products']);
    now += 1000; // 2024-05-02
    usage.record(web, ['Query.products']);
    usage.record(clientIdentity(undefined, undefined), ['Query.products']);
    await usage.flush();
    expect(endpoint.calls).toHaveLength(1);
    expect(endpoint.calls[0].headers.authorization).toBe('Bearer usage-token');
    expect(endpoint.calls[0].query).toContain('reportUsage(entries: $entries)');
    expect(sent()).toEqual([
      { day: '2024-05-01', clientName: 'web', clientVersion: '1.2.0', coordinate: 'Query', count: 1 },
      { day: '2024-05-01', clientName: 'web', clientVersion: '1.2.0', coordinate: 'Query.products', count: 2 },
      { day: '2024-05-02', clientName: 'unknown', clientVersion: 'unknown', coordinate: 'Query.products', count: 1 },
      { day: '2024-05-02', clientName: 'web', clientVersion: '1.2.0', coordinate: 'Query.products', count: 1 },
    ]);
    // Sent counts are not sent again.
    await usage.flush();
    expect(endpoint.calls).toHaveLength(1);
  });

  it('sends at most maxEntriesPerCall entries per call', async () => {
    const usage = make({ maxEntriesPerCall: 3 });
    usage.record(clientIdentity('a', '1'), ['A', 'B', 'C', 'D', 'E', 'F', 'G']);
    await usage.flush();
    expect(endpoint.calls.map((c) => c.entries.length)).toEqual([3, 3, 1]);
  });

  it('keeps the counts of a failed flush for the next one, merged with new ones, and logs once per outage', async () => {
    const usage = make();
    const client = clientIdentity('app', '2');
    usage.record(client, ['Query.products']);
    endpoint.failWith = 503;
    await usage.flush();
    usage.record(client, ['Query.products']);
    await usage.flush();
    expect(lines.filter((l) => l.msg === 'usage report to the registry failed: counts kept for the next one')).toEqual([expect.objectContaining({ reason: 'reportUsage answered HTTP 503 UNAVAILABLE: not now' })]);
    endpoint.failWith = undefined;
    await usage.flush();
    expect(sent()).toEqual([{ day: '2024-05-01', clientName: 'app', clientVersion: '2', coordinate: 'Query.products', count: 2 }]);
    expect(lines.some((l) => l.msg === 'usage reported to the registry again')).toBe(true);
  });

  it('bounds the distinct keys it keeps: new keys beyond the bound are dropped and said so, known ones still count', async () => {
    const usage = make({ maxKeys: 2 });
    const client = clientIdentity('app', '2');
    usage.record(client, ['A', 'B', 'C', 'D']);
    usage.record(client, ['A']);
    await usage.flush();
    expect(sent().map((e) => [e.coordinate, e.count])).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
    expect(lines.find((l) => l.msg?.toString().startsWith('usage counts dropped'))).toMatchObject({ dropped: 2, maxKeys: 2 });
  });

  it('flushes what is left when it stops', async () => {
    const usage = make();
    usage.record(clientIdentity('app', '2'), ['Query.products']);
    await usage.stop();
    reporter = undefined;
    expect(sent()).toHaveLength(1);
  });
});

describe('clientIdentity', () => {
  it.each([
    [undefined, undefined, { name: 'unknown', version: 'unknown' }],
    ['  ', '', { name: 'unknown', version: 'unknown' }],
    ['web-shop', '1.4.2+build.7', { name: 'web-shop', version: '1.4.2+build.7' }],
    ['ios app/ü', 'v2\n3', { name: 'ios app/_', version: 'v2_3' }],
    ['x'.repeat(100), '1', { name: 'x'.repeat(64), version: '1' }],
  ])('%j %j -> %j', (name, version, expected) => {
    expect(clientIdentity(name, version)).toEqual(expected);
  });
});
