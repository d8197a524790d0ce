/** The benchmark's table, its targets (issue 4), and the JSON written beside them. */
import { APOLLO } from './peers.js';
import type { WorkloadId } from './workloads.js';

export interface Row {
  workload: WorkloadId;
  peer: string;
  rps: number;
  p50: number;
  p99: number;
  /** CPU of the gateway process (all its threads and children) per answered request. */
  gatewayCpuMsPerRequest: number | null;
  /** CPU of the three subgraph processes per answered request. */
  subgraphCpuMsPerRequest: number;
  subgraphCpuMsPerRequestByName: Record<string, number>;
  sqlPerRequest: number;
  peakRssMb: number | null;
  requests: number;
  errors: number;
  wrongAnswers: number;
  roundsRps: number[];
  vsApollo?: { rps: number; p99: number };
  samples?: string[];
}

export interface Target {
  target: string;
  met: boolean;
  detail: string;
}

const fixed = (n: number | null, digits = 1) => (n === null ? '-' : n.toFixed(digits));

export function formatTable(rows: readonly Row[], titles: Record<string, string>): string {
  const header = ['peer', 'RPS', 'x apollo', 'p50 ms', 'p99 ms', 'x apollo p99', 'gw CPU ms/req', 'sg CPU ms/req', 'SQL/req', 'peak RSS MB', 'errors', 'wrong'];
  const lines: string[] = [];
  for (const workload of [...new Set(rows.map((r) => r.workload))]) {
    lines.push('', `(${workload}) ${titles[workload]}`);
    const body = rows
      .filter((r) => r.workload === workload)
      .map((r) => [
        r.peer,
        r.rps.toFixed(0),
        r.vsApollo ? `${r.vsApollo.rps.toFixed(2)}x` : '-',
        fixed(r.p50),
        fixed(r.p99),
        r.vsApollo ? `${r.vsApollo.p99.toFixed(2)}x` : '-',
        fixed(r.gatewayCpuMsPerRequest, 2),
        fixed(r.subgraphCpuMsPerRequest, 2),
        fixed(r.sqlPerRequest, 2),
        fixed(r.peakRssMb, 0),
        String(r.errors),
        String(r.wrongAnswers),
      ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    lines.push(format(header), ...body.map(format));
  }
  return lines.join('\n');
}

/** Adds each row's ratios to stock @apollo/gateway on the same workload. */
export function withRatios(rows: Row[]): Row[] {
  return rows.map((row) => {
    const apollo = rows.find((r) => r.workload === row.workload && r.peer === APOLLO);
    return apollo ? { ...row, vsApollo: { rps: row.rps / apollo.rps, p99: row.p99 / apollo.p99 } } : row;
  });
}

export function checkTargets(rows: readonly Row[]): Target[] {
  const get = (workload: WorkloadId, peer: string) => rows.find((r) => r.workload === workload && r.peer === peer);
  const targets: Target[] = [];
  const on = get('b', 'meshgate-authz-on');
  const apollo = get('b', APOLLO);
  const hive = get('b', 'hive-gateway');
  if (on && apollo) targets.push(ratioTarget('(b) RPS >= 3x stock @apollo/gateway', on.rps / apollo.rps, 3));
  if (on && hive) targets.push(ratioTarget('(b) RPS >= 1.5x Hive Gateway', on.rps / hive.rps, 1.5));
  if (on && apollo && hive) {
    targets.push({ target: '(b) p99 lower than both', met: on.p99 < apollo.p99 && on.p99 < hive.p99, detail: `${on.p99.toFixed(1)} ms vs apollo ${apollo.p99.toFixed(1)}, hive ${hive.p99.toFixed(1)}` });
  }
  for (const workload of [...new Set(rows.map((r) => r.workload))]) {
    const withAuthz = get(workload, 'meshgate-authz-on');
    const without = get(workload, 'meshgate-authz-off');
    if (withAuthz && without) {
      const ratio = withAuthz.rps / without.rps;
      targets.push({ target: `(${workload}) authorization on within 5% of off`, met: ratio >= 0.95, detail: `on/off RPS ${ratio.toFixed(3)}` });
    }
  }
  const single = get('c', 'meshgate-authz-on');
  const direct = get('c', 'no-gateway');
  if (single && direct) targets.push(ratioTarget('(c) RPS >= 0.5x no gateway', single.rps / direct.rps, 0.5));
  for (const workload of [...new Set(rows.map((r) => r.workload))]) {
    const meshgate = get(workload, 'meshgate-authz-on');
    const apollo = get(workload, APOLLO);
    if (meshgate?.peakRssMb && apollo?.peakRssMb) {
      targets.push({
        target: `(${workload}) peak RSS <= stock @apollo/gateway`,
        met: meshgate.peakRssMb <= apollo.peakRssMb,
        detail: `${meshgate.peakRssMb.toFixed(0)} MB at ${meshgate.rps.toFixed(0)} req/s vs ${apollo.peakRssMb.toFixed(0)} MB at ${apollo.rps.toFixed(0)} req/s`,
      });
    }
  }
  const meshgate = rows.filter((r) => r.peer.startsWith('meshgate'));
  const failures = meshgate.reduce((sum, r) => sum + r.errors + r.wrongAnswers, 0);
  targets.push({ target: 'no errors and no wrong answers (Meshgate)', met: failures === 0, detail: `${failures} over ${meshgate.reduce((s, r) => s + r.requests, 0)} requests` });
  return targets;
}

function ratioTarget(target: string, ratio: number, wanted: number): Target {
  return { target, met: ratio >= wanted, detail: `${ratio.toFixed(2)}x` };
}

export function formatTargets(targets: readonly Target[]): string {
  return targets.map((t) => `${t.met ? 'MET    ' : 'NOT MET'}  ${t.target}: ${t.detail}`).join('\n');
}
