import { loadDataProducts } from '../support/data-products.js';
import { startGateway, type GatewayProcess } from '../support/gateway-process.js';
import { postGraphQL } from '../support/http.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { TEST_GATEWAY_SIGNING_ENV } from '../support/signing-keys.js';
import { startTestSubgraph, type TestSubgraph } from '../support/subgraphs.js';
import { allowedEverything } from '../support/tokens.js';

// `node --import tsx gateway/src/main.ts` with tracing configured, as an operator runs it: the OTEL_*
// variables are checked with the gateway's own, and the spans still buffered leave on SIGTERM.
// The subgraphs run in this process, untraced: only the gateway's spans are asserted here.

let receiver: OtlpReceiver;
let subgraphs: TestSubgraph[];
let urls: Record<string, string>;
let gateway: GatewayProcess | undefined;
let misconfigured: GatewayProcess | undefined;

beforeAll(async () => {
  // The first test's gateway needs no subgraph: it loads (a second or two) while they start.
  misconfigured = startGateway({ GATEWAY_PORT: '0', GATEWAY_WORKERS: 'lots', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' });
  receiver = await startOtlpReceiver();
  const products = await loadDataProducts();
  subgraphs = await Promise.all(products.map((product) => startTestSubgraph(product)));
  urls = Object.fromEntries(products.map((p, i) => [`${p.envPrefix}URL`, subgraphs[i].subgraph.url]));
});
afterEach(() => {
  if (gateway?.child.exitCode === null) gateway.child.kill('SIGKILL');
});
afterAll(async () => {
  if (misconfigured?.child.exitCode === null) misconfigured.child.kill('SIGKILL');
  await Promise.all((subgraphs ?? []).map((s) => s.stop()));
  await receiver?.close();
});

it('names a wrong OTEL_* variable in the same start as a wrong gateway variable, and starts nothing', async () => {
  gateway = misconfigured!;
  expect(await gateway.exited).toBe(1);
  expect(gateway.text()).toContain('GATEWAY_WORKERS: expected a positive whole number');
  expect(gateway.text()).toContain('OTEL_TRACES_SAMPLER_ARG: expected the share of traces to keep, a number from 0 to 1 (e.g. 0.25) (got "half")');
  expect(gateway.lines).toEqual([]);
}, 60_000);

it('exports the spans of a request, the last ones flushed when SIGTERM stops it', async () => {
  gateway = startGateway({
    ...urls,
    ...TEST_GATEWAY_SIGNING_ENV,
    GATEWAY_PORT: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'gateway-e2e',
    // Never on a timer during the test: only the stop can have sent them.
    OTEL_BSP_SCHEDULE_DELAY: '600000',
  });
  const running = gateway;
  const ready = await running.waitFor((line) => /^gateway ready at /.test(line.msg), 'the gateway reported ready');
  expect(running.lines.map((l) => l.msg)).toContain(`tracing on: otlp http/json to ${receiver.url}; sampler parentbased_always_on`);
  const { status, body } = await postGraphQL(ready.url, 'query Flushed { products(lowStock: true, limit: 2) { sku promotions { discountPercent } } }', undefined, await allowedEverything());
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(receiver.spans).toEqual([]);

  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(0);
  const root = receiver.spans.find((s) => s.name === 'query Flushed');
  expect(root).toEqual(expect.objectContaining({ kind: 'server', service: 'gateway-e2e' }));
  const clients = receiver.spans.filter((s) => s.traceId === root!.traceId && s.kind === 'client');
  expect(clients.map((c) => c.attributes['subgraph.name']).sort()).toEqual(['inventory', 'marketing']);
  expect(receiver.problems).toEqual([]);
}, 60_000);
