import { LEAKY_MESSAGE, startFixtureMesh, type FixtureMesh } from '../support/fixture-mesh.js';
import { postGraphQL, postSigned } from '../support/http.js';
import { captureLogs } from '../support/logs.js';

// Nothing internal leaks: a resolver that throws a plain Error reaches clients only as
// "Internal server error", whether they ask the subgraph (as the gateway does) or the gateway;
// validation errors give no "Did you mean" hints.

const INTERNAL = { message: 'Internal server error', path: ['brokenInfo'] };

describe('error masking', () => {
  let mesh: FixtureMesh;
  const subgraphLogs = captureLogs('info');
  beforeAll(async () => {
    mesh = await startFixtureMesh({ subgraphLogger: subgraphLogs.logger });
  });
  afterAll(() => mesh?.stop());

  it('a plain Error in a subgraph resolver is "Internal server error" on the subgraph itself', async () => {
    const { status, body } = await postSigned(mesh.subgraphs.catalog.subgraph.url, '{ publicInfo brokenInfo }', undefined, { audience: 'catalog' });
    expect(status).toBe(200);
    expect(body.data).toEqual({ publicInfo: 'Welcome', brokenInfo: null });
    expect(body.errors).toEqual([{ ...INTERNAL, locations: [{ line: 1, column: 14 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
  });

  it('and through the gateway, with the rest of the answer', async () => {
    const { status, body } = await postGraphQL(mesh.gateway.url, '{ publicInfo brokenInfo }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ publicInfo: 'Welcome', brokenInfo: null });
    expect(body.errors).toEqual([{ ...INTERNAL, extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'catalog' } }]);
    expect(JSON.stringify(body)).not.toContain('10.0.0.5');
    expect(JSON.stringify(body)).not.toContain(LEAKY_MESSAGE.slice(0, 20));
  });

  it('the detail is logged by the subgraph once, under the request id the gateway forwarded', async () => {
    await postGraphQL(mesh.gateway.url, '{ publicInfo brokenInfo }', undefined, { 'x-request-id': 'masked-1' });
    const lines = subgraphLogs.lines.filter((line) => line.msg === 'unexpected error in resolver' && line.requestId === 'masked-1');
    expect(lines).toEqual([expect.objectContaining({ subgraph: 'catalog', level: 50, path: ['brokenInfo'], err: expect.objectContaining({ message: expect.stringContaining(LEAKY_MESSAGE) }) })]);
  });

  it.each([
    ['a misspelt field', '{ publicInf }', 'Cannot query field "publicInf" on type "Query".'],
    ['a misspelt argument', '{ product(idd: "1") { name } }', 'Unknown argument "idd" on field "Query.product".'],
    ['a misspelt type in a fragment', '{ posts { ... on PublicBlg { id } } }', 'Unknown type "PublicBlg".'],
  ])('%s is refused without suggesting the right name', async (_name, query, message) => {
    const { status, body } = await postGraphQL(mesh.gateway.url, query);
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(JSON.stringify(body)).not.toMatch(/Did you mean/);
  });
});
