/**
 * The registry of the reload scenario: its own process (registry/src/main.ts) over its own
 * embedded database in the scenario's temporary folder, the tokens the benchmark and the
 * gateways use with it, and the publishes (the three demo subgraphs once, then the revisions).
 */
import { readFile } from 'node:fs/promises';
import { mintToken } from '../../gateway/src/governance/dev-token.js';
import { createRegistryClient } from '../../registry/src/client.js';
import type { DataProductFolder } from '../../shared/dataproduct/folders.js';
import { freePort, spawnTsx, type Service } from '../lib/processes.js';
import { withRoutingUrl } from './revisions.js';

export interface RunningRegistry {
  service: Service;
  url: string;
  client: ReturnType<typeof createRegistryClient>;
  /** `registry:read registry:usage:report`: what a gateway needs (poll the supergraph, report usage). */
  gatewayToken: string;
}

/** Tokens signed with the development secret: the registry, like the gateway, accepts it when JWT_* is not set. */
const token = (subject: string, scopes: string[]) => mintToken({ subject, scopes, ttlSeconds: 24 * 3600 });

export async function startRegistry(dataDir: string): Promise<RunningRegistry> {
  const port = await freePort();
  const service = spawnTsx('registry/src/main.ts', [], {
    REGISTRY_PORT: String(port),
    REGISTRY_HOST: '127.0.0.1',
    REGISTRY_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.MESHGATE_BENCH_LOG_LEVEL ?? 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  const admin = await token('bench-admin', ['registry:admin']);
  await waitForReady(service, url, admin);
  return { service, url, client: createRegistryClient({ url, token: admin, timeoutMs: 60_000 }), gatewayToken: await token('bench-gateway', ['registry:read', 'registry:usage:report']) };
}

async function waitForReady(service: Service, url: string, bearer: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`the registry exited with ${service.child.exitCode}:\n${service.log()}`);
    try {
      const response = await fetch(`${url}/ready`, { headers: { authorization: `Bearer ${bearer}` } });
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the registry was not ready (GET /ready) within 120 s:\n${service.log()}`);
}

export interface Published {
  name: string;
  url: string;
  sdl: string;
  descriptor: string;
}

/**
 * Publishes every subgraph once, as each team's pipeline would, with the running-contract check
 * skipped (allowed for this benchmark: the bench subgraphs are the repository's own schemas).
 * A subgraph that cannot compose before another is published is retried after the others.
 * Resolves with what was published and the id of the supergraph that results.
 */
export async function publishAll(registry: RunningRegistry, subgraphs: readonly { folder: DataProductFolder; url: string }[]): Promise<{ published: Published[]; supergraphId: string }> {
  let pending: Published[] = await Promise.all(
    subgraphs.map(async ({ folder, url }) => ({ name: folder.name, url, sdl: await readFile(folder.schemaPath, 'utf8'), descriptor: withRoutingUrl(await readFile(folder.descriptorPath, 'utf8'), url) })),
  );
  const published: Published[] = [];
  let supergraphId: string | undefined;
  while (pending.length) {
    const refused: { subgraph: Published; reason: string }[] = [];
    for (const subgraph of pending) {
      const result = await registry.client.publish({ ...subgraph, label: 'bench', skipRunningCheck: true });
      if (result.ok) {
        published.push(subgraph);
        supergraphId = result.supergraph?.id ?? supergraphId;
      } else refused.push({ subgraph, reason: refusal(result.report) });
    }
    if (refused.length === pending.length) throw new Error(`the registry refused ${refused.map((r) => `${r.subgraph.name}: ${r.reason}`).join('\n')}`);
    pending = refused.map((r) => r.subgraph);
  }
  if (!supergraphId) throw new Error('the registry accepted every subgraph but returned no supergraph');
  return { published, supergraphId };
}

/** The error results of a refused publish, one line. */
export function refusal(report: { results: readonly { severity: string; rule: string; message: string }[] }): string {
  const errors = report.results.filter((r) => r.severity.toLowerCase() === 'error');
  return (errors.length ? errors : report.results).map((r) => `[${r.rule}] ${r.message}`).join('; ').slice(0, 600) || 'refused without a reason';
}
