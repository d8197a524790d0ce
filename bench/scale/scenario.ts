/**
 * The scale scenario (issue 4): a generated mesh of 100 subgraphs / 5,000 types, composed with the
 * product's composition path, then Meshgate and stock @apollo/gateway measured on it, one after the
 * other, each in a fresh process: start-up time, memory, first and cached query-plan times.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { composeContracts } from '../../gateway/src/supergraph/compose-source.js';
import { prepareSupergraph } from '../../gateway/src/supergraph/security-features.js';
import { bearer } from '../../test/support/tokens.js';
import { generateScaleMesh, type GuardKind } from './generate.js';
import { meshgate, stockApollo } from './gateways.js';
import { measureGateway, type GatewayMeasurement } from './measure-gateway.js';
import { writeScaleMesh } from './mesh-files.js';
import { chainOperation } from './operations.js';
import { runtimeStartMs } from './processes.js';
import { startStubSubgraphs } from './stub-subgraphs.js';
import { medianOf } from './summary.js';
import { SCALE_POLICIES, SCALE_SCOPES } from './vocabulary.js';

export interface ScaleOptions {
  /** Default 100 (issue 4). */
  subgraphs?: number;
  /** Default 5000 (issue 4). */
  types?: number;
  /** Default 4. */
  seed?: number;
  /** Subgraphs the measured operation follows `next` through. Default 5. */
  hops?: number;
  /**
   * Fresh processes per gateway; the table shows per-metric medians. Runs alternate
   * (M A A M M A ...) so a load change on the shared machine does not favour one side. Default 3.
   */
  runs?: number;
  /** Where the generated contracts and supergraphs are written. Default /tmp/meshgate-bench/scale. */
  outDir?: string;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface ScaleResult {
  mesh: {
    subgraphs: number;
    types: number;
    seed: number;
    /** Types and fields of the composed API schema (what clients see; built-ins excluded). */
    apiTypes: number;
    apiFields: number;
    /** Directive applications the generator wrote, by directive. */
    directives: Record<GuardKind, number>;
    /** Distinct requirements in Meshgate's authorization index. */
    authorizationRequirements: number;
    supergraphBytes: number;
    /** The copy without SECURITY features that @apollo/gateway (stock, and inside Meshgate) plans on. */
    plannerSupergraphBytes: number;
    generateMs: number;
    /** composeContracts over the generated files (read, parse, compose). */
    compositionMs: number;
    /** prepareSupergraph in the benchmark process: what Meshgate adds at start-up (index, stripped copy). */
    prepareMs: number;
  };
  operations: { first: { name: string; subgraphs: string[] }; second: { name: string; subgraphs: string[] }; hops: number };
  /** spawn -> exit of `node --import tsx -e 0`: the part of every start time that is only the runtime. */
  runtimeStartMs: number;
  /** Per-metric medians over `runs`. */
  meshgate: GatewayMeasurement;
  apolloGateway: GatewayMeasurement;
  runs: { meshgate: GatewayMeasurement[]; apolloGateway: GatewayMeasurement[] };
  /** 1-minute load average when the gateways' measurement began and ended (2 cores: above ~1 means something else ran). */
  loadAverage: { before: number; after: number };
  /** How planning was measured, for whoever reads the JSON later. */
  method: string;
}

export const METHOD =
  'Each gateway runs in its own fresh process (node --import tsx), never two at once, alternating M A A M M A...; medians shown. Start = spawn until its port accepts a TCP ' +
  'connection (both listen only after loading the supergraph). Every subgraph URL points at a stub that answers each fetch with ' +
  'data: null and an error, so a request costs HTTP + parse/validate + (Meshgate) authorization + planning + one short fetch. ' +
  'Each operation is sent new, then again (cached plan), then 5 more times (median): first - cached is the planning time ' +
  '(plus parse/validate, which Apollo Server caches too). ' +
  'The second operation is new too, but planned in a warm process. Meshgate gets a token holding every scope and role, so nothing is ' +
  'filtered. RSS from /proc/<pid>/status (VmRSS; peak = VmHWM).';

