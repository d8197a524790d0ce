import { SignJWT } from 'jose';
import { request } from 'undici';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { mintToken } from '../../gateway/src/governance/dev-token.js';
import { postGraphQL } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { bearer } from '../support/tokens.js';

// The authorization spec end to end: real tokens, the real gateway, real subgraphs over HTTP.
const UNAUTHORIZED = (path: (string | number)[]) => ({
  message: 'Unauthorized field or type',
  path,
  extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
});

describe('default (filter) mode', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());
  const ask = async (query: string, auth: Record<string, string> = {}, variables?: Record<string, unknown>) =>
    postGraphQL(stack.gateway.url, query, variables, auth);

  it('shows Product.unitCost to a caller with finance:read', async () => {
    const { body } = await ask('{ products(limit: 3) { sku unitCost } }', await bearer({ scopes: ['finance:read'] }));
    expect(body.errors).toBeUndefined();
    expect((body.data as any).products.every((p: any) => typeof p.unitCost === 'number')).toBe(true);
  });

  it.each([
    ['anonymous', {}],
    ['authenticated without the scope', { scopes: ['support:read'] }],
  ])('gives %s the rest of the answer, null for unitCost and one error for the removed path', async (_who, token) => {
    const auth = 'scopes' in token ? await bearer(token) : {};
    const { status, body } = await ask('{ products(limit: 3) { sku unitCost } }', auth);
    expect(status).toBe(200);
    expect((body.data as any).products).toEqual([
      { sku: 'SKU-00001', unitCost: null },
      { sku: 'SKU-00002', unitCost: null },
      { sku: 'SKU-00003', unitCost: null },
    ]);
    expect(body.errors).toEqual([UNAUTHORIZED(['products', '@', 'unitCost'])]);
  });

  it('sees through aliases and named fragments', async () => {
    const { body } = await ask('{ product(id: "1") { sku cost: unitCost ...Money } } fragment Money on Product { unitCost }');
    expect(body.data).toEqual({ product: { sku: 'SKU-00001', cost: null, unitCost: null } });
    expect(body.errors).toEqual(expect.arrayContaining([UNAUTHORIZED(['product', 'cost']), UNAUTHORIZED(['product', 'unitCost'])]));
    expect(body.errors).toHaveLength(2);
  });

  it('removes an @authenticated type for anonymous callers before planning: the owning subgraph is not called', async () => {
    stack.subgraphs['customer-service'].resetStatements();
    const { body } = await ask('{ customer(id: "1") { name } }');
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([UNAUTHORIZED(['customer'])]);
    expect(stack.subgraphs['customer-service'].statements).toEqual([]);
  });

  it.each([
    ['a pii-reader', ['pii-reader'], false],
    ['an authenticated caller without the pii role', ['analyst'], true],
  ])('applies the pii policy to Customer.email for %s', async (_who, roles, denied) => {
    const { body } = await ask('{ customer(id: "5") { name email } }', await bearer({ roles }));
    const customer = (body.data as any).customer;
    expect(customer.name).toEqual(expect.any(String));
    if (denied) {
      expect(customer.email).toBeNull();
      expect(body.errors).toEqual([UNAUTHORIZED(['customer', 'email'])]);
    } else {
      expect(customer.email).toMatch(/@example\.com$/);
      expect(body.errors).toBeUndefined();
    }
  });

  it.each([
    [['marketing:budget'], false],
    [['finance:read'], false],
    [['support:read'], true],
  ])('Campaign.budget needs marketing:budget OR finance:read (scopes %j)', async (scopes, denied) => {
    const { body } = await ask('{ campaigns(limit: 2) { name budget } }', await bearer({ scopes }));
    const budgets = (body.data as any).campaigns.map((c: any) => c.budget);
    expect(budgets.every((b: unknown) => (denied ? b === null : typeof b === 'number'))).toBe(true);
    expect(body.errors).toEqual(denied ? [UNAUTHORIZED(['campaigns', '@', 'budget'])] : undefined);
  });

  it('filters a restricted type reached through an entity join (tickets of a product need support:read)', async () => {
    const { body } = await ask('{ product(id: "2") { sku tickets(limit: 2) { subject } openTicketCount } }', await bearer({ scopes: [] }));
    expect((body.data as any).product).toEqual({ sku: 'SKU-00002', tickets: null, openTicketCount: expect.any(Number) });
    expect(body.errors).toEqual([UNAUTHORIZED(['product', 'tickets'])]);
  });

  it('refuses a mutation the caller lacks the scope for, and changes nothing', async () => {
    const mutation = 'mutation { adjustStock(productId: "1", warehouseId: "1", delta: 1, reason: RECEIVED) { stockLevel { quantity } } }';
    stack.subgraphs.inventory.resetStatements();
    const { body } = await ask(mutation, await bearer({ scopes: ['finance:read'] }));
    expect(body).toEqual({ data: null, errors: [UNAUTHORIZED(['adjustStock'])] });
    expect(stack.subgraphs.inventory.statements).toEqual([]);
    const allowed = await ask(mutation, await bearer({ scopes: ['inventory:write'] }));
    expect(allowed.body.errors).toBeUndefined();
  });

  it('drops the variables of a removed field so the rest still executes', async () => {
    const { body } = await ask(
      'query($id: ID!, $limit: Int) { product(id: $id) { sku } customer(id: "1") { tickets(limit: $limit) { subject } } }',
      {},
      { id: '3', limit: 2 },
    );
    expect((body.data as any).product).toEqual({ sku: 'SKU-00003' });
    expect((body.data as any).customer).toBeNull();
  });

  it.each([
    ['an expired token', async () => mintToken({ subject: 'x', issuedAt: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 60 }), /expired/i],
    ['a token signed with another secret', async () => mintToken({ subject: 'x', secret: 'another-secret-that-is-long-enough-0123456789' }), /signature/i],
    [
      'an alg none token',
      async () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`,
      /./,
    ],
    [
      'a token for another audience',
      async () =>
        new SignJWT({ sub: 'x' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('meshgate-dev')
          .setAudience('someone-else')
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(loadGatewayConfig({}).authentication.kind === 'hs256' ? (loadGatewayConfig({}).authentication as { secret: string }).secret : '')),
      /aud/i,
    ],
  ])('answers %s with 401 AUTH_ERROR, never as anonymous', async (_name, make, message) => {
    const { status, body } = await ask('{ products(limit: 1) { sku } }', { authorization: `Bearer ${await make()}` });
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'AUTH_ERROR' } });
  });

  it('leaves introspection unchanged by authorization', async () => {
    const { body } = await ask('{ __type(name: "Product") { fields { name } } }');
    expect((body.data as any).__type.fields.map((f: any) => f.name)).toContain('unitCost');
  });

  it('refuses a direct call to a subgraph that goes around the gateway', async () => {
    const response = await request(stack.subgraphs.inventory.subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _entities(representations: [{ __typename: "Product", id: "1" }]) { ... on Product { unitCost } } }' }),
    });
    expect(response.statusCode).toBe(401);
    expect(((await response.body.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('options', () => {
  let stack: TestStack;
  afterEach(() => stack?.stop());
  const base = () => loadGatewayConfig({}).authorization;

  it('rejectUnauthorized refuses the whole operation and lists every failing path', async () => {
    stack = await startTestStack({ authorization: { ...base(), rejectUnauthorized: true } });
    const { body } = await postGraphQL(stack.gateway.url, '{ products(limit: 2) { sku unitCost } campaigns(limit: 1) { budget } }');
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([UNAUTHORIZED(['products', '@', 'unitCost']), UNAUTHORIZED(['campaigns', '@', 'budget'])]);
  });

  it('dryRun reports what would be denied and denies nothing', async () => {
    stack = await startTestStack({ authorization: { ...base(), dryRun: true } });
    const { body } = await postGraphQL(stack.gateway.url, '{ products(limit: 1) { sku unitCost } }');
    expect((body.data as any).products[0].unitCost).toEqual(expect.any(Number));
    expect(body.errors).toBeUndefined();
    expect((body.extensions as any).authorizationDryRun).toEqual([UNAUTHORIZED(['products', '@', 'unitCost'])]);
  });

  it('errors: "extensions" moves the paths out of errors', async () => {
    stack = await startTestStack({ authorization: { ...base(), errors: 'extensions' } });
    const { body } = await postGraphQL(stack.gateway.url, '{ product(id: "1") { sku unitCost } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ product: { sku: 'SKU-00001', unitCost: null } });
    expect((body.extensions as any).authorizationErrors).toEqual([UNAUTHORIZED(['product', 'unitCost'])]);
  });

  it('requireAuthentication answers anonymous requests 401 AUTH_ERROR', async () => {
    stack = await startTestStack({ authorization: { ...base(), requireAuthentication: true } });
    const anonymous = await postGraphQL(stack.gateway.url, '{ products(limit: 1) { sku } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0].extensions?.code).toBe('AUTH_ERROR');
    const signedIn = await postGraphQL(stack.gateway.url, '{ products(limit: 1) { sku } }', undefined, await bearer());
    expect(signedIn.body.errors).toBeUndefined();
  });
});

describe('masking (operator opt-in)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ configModulePath: 'test/fixtures/masking.config.ts' });
  });
  afterAll(() => stack?.stop());

  it('serves a masked value instead of null, with no error, where the operator masks the field', async () => {
    const { body } = await postGraphQL(stack.gateway.url, '{ customer(id: "5") { name email } }', undefined, await bearer({ roles: ['analyst'] }));
    expect(body.errors).toBeUndefined();
    expect((body.data as any).customer.email).toMatch(/^[a-z]\*\*\*@example\.com$/);
  });

  it('keeps the spec answer when unmasking would also reveal an unmasked field guarded by the same rule', async () => {
    const { body } = await postGraphQL(stack.gateway.url, '{ customer(id: "5") { name email phone } }', undefined, await bearer({ roles: ['analyst'] }));
    expect((body.data as any).customer).toEqual({ name: expect.any(String), email: null, phone: null });
    expect(body.errors).toEqual([UNAUTHORIZED(['customer', 'email']), UNAUTHORIZED(['customer', 'phone'])]);
  });

  it('leaves values the caller may read unmasked', async () => {
    const { body } = await postGraphQL(stack.gateway.url, '{ customer(id: "5") { email } }', undefined, await bearer({ roles: ['pii-reader'] }));
    expect((body.data as any).customer.email).not.toContain('***');
  });
});
