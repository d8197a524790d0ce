/**
 * How much latency does the governance layer add on a cross-domain query with a warm cache?
 *
 * Method: one process, the three subgraphs on their seeded embedded databases, and two gateways
 * over them — authorization on and off — sharing nothing but the subgraphs. Requests are sent one
 * at a time (no queueing in the numbers), alternating on/off in rounds so drift hits both alike;
 * each round is preceded by a warm-up. Both gateways get the same token, allowed everything, so
 * the same data flows. Also timed in isolation: the per-request governance work itself
 * (token check, policies, satisfied set, cached filter decision).
 *
 *   npx tsx bench/governance-overhead.ts [--requests 2000] [--rounds 4]
 */
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { loadGatewayConfig } from '../gateway/src/config.js';
import { createAuthenticator } from '../gateway/src/governance/authentication.js';
import { createAuthorizer } from '../gateway/src/governance/authorizer.js';
import { loadConfigModule } from '../gateway/src/governance/config-module.js';
import { evaluatePolicies } from '../gateway/src/governance/policies.js';
import { composeDataProducts } from '../gateway/src/supergraph/compose-source.js';
import { prepareSupergraph } from '../gateway/src/supergraph/security-features.js';
import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { startTestStack } from '../test/support/stack.js';
import { allowedEverything } from '../test/support/tokens.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '4' } } });
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const QUERY = `{ products(lowStock: true, limit: 10) { sku name totalStock unitCost
  promotions { discountPercent campaign { name channel budget } } openTicketCount satisfactionScore } }`;

const auth = await allowedEverything();
const on = await startTestStack();
const base = loadGatewayConfig({});
const off = await startTestStack({ authorization: { ...base.authorization, enabled: false } });
const body = JSON.stringify({ query: QUERY });

async function run(url: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
    const text = await response.body.text();
    times.push(performance.now() - started);
    if (response.statusCode !== 200 || text.includes('"errors"')) throw new Error(`unexpected answer: ${text.slice(0, 300)}`);
  }
  return times;
}
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

const results = { on: [] as number[], off: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, stack] of [['on', on], ['off', off]] as const) {
    await run(stack.gateway.url, 200);
    results[name].push(...(await run(stack.gateway.url, REQUESTS)));
  }
}
console.log(`Cross-domain query, ${ROUNDS} alternating rounds x ${REQUESTS} sequential requests per gateway`);
for (const name of ['on', 'off'] as const) {
  const sorted = [...results[name]].sort((a, b) => a - b);
  const mean = sorted.reduce((s, t) => s + t, 0) / sorted.length;
  console.log(`  authorization ${name.padEnd(3)}  mean ${mean.toFixed(3)} ms  p50 ${percentile(sorted, 0.5).toFixed(3)} ms  p99 ${percentile(sorted, 0.99).toFixed(3)} ms`);
}
const mean = (xs: number[]) => xs.reduce((s, t) => s + t, 0) / xs.length;
const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
console.log(`  governance adds  mean ${(mean(results.on) - mean(results.off)).toFixed(3)} ms  p50 ${(p50(results.on) - p50(results.off)).toFixed(3)} ms`);

// The governance work alone, per request, warm.
const config = loadGatewayConfig({});
const prepared = prepareSupergraph((await composeDataProducts()).sdl);
const authenticator = createAuthenticator(config.authentication);
const authorizer = createAuthorizer(prepared);
const policies = (await loadConfigModule(config.configModulePath)).policies ?? {};
const document = parse(QUERY);
const hash = createHash('sha256').update(QUERY).digest('hex');
const policyNames = [...prepared.policyNames];
const iterations = 50_000;
for (let pass = 0; pass < 2; pass++) {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const principal = await authenticator.authenticate(auth.authorization);
    const satisfied = prepared.index.satisfiedSet(principal, await evaluatePolicies(policyNames, policies, { principal, headers: {} }));
    authorizer.authorize(document, hash, null, satisfied.key, satisfied.isSatisfied);
  }
  if (pass === 1) console.log(`Governance work alone (token cache hit, policies, satisfied set, filter cache hit): ${(((performance.now() - started) / iterations) * 1000).toFixed(2)} µs per request`);
}
await on.stop();
await off.stop();
