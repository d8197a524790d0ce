import { ApolloGateway } from '@apollo/gateway';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';
import { composeDataProducts } from '../../src/supergraph/compose-source.js';
import { prepareSupergraph } from '../../src/supergraph/security-features.js';
import { SupergraphError } from '../../src/supergraph/source.js';
import { anonymous, decide, user } from '../fixtures/authorize.js';
import { composeFixture } from '../fixtures/security-supergraph.js';

const gateways: ApolloGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

async function loadWithStockGateway(supergraphSdl: string): Promise<void> {
  const gateway = new ApolloGateway({ supergraphSdl, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  gateways.push(gateway);
  await gateway.load();
}

describe('prepareSupergraph', () => {
  const sdl = composeFixture();

  it('hands the planner a supergraph stock @apollo/gateway loads, which it refuses with the SECURITY features', async () => {
    const { plannerSdl } = prepareSupergraph(sdl);
    await expect(loadWithStockGateway(sdl)).rejects.toThrow(/SECURITY/);
    await expect(loadWithStockGateway(plannerSdl)).resolves.toBeUndefined();
  });

  it('strips the SECURITY links, directive definitions, usages and scalars, nothing else', () => {
    const { plannerSdl } = prepareSupergraph(sdl);
    for (const gone of ['specs.apollo.dev/authenticated', 'specs.apollo.dev/requiresScopes', 'specs.apollo.dev/policy', '@authenticated', '@requiresScopes', '@policy', 'requiresScopes__Scope', 'policy__Policy']) {
      expect(plannerSdl).not.toContain(gone);
    }
    expect(plannerSdl).toContain('@join__type(graph: REVIEWS, key: "id")');
  });

  it('still plans the join on a restricted @key field the caller may not read', () => {
    const { plannerSdl } = prepareSupergraph(sdl);
    const result = decide('{ products { name rating } }', anonymous);
    expect(result.denied).toEqual([]);
    const supergraph = Supergraph.build(plannerSdl);
    const operation = operationFromDocument(supergraph.schema, result.document!);
    const plan = prettyFormatQueryPlan(new QueryPlanner(supergraph).buildQueryPlan(operation));
    expect(plan).toMatch(/Fetch\(service: "catalog"\) \{[\s\S]*products \{[\s\S]*__typename[\s\S]*id[\s\S]*name/);
    expect(plan).toMatch(/Fetch\(service: "reviews"\)[\s\S]*\.\.\. on Product \{[\s\S]*rating/);
  });

  it('collects every policy name and indexes scalars, enums, types and fields', () => {
    const { index, policyNames } = prepareSupergraph(sdl);
    expect([...policyNames].sort()).toEqual(['internal', 'risk_viewer']);
    const describe = (ids: readonly number[]) => ids.map((id) => index.requirements[id]);
    expect(describe(index.typeRequirements('Secret'))).toEqual([{ kind: 'scopes', anyOf: [['read:secret']] }]);
    expect(describe(index.typeRequirements('Level'))).toEqual([{ kind: 'policies', anyOf: [['risk_viewer']] }]);
    expect(describe(index.typeRequirements('Supplier'))).toEqual([{ kind: 'authenticated' }]);
    expect(describe(index.fieldRequirements('Query', 'adminStats'))).toEqual([{ kind: 'scopes', anyOf: [['admin'], ['ops', 'read:stats']] }]);
    expect(describe(index.fieldRequirements('Product', 'supplier'))).toEqual([{ kind: 'authenticated' }]);
    expect(index.fieldRequirements('Product', 'name')).toEqual([]);
    expect(index.fieldRequirements('Query', 'posts')).toEqual([]);
  });

  it.each([
    ['imports renamed with `as`', composeFixture({ authenticated: 'signedIn', requiresScopes: 'scoped', policy: 'allowedBy' })],
    ['a namespace on the link itself', linkNamespaced(sdl)],
  ])('enforces directives by their linked names: %s', (_name, renamed) => {
    expect(renamed).not.toMatch(/directive @authenticated\b|\) @authenticated\b/);
    const prepared = prepareSupergraph(renamed);
    expect(decide('{ publicInfo me { id } }', anonymous, {}, undefined, prepared).paths).toEqual(['me']);
    expect(decide('{ publicInfo me { id } }', user(), {}, undefined, prepared).paths).toEqual([]);
    expect(decide('{ publicInfo secretCode riskLevel }', user(), {}, undefined, prepared).paths).toEqual(['secretCode', 'riskLevel']);
    expect(prepared.plannerSdl).not.toMatch(/@(signedIn|scoped|allowedBy|auth|rs)\b|rs__Scope/);
  });

  it.each([
    ['an unknown SECURITY feature', 'https://example.com/tenancy/v1.0', /unsupported SECURITY feature https:\/\/example\.com\/tenancy\/v1\.0 \(stock @apollo\/gateway refuses it too\); Meshgate enforces authenticated\/v0\.1, requiresScopes\/v0\.1, policy\/v0\.1 and passes on to the query planner what stock @apollo\/gateway supports: core \(v0\.1, v0\.2\), join \(v0\.1, v0\.2, v0\.3, v0\.4, v0\.5\), tag \(v0\.1, v0\.2, v0\.3\), inaccessible \(v0\.1, v0\.2\)/],
    ['a feature stock supports only in Apollo\'s router', 'https://specs.apollo.dev/context/v0.1', /unsupported SECURITY feature https:\/\/specs\.apollo\.dev\/context\/v0\.1 \(stock @apollo\/gateway refuses it too\)/],
    ['an unsupported version', 'https://specs.apollo.dev/authenticated/v0.2', /unsupported SECURITY feature https:\/\/specs\.apollo\.dev\/authenticated\/v0\.2/],
  ])('refuses %s', (_name, url, message) => {
    const withLink = sdl.replace('@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)', `$&\n  @link(url: "${url}", for: SECURITY)`);
    expect(() => prepareSupergraph(withLink)).toThrow(SupergraphError);
    expect(() => prepareSupergraph(withLink)).toThrow(message);
  });

  it('loads the real data products\' supergraph', async () => {
    const prepared = prepareSupergraph((await composeDataProducts()).sdl);
    expect(prepared.apiSchema.getQueryType()?.getFields()).toHaveProperty('products');
    await expect(loadWithStockGateway(prepared.plannerSdl)).resolves.toBeUndefined();
  });
});

/** The same supergraph with `as:` on the links: directives become `@auth`, `@rs`, `@pol`. */
function linkNamespaced(sdl: string): string {
  return sdl
    .replace(/@authenticated\b/g, '@auth')
    .replace(/@requiresScopes\b/g, '@rs')
    .replace(/requiresScopes__Scope/g, 'rs__Scope')
    .replace(/@policy\b/g, '@pol')
    .replace(/policy__Policy/g, 'pol__Policy')
    .replace('authenticated/v0.1", for: SECURITY', 'authenticated/v0.1", as: "auth", for: SECURITY')
    .replace('requiresScopes/v0.1", for: SECURITY', 'requiresScopes/v0.1", as: "rs", for: SECURITY')
    .replace('policy/v0.1", for: SECURITY', 'policy/v0.1", as: "pol", for: SECURITY');
}
