import { createRegistryClient, RegistryError, type RegistryClient } from '../src/client.js';
import { productInput } from './support/fixtures.js';
import { authorization, startTestRegistry, type TestRegistry } from './support/registry.js';

// No subgraph runs at these URLs: every publish here skips the running-contract check (running-contract.test.ts has it).
const PRICING_URL = 'http://127.0.0.1:4601/graphql';
const BILLING_URL = 'http://127.0.0.1:4602/graphql';
const pricing = (options: Parameters<typeof productInput>[2] = {}) => ({ ...productInput('pricing', PRICING_URL, options), skipRunningCheck: true });
const billing = (options: Parameters<typeof productInput>[2] = {}) => ({ ...productInput('billing', BILLING_URL, options), skipRunningCheck: true });
const today = new Date().toISOString().slice(0, 10);

let test: TestRegistry;
let admin: RegistryClient;
let pricingTeam: RegistryClient;
let billingTeam: RegistryClient;
let reader: RegistryClient;
let gateway: RegistryClient;

beforeAll(async () => {
  test = await startTestRegistry();
  [admin, pricingTeam, billingTeam, reader, gateway] = await Promise.all([
    test.client(['registry:admin'], 'platform-admin'),
    test.client(['registry:publish:pricing'], 'pricing-ci'),
    test.client(['registry:publish:billing'], 'billing-ci'),
    test.client(['registry:read'], 'catalog'),
    test.client(['registry:usage:report'], 'gateway'),
  ]);
});
afterAll(() => test?.stop());

/** The RegistryError a call ends in (and fails the test if it succeeds). */
async function refusal(call: Promise<unknown>): Promise<RegistryError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

const getSupergraph = async (headers: Record<string, string>) => fetch(`${test.registry.url}/supergraph`, { headers });

