import { request } from 'undici';
import type { CheckResult } from '../api/types.js';
import { contractOf, diffContracts } from './contract-diff.js';

export const RUNNING_CONTRACT_RULE = 'running-contract';

export interface RunningContractOptions {
  /** How long the subgraph has to answer. Default 5000 ms. */
  timeoutMs?: number;
  /** Largest answer read. Default 4 MiB, the registry's own request limit. */
  maxBytes?: number;
}

/** How many differing coordinates the message names; the result's `coordinates` hold them all. */
const NAMED = 5;

/**
 * Asks the subgraph at `url` for the contract it is running (`{ _service { sdl } }`, unsigned: a
 * kit subgraph answers that one operation to anyone) and compares it with the SDL being published.
 * Returns no result when they match, one `running-contract` error when they differ or the subgraph
 * cannot tell (unreachable, not a subgraph, an SDL that does not build).
 */
export async function checkRunningContract(url: string, candidateSdl: string, options: RunningContractOptions = {}): Promise<CheckResult[]> {
  const fetched = await fetchRunningSdl(url, options);
  if (!fetched.ok) return [refusal(`${fetched.reason}. Deploy the subgraph before publishing it, or publish with skipRunningCheck (--skip-running-check) when it is deployed after its schema`)];
  let published: Map<string, string>;
  let running: Map<string, string>;
  try {
    published = contractOf(candidateSdl);
  } catch {
    // The candidate's own problems are the checks' results (sdl-parse, composition); nothing to compare.
    return [];
  }
  try {
    running = contractOf(fetched.sdl);
  } catch (error) {
    return [refusal(`The subgraph at ${url} answered _service.sdl with a schema that does not build: ${oneLine((error as Error).message)}`)];
  }
  const difference = diffContracts(published, running);
  if (difference.coordinates.length === 0) return [];
  const named = difference.coordinates.slice(0, NAMED).join(', ');
  const more = difference.coordinates.length > NAMED ? ` and ${difference.coordinates.length - NAMED} more` : '';
  return [
    {
      ...refusal(
        `The subgraph running at ${url} serves a different contract than the one being published (${difference.coordinates.length === 1 ? 'it differs at' : 'they differ at'} ${named}${more}). ` +
          'Deploy the new version first, or publish with skipRunningCheck when the subgraph is deployed after its schema',
      ),
      coordinates: difference.coordinates,
      evidence: difference.details.slice(0, 20).join('\n'),
    },
  ];
}

function refusal(message: string): CheckResult {
  return { severity: 'ERROR', rule: RUNNING_CONTRACT_RULE, message, coordinates: [], clients: [], evidence: null };
}

type Fetched = { ok: true; sdl: string } | { ok: false; reason: string };

/** POSTs `{ _service { sdl } }`; every way this can fail becomes a reason naming the URL. */
export async function fetchRunningSdl(url: string, options: RunningContractOptions = {}): Promise<Fetched> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  let status: number;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    status = response.statusCode;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        response.body.destroy();
        return { ok: false, reason: `The subgraph at ${url} answered _service.sdl with more than ${maxBytes} bytes` };
      }
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    const why = signal.aborted ? `did not answer within ${timeoutMs} ms` : `could not be reached (${oneLine((error as Error).message)})`;
    return { ok: false, reason: `The subgraph at ${url} ${why}` };
  }
  let body: { data?: { _service?: { sdl?: unknown } }; errors?: { message?: string }[] };
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: `The subgraph at ${url} answered HTTP ${status} with something that is not JSON` };
  }
  const sdl = body?.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    const said = body?.errors?.[0]?.message;
    return { ok: false, reason: `The subgraph at ${url} answered HTTP ${status} without _service.sdl${said ? `: ${oneLine(String(said)).slice(0, 200)}` : ''}` };
  }
  return { ok: true, sdl };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
