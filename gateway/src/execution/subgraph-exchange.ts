import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Dispatcher } from 'undici';

/** Why the gateway itself stopped a fetch; carried as the AbortSignal's reason. */
export class FetchStopped extends Error {
  constructor(readonly why: 'deadline' | 'cancelled') {
    super(why === 'deadline' ? 'the subgraph fetch passed its deadline' : 'the caller went away');
    this.name = 'FetchStopped';
  }
}

/** How one HTTP exchange with a subgraph ended, before its body is read as GraphQL. */
export type Exchange =
  | { kind: 'answer'; status: number; text: string }
  | {
      kind: 'failed';
      failure: ExchangeFailure;
      /** Sent to clients: a few words that name no host, address or file. */
      reason: string;
      /** The underlying error's own message, for the operator's log only. */
      detail?: string;
    };

export type ExchangeFailure =
  /** Nothing listens on the port. */
  | 'refused'
  /** The connection closed or reset before any answer: the subgraph cannot have answered. */
  | 'closed-before-answer'
  /** The connection closed after the headers, with the body unfinished. */
  | 'closed-mid-answer'
  | 'deadline'
  | 'too-large'
  | 'cancelled'
  /** Anything else undici reports (DNS, TLS, protocol errors). */
  | 'transport';

export interface ExchangeRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
  /** Aborted with a FetchStopped reason at the deadline or when every caller went away. */
  signal: AbortSignal;
  maxResponseBytes: number;
  /** Only for the reason's wording. */
  timeoutMs: number;
}

/**
 * One POST to a subgraph, read whole into a string but never beyond `maxResponseBytes`. An
 * exchange never throws: every way it can end is an `Exchange`. Stopping it (deadline, the
 * caller gone, too large) destroys the connection rather than returning it to the pool, since
 * the rest of the answer would still be on the wire.
 */
export async function exchange(dispatcher: Dispatcher, request: ExchangeRequest): Promise<Exchange> {
  let answered = false;
  try {
    const response = await dispatcher.request({
      path: request.path,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    answered = true;
    const limit = request.maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (declared > limit) {
      response.body.destroy();
      return tooLarge(limit);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        // Leaving the loop destroys the body, which aborts the request and closes its connection.
        return tooLarge(limit);
      }
      chunks.push(chunk);
    }
    const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
    return { kind: 'answer', status: response.statusCode, text };
  } catch (error) {
    return describe(error, request, answered);
  }
}

function tooLarge(limit: number): Exchange {
  return { kind: 'failed', failure: 'too-large', reason: `answered more than ${limit} bytes` };
}

function describe(error: unknown, request: ExchangeRequest, answered: boolean): Exchange {
  // The signal's reason is the truth when we stopped it ourselves, whatever undici wrapped it in.
  const stopped: unknown = request.signal.aborted ? request.signal.reason : undefined;
  if (stopped instanceof FetchStopped) {
    if (stopped.why === 'cancelled') return { kind: 'failed', failure: 'cancelled', reason: 'the caller went away' };
    const reason = answered ? `no complete answer within ${request.timeoutMs} ms` : `no answer within ${request.timeoutMs} ms`;
    return { kind: 'failed', failure: 'deadline', reason };
  }
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'failed', failure: 'refused', reason: 'connection refused' };
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
      return answered
        ? { kind: 'failed', failure: 'closed-mid-answer', reason: 'connection closed by the subgraph before the answer was complete' }
        : { kind: 'failed', failure: 'closed-before-answer', reason: 'connection closed by the subgraph' };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { kind: 'failed', failure: 'deadline', reason: `no answer within ${request.timeoutMs} ms` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'failed', failure: 'transport', reason: 'host not found', detail: err.message };
    default:
      // undici's and the OS's messages name addresses and ports: the client learns the code only.
      return { kind: 'failed', failure: 'transport', reason: code ? `transport error (${code})` : 'transport error', detail: err.message ?? String(error) };
  }
}

/** Statuses a proxy or an overloaded server gives before doing any work: safe to ask again. */
const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Whether an exchange ended before the subgraph can have done any work: safe to ask again. */
export function isRetryable(result: Exchange): boolean {
  if (result.kind === 'answer') return RETRYABLE_STATUS.has(result.status);
  return result.failure === 'refused' || result.failure === 'closed-before-answer';
}

/** The few words a failed or non-2xx exchange is logged with. */
export function reasonOf(result: Exchange): string {
  return result.kind === 'failed' ? result.reason : `answered HTTP ${result.status}`;
}

/** The parsed body if it is a GraphQL response (`data` and/or `errors`, of the right kinds), else undefined. */
export function parseGraphQLResponse(text: string): GatewayGraphQLResponse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const response = value as Record<string, unknown>;
  if (!('data' in response) && !('errors' in response)) return undefined;
  if ('errors' in response && !Array.isArray(response.errors)) return undefined;
  if ('data' in response && response.data !== null && (typeof response.data !== 'object' || Array.isArray(response.data))) return undefined;
  return value as GatewayGraphQLResponse;
}