describe('authentication', () => {
  it('answers 401 UNAUTHENTICATED without a token or with an invalid one, on the API and on GET /supergraph', async () => {
    const anonymous = await fetch(test.registry.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ subgraphs { name } }' }) });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await getSupergraph({})).status).toBe(401);
    const forged = await getSupergraph({ authorization: 'Bearer not.a.token' });
    expect(forged.status).toBe(401);
    expect((await forged.json()).errors[0]).toMatchObject({ message: expect.stringContaining('Invalid credential'), extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('answers GET /supergraph 404 NOT_FOUND before anything was published, and 403 to a token without read access', async () => {
    const missing = await getSupergraph(await authorization(['registry:read']));
    expect(missing.status).toBe(404);
    expect((await missing.json()).errors[0].extensions.code).toBe('NOT_FOUND');
    const usageOnly = await getSupergraph(await authorization(['registry:usage:report']));
    expect(usageOnly.status).toBe(403);
    expect((await usageOnly.json()).errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('bounded operations', () => {
  const post = async (query: string) =>
    fetch(test.registry.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(await authorization(['registry:read'])) }, body: JSON.stringify({ query }) });

  it.each([
    ['11 aliased root fields', `{ ${Array.from({ length: 11 }, (_, i) => `s${i}: supergraphs(limit: 100) { sdl }`).join(' ')} }`, 400, 'MAX_ALIASES_LIMIT'],
    ['more tokens than the budget', `{ subgraphs { ${'name '.repeat(2100)} } }`, 400, 'GRAPHQL_PARSE_FAILED'],
  ])('refuses %s before running it', async (_case, query, status, code) => {
    const response = await post(query);
    expect(response.status).toBe(status);
    expect((await response.json()).errors[0].extensions.code).toBe(code);
  });

  it('runs a query within the limits', async () => {
    const response = await post('{ a: subgraphs { name } b: supergraphs(limit: 1) { id } }');
    expect(response.status).toBe(200);
    expect((await response.json()).errors).toBeUndefined();
  });
});

describe('authorization by scope', () => {
  it.each([
    ['another team checks pricing', () => billingTeam.check(pricing())],
    ['another team publishes pricing', () => billingTeam.publish(pricing())],
    ['a reader publishes', () => reader.publish(pricing())],
    ['a team forces its own publish', () => pricingTeam.publish({ ...pricing(), force: true })],
    ['a team rolls back its own subgraph', () => pricingTeam.rollback('pricing', 1)],
    ['a team removes its own subgraph', () => pricingTeam.remove('pricing')],
    ['the gateway (usage only) reads', () => gateway.subgraphs()],
    ['a reader reports usage', () => reader.reportUsage([])],
  ])('refuses with 403 FORBIDDEN when %s', async (_case, call) => {
    const error = await refusal(call());
    expect([error.status, error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('lets a team check its own subgraph, and names the subgraphs a refused token may publish', async () => {
    const report = await pricingTeam.check(pricing());
    expect(report).toMatchObject({ ok: true, compositionId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await refusal(billingTeam.publish(pricing()))).message).toContain('registry:publish:pricing (or registry:admin); this token may publish only "billing"');
    // A check stores nothing.
    expect(await reader.subgraphs()).toEqual([]);
  });
});

describe('publishing', () => {
  it('stores each version with its publisher and label, and serves the supergraph composed of the current ones', async () => {
    const first = await pricingTeam.publish(pricing({ label: 'c0ffee1' }));
    expect(first).toMatchObject({ ok: true, unchanged: false, version: { name: 'pricing', version: 1, url: PRICING_URL, publisher: 'pricing-ci', label: 'c0ffee1', action: 'publish', current: true } });
    expect(first.version?.descriptor).toMatchObject({ name: 'pricing', owner: { team: 'pricing team' } });
    expect(first.supergraph).toMatchObject({ accepted: true, reason: null, inputs: [{ name: 'pricing', version: 1 }], publisher: 'pricing-ci' });
    expect(first.supergraph?.id).toBe(first.report.compositionId);

    // An admin may publish any subgraph.
    const other = await admin.publish(billing());
    expect(other).toMatchObject({ ok: true, version: { name: 'billing', version: 1, publisher: 'platform-admin' }, supergraph: { inputs: [{ name: 'billing', version: 1 }, { name: 'pricing', version: 1 }] } });
    expect((await reader.subgraphs()).map((v) => `${v.name}@${v.version}`)).toEqual(['billing@1', 'pricing@1']);
    expect(await reader.subgraph('pricing')).toMatchObject({ version: 1, current: true, label: 'c0ffee1' });
    expect(await reader.subgraph('nothing')).toBeNull();
    expect(await reader.supergraph()).toMatchObject({ id: other.supergraph?.id, accepted: true });
  });

  it('serves GET /supergraph tagged by its composition id and inputs, and 304 when it has not changed', async () => {
    const headers = await authorization(['registry:read']);
    const response = await getSupergraph(headers);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{64}$/), sdl: expect.stringContaining('join__Graph'), createdAt: expect.any(String) });
    expect(body.subgraphs.map((s: { name: string; version: number; url: string }) => [s.name, s.version, s.url])).toEqual([
      ['billing', 1, BILLING_URL],
      ['pricing', 1, PRICING_URL],
    ]);
    expect(body.subgraphs[1].descriptor).toMatchObject({ name: 'pricing', kind: 'DataProduct' });
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(new RegExp(`^"${body.id}\\.[0-9a-f]{16}"$`));

    const again = await getSupergraph({ ...headers, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await getSupergraph({ ...headers, 'if-none-match': '"something-else"' })).status).toBe(200);
    // A publishing team may read it too.
    expect((await getSupergraph(await authorization(['registry:publish:billing']))).status).toBe(200);
  });

  it('answers an identical republish ok and unchanged, without a new version', async () => {
    const before = await reader.supergraphs();
    const result = await pricingTeam.publish(pricing({ label: 'another-label' }));
    expect(result).toMatchObject({ ok: true, unchanged: true, version: { version: 1, label: 'c0ffee1' } });
    expect((await reader.history('pricing')).length).toBe(1);
    expect((await reader.supergraphs()).length).toBe(before.length);
  });

  it('refuses input it cannot take with BAD_USER_INPUT, and an invalid descriptor with a report', async () => {
    const badName = await refusal(admin.publish({ ...pricing(), name: 'Pricing_Service' }));
    expect([badName.code, badName.message]).toEqual(['BAD_USER_INPUT', expect.stringContaining('name: expected lower-case letters')]);
    const badUrl = await refusal(pricingTeam.publish({ ...pricing(), url: 'ftp://example.com/graphql' }));
    expect([badUrl.code, badUrl.message]).toEqual(['BAD_USER_INPUT', expect.stringContaining('url: expected an http:// or https:// URL')]);
    const invalid = await pricingTeam.publish({ ...pricing(), descriptor: 'apiVersion: meshgate.dev/v1\nkind: DataProduct\n' });
    expect(invalid.ok).toBe(false);
    expect(invalid.version).toBeNull();
    expect(invalid.report.results.some((r) => r.rule === 'descriptor-valid' && r.severity === 'ERROR')).toBe(true);
  });

  it('stores a new version as current, keeps the old one in history, and changes the ETag', async () => {
    const before = (await getSupergraph(await authorization(['registry:read']))).headers.get('etag')!;
    const result = await pricingTeam.publish(pricing({ extraFields: ['currency: String'], label: 'c0ffee2' }));
    expect(result).toMatchObject({ ok: true, version: { version: 2, current: true } });
    const history = await reader.history('pricing');
    expect(history.map((v) => [v.version, v.label, v.current, v.action])).toEqual([
      [2, 'c0ffee2', true, 'publish'],
      [1, 'c0ffee1', false, 'publish'],
    ]);
    expect((await reader.history('pricing', 1)).map((v) => v.version)).toEqual([2]);
    const response = await getSupergraph({ ...(await authorization(['registry:read'])), 'if-none-match': before });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toContain(`"${result.supergraph?.id}.`);
  });

  it('refuses a breaking change to a coordinate a client used, naming it, and records the refused supergraph', async () => {
    expect(await gateway.reportUsage([{ day: today, clientName: 'storefront', clientVersion: '4.2', coordinate: 'PricingItem.amount', count: 7 }])).toBe(1);
    const result = await pricingTeam.publish(pricing({ extraFields: ['currency: String'], withoutFields: ['amount'] }));
    expect(result).toMatchObject({ ok: false, unchanged: false, version: null, supergraph: { accepted: false } });
    const breaking = result.report.results.find((r) => r.rule === 'breaking' && r.severity === 'ERROR');
    expect(breaking).toMatchObject({ coordinates: expect.arrayContaining(['PricingItem.amount']), clients: [{ client: 'storefront', version: '4.2', count: 7, lastSeen: today }] });
    expect(result.supergraph?.reason).toContain('breaking');
    expect(result.supergraph?.inputs).toEqual([{ name: 'billing', version: 1 }, { name: 'pricing', version: 0 }]);
    const [latest] = await reader.supergraphs(1);
    expect(latest).toMatchObject({ id: result.supergraph?.id, accepted: false });
    // Refused: the served supergraph and the current version did not move.
    expect(await reader.subgraph('pricing')).toMatchObject({ version: 2 });
    expect((await reader.supergraph())?.accepted).toBe(true);
  });

  it('accepts the same kind of change to a coordinate nobody used, with that evidence', async () => {
    const result = await pricingTeam.publish(pricing({ extraFields: ['currency: String'], withoutFields: ['title'] }));
    expect(result.ok).toBe(true);
    const unused = result.report.results.find((r) => r.rule === 'breaking');
    expect(unused).toMatchObject({ severity: 'INFO', coordinates: expect.arrayContaining(['PricingItem.title']), evidence: expect.stringContaining('no client used') });
    expect(result.version?.version).toBe(3);
  });

  it('serializes concurrent publishes: each composes against the other, and the served supergraph has both', async () => {
    const [a, b] = await Promise.all([
      pricingTeam.publish(pricing({ extraFields: ['currency: String', 'validFrom: String'], withoutFields: ['title'] })),
      billingTeam.publish(billing({ extraFields: ['dueDate: String'] })),
    ]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect((await reader.supergraph())?.inputs).toEqual([{ name: 'billing', version: 2 }, { name: 'pricing', version: 4 }]);
  });
});

describe('rollback and remove (admins only)', () => {
  it('rolls back by storing a new version that copies the old one, after the same checks', async () => {
    const v2 = (await reader.history('pricing')).find((v) => v.version === 2);
    // Back to version 2 brings `title` back and drops `validFrom`, which nobody used.
    const result = await admin.rollback('pricing', 2);
    expect(result).toMatchObject({ ok: true, unchanged: false, version: { version: 5, action: 'rollback', sdl: v2?.sdl, url: v2?.url, label: 'c0ffee2', publisher: 'platform-admin', current: true } });
    expect(result.supergraph).toMatchObject({ accepted: true, inputs: [{ name: 'billing', version: 2 }, { name: 'pricing', version: 5 }] });
    expect(await admin.rollback('pricing', 2)).toMatchObject({ ok: true, unchanged: true, version: { version: 5 } });
    expect([(await refusal(admin.rollback('pricing', 99))).code]).toEqual(['NOT_FOUND']);
  });

  it('removes a subgraph: a removal row in history, out of subgraphs and of the served supergraph', async () => {
    const result = await admin.remove('billing');
    expect(result).toMatchObject({ ok: true, version: { name: 'billing', version: 3, action: 'remove', current: false }, supergraph: { accepted: true, inputs: [{ name: 'pricing', version: 5 }] } });
    expect((await reader.subgraphs()).map((v) => v.name)).toEqual(['pricing']);
    expect(await reader.subgraph('billing')).toBeNull();
    expect((await reader.history('billing')).map((v) => [v.version, v.action, v.current])).toEqual([
      [3, 'remove', false],
      [2, 'publish', false],
      [1, 'publish', false],
    ]);
    const served = await (await getSupergraph(await authorization(['registry:read']))).json();
    expect(served.subgraphs.map((s: { name: string }) => s.name)).toEqual(['pricing']);
    expect(served.sdl).not.toContain('BillingItem');
    expect(await admin.remove('billing')).toMatchObject({ ok: true, unchanged: true });
    expect((await refusal(admin.remove('never-published'))).code).toBe('NOT_FOUND');
    // Publishing it again brings it back as the next version.
    expect(await billingTeam.publish(billing())).toMatchObject({ ok: true, version: { version: 4, action: 'publish' } });

    // A descriptor-only change composes the same SDL: same composition id, yet a new tag, so gateways pick up the descriptor.
    const before = await getSupergraph(await authorization(['registry:read']));
    const { id } = await before.json();
    expect(await billingTeam.publish(billing({ availability: 99.9 }))).toMatchObject({ ok: true, version: { version: 5 }, supergraph: { id } });
    const after = await getSupergraph({ ...(await authorization(['registry:read'])), 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });
});

describe('usage', () => {
  it('adds reports up per day and client, and answers who used which coordinates', async () => {
    const entry = { day: today, clientName: 'ios', clientVersion: '1.0', coordinate: 'PricingItem.currency', count: 2 };
    expect(await gateway.reportUsage([entry, { ...entry, count: 3 }, { ...entry, clientName: 'web', count: 0 }])).toBe(3);
    expect(await gateway.reportUsage([{ ...entry, day: '2000-01-01', count: 50 }])).toBe(1);
    const usage = await reader.usage(['PricingItem.currency', 'PricingItem.amount', 'Nobody.used']);
    expect(usage).toEqual([
      { coordinate: 'PricingItem.currency', clients: [{ client: 'ios', version: '1.0', count: 5, lastSeen: today }] },
      { coordinate: 'PricingItem.amount', clients: [{ client: 'storefront', version: '4.2', count: 7, lastSeen: today }] },
      { coordinate: 'Nobody.used', clients: [] },
    ]);
    expect((await reader.usage(['PricingItem.currency'], 366))[0].clients[0].count).toBe(5);
  });

  it('refuses a malformed report as a whole, and more than 10000 entries per call', async () => {
    const good = { day: today, clientName: 'ios', clientVersion: '1.0', coordinate: 'PricingItem.currency', count: 1 };
    const bad = await refusal(gateway.reportUsage([good, { ...good, day: '2026-02-30' }, { ...good, coordinate: 'not a coordinate' }]));
    expect([bad.code, bad.message]).toEqual(['BAD_USER_INPUT', expect.stringMatching(/entries\[1\]\.day: expected a date.*entries\[2\]\.coordinate/)]);
    const many = await refusal(gateway.reportUsage(Array.from({ length: 10_001 }, () => good)));
    expect(many.message).toContain('at most 10000 entries');
    expect((await reader.usage(['PricingItem.currency']))[0].clients[0].count).toBe(5);
  });
});

describe('the client', () => {
  it('throws a RegistryError with code and status when the registry cannot be reached or is not there', async () => {
    const unreachable = await refusal(createRegistryClient({ url: 'http://127.0.0.1:1', token: 'x' }).subgraphs());
    expect([unreachable.code, unreachable.status, unreachable.message]).toEqual(['UNREACHABLE', 0, expect.stringContaining('Cannot reach the registry at http://127.0.0.1:1')]);
    const wrongPath = await refusal(createRegistryClient({ url: `${test.registry.url}/elsewhere`, token: 'x' }).subgraphs());
    expect([wrongPath.code, wrongPath.status]).toEqual(['NOT_FOUND', 404]);
  });
});
