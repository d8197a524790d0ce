import { request } from 'undici';

export interface SubgraphHealth {
  name: string;
  url: string;
  status: 'up' | 'down';
  latencyMs: number;
  reason?: string;
}

/**
 * Asks each subgraph's `/ready` endpoint (next to its `/graphql`) whether it can serve,
 * all at once, each within `timeoutMs`.
 */
export async function checkSubgraphs(subgraphs: readonly { name: string; url: string }[], timeoutMs: number): Promise<SubgraphHealth[]> {
  return Promise.all(
    subgraphs.map(async ({ name, url }) => {
      const started = performance.now();
      const readyUrl = new URL('ready', new URL('.', url)).toString();
      try {
        const response = await request(readyUrl, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
        await response.body.dump();
        const latencyMs = Math.round(performance.now() - started);
        return response.statusCode === 200
          ? { name, url, status: 'up' as const, latencyMs }
          : { name, url, status: 'down' as const, latencyMs, reason: `HTTP ${response.statusCode}` };
      } catch (error) {
        return { name, url, status: 'down' as const, latencyMs: Math.round(performance.now() - started), reason: (error as Error).message };
      }
    }),
  );
}
