import type { CheckReport, CoordinateUsage, PublishInput, PublishResult, SubgraphVersion, Supergraph, UsageEntryInput } from './api/types.js';

/** A registry call that did not produce an answer: unreachable, refused (401/403), or an error the API reported. */
export class RegistryError extends Error {
  constructor(
    message: string,
    /** `extensions.code` of the registry's error (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, ...), or a transport code (UNREACHABLE, TIMEOUT, BAD_RESPONSE). */
    readonly code: string,
    /** The HTTP status; 0 when no answer arrived. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface RegistryClientOptions {
  /** The registry's base URL, e.g. http://127.0.0.1:4500 (MESHGATE_REGISTRY_URL). */
  url: string;
  /** A bearer token (MESHGATE_TOKEN). */
  token: string;
  /** Default the global fetch (undici). */
  fetch?: typeof fetch;
  /** Deadline of one call. Default 30000 ms: a publish composes and asks the running subgraph. */
  timeoutMs?: number;
}

export interface RegistryClient {
  check(input: PublishInput): Promise<CheckReport>;
  publish(input: PublishInput): Promise<PublishResult>;
  rollback(name: string, toVersion: number, force?: boolean): Promise<PublishResult>;
  remove(name: string, force?: boolean): Promise<PublishResult>;
  subgraphs(): Promise<SubgraphVersion[]>;
  subgraph(name: string): Promise<SubgraphVersion | null>;
  history(name: string, limit?: number): Promise<SubgraphVersion[]>;
  supergraph(): Promise<Supergraph | null>;
  supergraphs(limit?: number): Promise<Supergraph[]>;
  usage(coordinates: string[], days?: number): Promise<CoordinateUsage[]>;
  reportUsage(entries: UsageEntryInput[]): Promise<number>;
}

// The documents the client sends: every field of every type, so callers get the whole answer.
const CLIENT_USAGE = 'client version count lastSeen';
const VERSION = 'name version url sdl descriptor publisher publishedAt label action current';
const SUPERGRAPH = 'id sdl createdAt accepted reason inputs { name version } publisher';
const REPORT = `ok compositionId results { severity rule message coordinates clients { ${CLIENT_USAGE} } evidence }`;
const RESULT = `ok unchanged version { ${VERSION} } supergraph { ${SUPERGRAPH} } report { ${REPORT} }`;

export const DOCUMENTS = {
  check: `mutation Check($input: PublishInput!) { check(input: $input) { ${REPORT} } }`,
  publish: `mutation Publish($input: PublishInput!) { publish(input: $input) { ${RESULT} } }`,
  rollback: `mutation Rollback($name: String!, $toVersion: Int!, $force: Boolean) { rollback(name: $name, toVersion: $toVersion, force: $force) { ${RESULT} } }`,
  remove: `mutation Remove($name: String!, $force: Boolean) { remove(name: $name, force: $force) { ${RESULT} } }`,
  subgraphs: `query Subgraphs { subgraphs { ${VERSION} } }`,
  subgraph: `query Subgraph($name: String!) { subgraph(name: $name) { ${VERSION} } }`,
  history: `query History($name: String!, $limit: Int) { history(name: $name, limit: $limit) { ${VERSION} } }`,
  supergraph: `query Supergraph { supergraph { ${SUPERGRAPH} } }`,
  supergraphs: `query Supergraphs($limit: Int) { supergraphs(limit: $limit) { ${SUPERGRAPH} } }`,
  usage: `query Usage($coordinates: [String!]!, $days: Int) { usage(coordinates: $coordinates, days: $days) { coordinate clients { ${CLIENT_USAGE} } } }`,
  reportUsage: 'mutation ReportUsage($entries: [UsageEntryInput!]!) { reportUsage(entries: $entries) }',
} as const;

/** Answers larger than this are refused rather than parsed (a supergraph history of many large SDLs stays far below). */
const MAX_ANSWER_CHARS = 64 * 1024 * 1024;

/** The registry's GraphQL API as typed calls; see registry/src/api/schema.graphql. */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const endpoint = new URL('graphql', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();

  const call = async <T>(field: keyof typeof DOCUMENTS, variables: Record<string, unknown> = {}): Promise<T> => {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ query: DOCUMENTS[field], variables }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw new RegistryError(`The registry at ${options.url} did not answer ${field} within ${timeoutMs} ms`, 'TIMEOUT', 0);
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new RegistryError(`Cannot reach the registry at ${options.url}: ${cause}`, 'UNREACHABLE', 0);
    }
    if (text.length > MAX_ANSWER_CHARS) throw new RegistryError(`The registry answered ${field} with more than ${MAX_ANSWER_CHARS} characters`, 'BAD_RESPONSE', response.status);
    let body: { data?: Record<string, unknown> | null; errors?: { message?: string; extensions?: { code?: string } }[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new RegistryError(`The registry at ${options.url} answered ${field} with HTTP ${response.status} and no JSON: is ${endpoint} a Meshgate registry?`, 'BAD_RESPONSE', response.status);
    }
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code ?? (response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : 'REGISTRY_ERROR');
      throw new RegistryError(error.message ?? `The registry refused ${field}`, code, response.status);
    }
    if (!body.data || !(field in body.data)) {
      throw new RegistryError(`The registry answered ${field} with HTTP ${response.status} but no data.${field}`, 'BAD_RESPONSE', response.status);
    }
    return body.data[field] as T;
  };

  return {
    check: (input) => call('check', { input }),
    publish: (input) => call('publish', { input }),
    rollback: (name, toVersion, force = false) => call('rollback', { name, toVersion, force }),
    remove: (name, force = false) => call('remove', { name, force }),
    subgraphs: () => call('subgraphs'),
    subgraph: (name) => call('subgraph', { name }),
    history: (name, limit) => call('history', limit === undefined ? { name } : { name, limit }),
    supergraph: () => call('supergraph'),
    supergraphs: (limit) => call('supergraphs', limit === undefined ? {} : { limit }),
    usage: (coordinates, days) => call('usage', days === undefined ? { coordinates } : { coordinates, days }),
    reportUsage: (entries) => call('reportUsage', { entries }),
  };
}
