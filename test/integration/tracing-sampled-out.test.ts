import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningGateway } from '../../gateway/src/server.js';
import { startTracing, type Tracing } from '../../shared/telemetry/tracing.js';
import { loadDataProducts } from '../support/data-products.js';
import { postGraphQL } from '../support/http.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { startTestGateway } from '../support/stack.js';
import { startTestSubgraph, type TestSubgraph } from '../support/subgraphs.js';
import { allowedEverything } from '../support/tokens.js';

// A request the sampler drops (OTEL_TRACES_SAMPLER=parentbased_traceidratio, ratio 0): nothing is
// exported, and the subgraphs are still told, in the traceparent's flags, that it is not sampled, so
// with the default parent-based samplers they drop their part too. Its own file: the SDK starts once per process.

let receiver: OtlpReceiver;
let subgraphs: TestSubgraph[];
let recorders: { server: Server; headers: IncomingHttpHeaders[] }[];
let gateway: RunningGateway;
let tracing: Tracing;
const ENV = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };
const saved: Record<string, string | undefined> = {};

/** Forwards to `target`, keeping the headers of each request. */
async function recorder(target: string): Promise<{ url: string; server: Server; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    headers.push(req.headers);
    const forwarded: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) forwarded[name] = value;
    const answer = await fetch(target, { method: 'POST', headers: forwarded, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server, headers };
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  for (const [name, value] of Object.entries({ ...ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url })) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  tracing = startTracing('meshgate-test');
  subgraphs = await Promise.all((await loadDataProducts()).map((product) => startTestSubgraph(product)));
  const proxies = await Promise.all(subgraphs.map(async (s) => [s.subgraph.name, await recorder(s.subgraph.url)] as const));
  recorders = proxies.map(([, r]) => r);
  gateway = await startTestGateway(Object.fromEntries(subgraphs.map((s) => [s.subgraph.name, s])), { subgraphUrls: Object.fromEntries(proxies.map(([name, r]) => [name, r.url])) });
});
afterAll(async () => {
  await gateway?.stop();
  await Promise.all((recorders ?? []).map((r) => new Promise((resolve) => r.server.close(resolve))));
  await Promise.all((subgraphs ?? []).map((s) => s.stop()));
  await tracing?.stop();
  await receiver?.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

it('exports nothing for a dropped request, and tells every subgraph it is not sampled', async () => {
  expect(tracing.description).toBe(`tracing on: otlp http/json to ${receiver.url}; sampler parentbased_traceidratio 0`);
  const { status, body } = await postGraphQL(gateway.url, 'query Dropped { products(lowStock: true, limit: 2) { sku promotions { discountPercent } openTicketCount } }', undefined, await allowedEverything());
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  const sent = recorders.flatMap((r) => r.headers.map((h) => String(h.traceparent)));
  expect(sent.length).toBeGreaterThanOrEqual(3);
  for (const traceparent of sent) expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  // One trace: every subgraph was told the same trace id.
  expect(new Set(sent.map((t) => t.split('-')[1])).size).toBe(1);
  await tracing.flush();
  expect(receiver.spans).toEqual([]);
});
