import type { GatewayMeasurement } from './measure-gateway.js';
import type { ScaleResult } from './scenario.js';

const ms = (value: number) => `${value.toFixed(0)} ms`;
const mb = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)} MB`);

/** The scenario's result as a plain-text table: metric | Meshgate | @apollo/gateway. */
export function formatScaleTable(result: ScaleResult): string {
  const { mesh, operations } = result;
  const rows: [string, (m: GatewayMeasurement) => string][] = [
    ['start: spawn -> listening', (m) => ms(m.startMs)],
    ['RSS after start', (m) => mb(m.rssAfterStartMb)],
    ['peak RSS during start', (m) => mb(m.peakRssAfterStartMb)],
    [`op 1, first run (new plan, cold process)`, (m) => ms(m.first.firstMs)],
    [`op 1, second run (cached plan)`, (m) => ms(m.first.secondMs)],
    [`op 1, cached median of 5`, (m) => ms(m.first.cachedMedianMs)],
    [`op 1, planning (first - cached)`, (m) => ms(m.first.firstMs - m.first.cachedMedianMs)],
    ['RSS after op 1 first run (plan built)', (m) => mb(m.rssAfterFirstPlanMb)],
    [`op 2, first run (new plan, warm process)`, (m) => ms(m.second.firstMs)],
    [`op 2, cached median of 5`, (m) => ms(m.second.cachedMedianMs)],
    [`op 2, planning (first - cached)`, (m) => ms(m.second.firstMs - m.second.cachedMedianMs)],
    ['RSS after both operations', (m) => mb(m.rssAfterPlansMb)],
    ['peak RSS', (m) => mb(m.peakRssMb)],
    ['subgraph fetches per request', (m) => String(m.first.fetches)],
  ];
  const header = ['metric', 'Meshgate', '@apollo/gateway'];
  const body = rows.map(([label, cell]) => [label, cell(result.meshgate), cell(result.apolloGateway)]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ');
  return [
    `Scale scenario: ${mesh.subgraphs} subgraphs, ${mesh.types} generated types (API schema: ${mesh.apiTypes} types, ${mesh.apiFields} fields), seed ${mesh.seed}`,
    `  directives: ${mesh.directives.authenticated} @authenticated, ${mesh.directives.requiresScopes} @requiresScopes, ${mesh.directives.policy} @policy (${mesh.authorizationRequirements} distinct requirements)`,
    `  supergraph ${(mesh.supergraphBytes / 1e6).toFixed(2)} MB (planner copy ${(mesh.plannerSupergraphBytes / 1e6).toFixed(2)} MB); composition ${ms(mesh.compositionMs)}, Meshgate's prepareSupergraph ${ms(mesh.prepareMs)} (in the benchmark process)`,
    `  op 1 = ${operations.first.name}, op 2 = ${operations.second.name}: ${operations.hops} hops, each selects fields of ${operations.first.subgraphs.length} / ${operations.second.subgraphs.length} subgraphs`,
    `  runtime floor (node --import tsx -e 0): ${ms(result.runtimeStartMs)}; medians of ${result.runs.meshgate.length} fresh process(es) per gateway; load average ${result.loadAverage.before.toFixed(2)} -> ${result.loadAverage.after.toFixed(2)} (2 cores)`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...body.map(line),
  ].join('\n');
}
