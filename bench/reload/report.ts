/** The reload scenario's table, printed beside the side-by-side one (and alone by `npm run bench:reload`). */
import type { ReloadResult } from './scenario.js';

const ms = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(0));

export function formatReloadTable(result: ReloadResult): string {
  const s = result.settings;
  const header = ['gateway', 'RPS', 'p50 ms', 'p99 ms', 'errors', 'wrong', 'reloads seen', 'reload ms min', 'median', 'max', 'gw CPU %', 'gw CPU ms/req', 'peak RSS MB'];
  const body = result.rows.map((r) => [
    r.peer,
    r.rps.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.errors),
    String(r.wrongAnswers),
    `${r.reloadsObserved}/${r.publishes - r.refused}${r.refused ? ` (${r.refused} refused)` : ''}`,
    ms(r.reloadLatencyMs?.min),
    ms(r.reloadLatencyMs?.median),
    ms(r.reloadLatencyMs?.max),
    r.gatewayCpuPercent.toFixed(0),
    r.gatewayCpuMsPerRequest.toFixed(2),
    r.peakRssMb.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const publish = result.rows.flatMap((r) => (r.publishMs ? [r.publishMs.median] : []));
  return [
    `Reload scenario: workload (b) for ${s.duration} s per gateway (after ${s.warmup} s warm-up), ${s.connections} connections, while a new supergraph is published every ${s.periodMs / 1000} s`,
    `(${s.changed}); both gateways poll the registry (GET /supergraph, If-None-Match) every ${s.pollIntervalMs} ms; the gateway not under load is paused.`,
    format(header),
    ...body.map(format),
    ...result.rows.map((r) => `  ${r.peer}: ${r.label}`),
    `  ${result.method}`,
    publish.length ? `  publish mutation (checks, composition, storage) median ${publish.map((p) => p.toFixed(0)).join(' / ')} ms during the two runs` : '',
    ...result.rows.flatMap((r) => (r.seconds > result.settings.duration + 0.5 ? [`  ${r.peer}: the load ran ${r.seconds.toFixed(1)} s, past ${result.settings.duration} s, until its last reload showed`] : [])),
    ...result.rows.flatMap((r) => (r.unlabelled ? [`  ${r.peer}: ${r.unlabelled} answers carried no supergraph id`] : [])),
    ...result.rows.flatMap((r) => (r.missed ? [`  ${r.peer}: ${r.missed} published supergraphs never reached an answer before the load ended`] : [])),
  ]
    .filter((line) => line !== '')
    .join('\n');
}
