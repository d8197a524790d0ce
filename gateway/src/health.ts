import { request } from 'undici';

export interface SubgraphHealth {
  name: string;
  status: 'up' | 'down';
  latencyMs: number;
  /** Why a subgraph is down, in a few words that name no host, port or file. */
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
      const latency = () => Math.round(performance.now() - started);
      try {
        const response = await request(readyUrl, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
        await response.body.dump();
        return response.statusCode === 200
          ? { name, status: 'up' as const, latencyMs: latency() }
          : { name, status: 'down' as const, latencyMs: latency(), reason: `HTTP ${response.statusCode}` };
      } catch (error) {
        return { name, status: 'down' as const, latencyMs: latency(), reason: transportReason(error, timeoutMs) };
      }
    }),
  );
}

function transportReason(error: unknown, timeoutMs: number): string {
  switch ((error as { code?: string }).code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no answer within ${timeoutMs} ms`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    default:
      return 'unreachable';
  }
}