export async function runScaleScenario(options: ScaleOptions = {}): Promise<ScaleResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const outDir = options.outDir ?? '/tmp/meshgate-bench/scale';
  const hops = options.hops ?? 5;
  const runCount = options.runs ?? 3;
  if (!Number.isInteger(runCount) || runCount < 1) throw new Error(`runScaleScenario: expected "runs" to be a whole number >= 1, got ${runCount}`);
  const stub = await startStubSubgraphs();
  try {
    let started = performance.now();
    const mesh = generateScaleMesh({ subgraphs: options.subgraphs, types: options.types, seed: options.seed });
    const contracts = await writeScaleMesh(mesh, join(outDir, 'subgraphs'), stub.urlOf);
    const generateMs = performance.now() - started;
    log(`scale: generated ${mesh.options.subgraphs} subgraphs / ${mesh.options.types} types into ${join(outDir, 'subgraphs')}; composing...`);

    started = performance.now();
    const supergraph = await composeContracts(contracts);
    const compositionMs = performance.now() - started;
    started = performance.now();
    const prepared = prepareSupergraph(supergraph);
    const prepareMs = performance.now() - started;
    const files = { full: join(outDir, 'supergraph.full.graphql'), planner: join(outDir, 'supergraph.stripped.graphql') };
    await mkdir(outDir, { recursive: true });
    await writeFile(files.full, supergraph);
    await writeFile(files.planner, prepared.plannerSdl);
    log(`scale: composed in ${compositionMs.toFixed(0)} ms (${(supergraph.length / 1e6).toFixed(2)} MB); measuring the gateways...`);

    const { apiTypes, apiFields } = countApiSchema(prepared.apiSchema);
    const directives: Record<GuardKind, number> = { authenticated: 0, requiresScopes: 0, policy: 0 };
    for (const { kind } of mesh.guarded) directives[kind]++;

    const first = chainOperation(mesh, 0, Math.min(hops, mesh.hubs.length));
    const second = chainOperation(mesh, Math.floor(mesh.hubs.length / 2), Math.min(hops, mesh.hubs.length));
    const headers = await bearer({ subject: 'scale-benchmark', scopes: SCALE_SCOPES, roles: SCALE_POLICIES.map((p) => p.role) });
    const runtime = await runtimeStartMs();
    const runs = { meshgate: [] as GatewayMeasurement[], apolloGateway: [] as GatewayMeasurement[] };
    const peers = { meshgate: meshgate(files.full), apolloGateway: stockApollo(files.planner) };
    const loadBefore = loadavg()[0];
    for (let run = 0; run < runCount; run++) {
      const order = (run % 2 === 0 ? ['meshgate', 'apolloGateway'] : ['apolloGateway', 'meshgate']) as (keyof typeof peers)[];
      for (const key of order) {
        const measured = await measureGateway(peers[key], { first, second }, headers, stub);
        runs[key].push(measured);
        log(`scale: run ${run + 1}/${runCount} ${peers[key].name}: listening after ${measured.startMs.toFixed(0)} ms, first plan ${measured.first.firstMs.toFixed(0)} ms`);
      }
    }
    const loadAfter = loadavg()[0];

    return {
      mesh: {
        ...mesh.options,
        apiTypes,
        apiFields,
        directives,
        authorizationRequirements: prepared.index.requirements.length,
        supergraphBytes: Buffer.byteLength(supergraph),
        plannerSupergraphBytes: Buffer.byteLength(prepared.plannerSdl),
        generateMs,
        compositionMs,
        prepareMs,
      },
      operations: { first: { name: first.name, subgraphs: first.subgraphs }, second: { name: second.name, subgraphs: second.subgraphs }, hops },
      runtimeStartMs: runtime,
      meshgate: medianOf(runs.meshgate),
      apolloGateway: medianOf(runs.apolloGateway),
      runs,
      loadAverage: { before: loadBefore, after: loadAfter },
      method: METHOD,
    };
  } finally {
    await stub.close();
  }
}

const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

/**
 * Types (built-ins and introspection excluded) and fields of the API schema. Duck-typed on purpose:
 * bench/ has its own `graphql` install, and graphql-js refuses objects from another copy.
 */
function countApiSchema(schema: ReturnType<typeof prepareSupergraph>['apiSchema']): { apiTypes: number; apiFields: number } {
  const types = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && !BUILT_IN_SCALARS.has(t.name));
  const apiFields = types.reduce((sum, t) => sum + ('getFields' in t ? Object.keys(t.getFields()).length : 0), 0);
  return { apiTypes: types.length, apiFields };
}
