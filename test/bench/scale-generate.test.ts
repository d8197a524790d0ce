import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { Kind, parse, validate, type DocumentNode } from 'graphql';
import { generateScaleMesh, type GuardKind } from '../../bench/scale/generate.js';
import { writeScaleMesh } from '../../bench/scale/mesh-files.js';
import { chainOperation } from '../../bench/scale/operations.js';
import { renderSubgraphSdl } from '../../bench/scale/render-sdl.js';
import { SCALE_POLICIES } from '../../bench/scale/vocabulary.js';
import { composeContracts } from '../../gateway/src/supergraph/compose-source.js';
import { prepareSupergraph, type PreparedSupergraph } from '../../gateway/src/supergraph/security-features.js';

// The scale benchmark's generator (bench/scale/generate.ts) on a small mesh: it must compose, own
// exactly the types asked for, keep its authorization directives through composition, and give
// operations that really cross subgraphs. A generator that drifts would make the benchmark measure
// something else without anyone noticing.

const KIND_IN_INDEX: Record<GuardKind, string> = { authenticated: 'authenticated', requiresScopes: 'scopes', policy: 'policies' };

describe('scale benchmark mesh generator', () => {
  const mesh = generateScaleMesh({ subgraphs: 5, types: 100 });
  let dir: string;
  let supergraphSdl: string;
  let supergraphDocument: DocumentNode;
  let prepared: PreparedSupergraph;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-scale-'));
    const contracts = await writeScaleMesh(mesh, dir, (name) => `http://127.0.0.1:9/${name}`);
    supergraphSdl = await composeContracts(contracts); // throws with composition's messages on any error
    supergraphDocument = parse(supergraphSdl);
    prepared = prepareSupergraph(supergraphSdl);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is deterministic for a seed and differs for another seed', () => {
    const again = generateScaleMesh({ subgraphs: 5, types: 100 });
    const other = generateScaleMesh({ subgraphs: 5, types: 100, seed: 5 });
    const sdl = (m: typeof mesh) => m.subgraphs.map(renderSubgraphSdl).join('\n');
    expect(sdl(again)).toBe(sdl(mesh));
    expect(sdl(other)).not.toBe(sdl(mesh));
  });

  it('composes the requested number of subgraphs', () => {
    const graphs = supergraphDocument.definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph');
    expect(graphs?.kind === Kind.ENUM_TYPE_DEFINITION && graphs.values?.map((v) => v.name.value)).toEqual(['SG000', 'SG001', 'SG002', 'SG003', 'SG004']);
  });

  it('defines exactly the requested number of types, each once, all of them in the API schema', () => {
    expect(mesh.typeNames).toHaveLength(100);
    expect(new Set(mesh.typeNames).size).toBe(100);
    const apiTypes = Object.keys(prepared.apiSchema.getTypeMap()).filter((name) => !name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID', 'Query'].includes(name));
    expect(apiTypes.sort()).toEqual([...mesh.typeNames].sort());
    // Entities are shared: most subgraphs contribute fields to another subgraph's entity.
    expect(mesh.subgraphs.filter((s) => s.foreign.some((f) => f.fields.length > 0)).length).toBe(5);
  });

  it('keeps every @authenticated, @requiresScopes and @policy through composition into the authorization index', () => {
    const counts = { authenticated: 0, requiresScopes: 0, policy: 0 };
    for (const { coordinate, kind } of mesh.guarded) {
      counts[kind]++;
      const [type, field] = coordinate.split('.');
      const ids = field === undefined ? prepared.index.typeRequirements(type) : prepared.index.fieldRequirements(type, field);
      const kinds = ids.map((id) => prepared.index.requirements[id].kind);
      expect({ coordinate, kinds }).toEqual({ coordinate, kinds: expect.arrayContaining([KIND_IN_INDEX[kind]]) });
    }
    expect(counts.authenticated).toBeGreaterThan(5);
    expect(counts.requiresScopes).toBeGreaterThan(5);
    expect(counts.policy).toBeGreaterThan(5);
    // The benchmark's configuration module decides every policy the mesh names (else the gateway refuses to start).
    expect([...prepared.policyNames].every((name) => SCALE_POLICIES.some((p) => p.name === name))).toBe(true);
    // The copy for stock @apollo/gateway has none of them.
    expect(prepared.plannerSdl).not.toMatch(/@authenticated|@requiresScopes|@policy/);
  });

  it('gives a chain operation that is valid and whose plan fetches from every subgraph it names', () => {
    const operation = chainOperation(mesh, 0, 5);
    const document = parse(operation.query);
    expect(validate(prepared.apiSchema, document)).toEqual([]);
    const supergraph = Supergraph.build(prepared.plannerSdl);
    const plan = new QueryPlanner(supergraph).buildQueryPlan(operationFromDocument(supergraph.schema, document));
    expect(fetchedSubgraphs(plan)).toEqual(operation.subgraphs);
    expect(operation.subgraphs).toEqual(['sg000', 'sg001', 'sg002', 'sg003', 'sg004']);
    expect(chainOperation(mesh, 2, 5).name).not.toBe(operation.name);
  });

  it('refuses sizes it cannot generate, saying what was expected', () => {
    expect(() => generateScaleMesh({ subgraphs: 10, types: 20 })).toThrow('expected "types" to be a whole number >= 4 per subgraph (40), got 20');
    expect(() => generateScaleMesh({ subgraphs: 0 })).toThrow('expected "subgraphs" to be a whole number >= 1, got 0');
  });
});

/** Subgraph names (lower-case, as generated) of every fetch in a plan. */
function fetchedSubgraphs(plan: QueryPlan): string[] {
  const found = new Set<string>();
  const walk = (node: PlanNode | undefined): void => {
    if (!node) return;
    if (node.kind === 'Fetch') found.add(node.serviceName.toLowerCase());
    else if (node.kind === 'Sequence' || node.kind === 'Parallel') node.nodes.forEach(walk);
    else if (node.kind === 'Flatten') walk(node.node);
    else throw new Error(`fetchedSubgraphs: plan node ${node.kind} not expected in the generated mesh's plans`);
  };
  if (plan.node?.kind === 'Subscription') throw new Error('fetchedSubgraphs: the generated mesh has no subscriptions');
  walk(plan.node);
  return [...found].sort();
}
