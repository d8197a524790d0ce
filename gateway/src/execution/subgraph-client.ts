import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Pool } from 'undici';
import { ErrorCode } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logging.js';
import { CircuitBreaker, type CircuitState, type CircuitVerdict } from './circuit-breaker.js';
import { InflightRequests, isMutation, sharingKey } from './inflight-requests.js';
import { DEFAULT_SUBGRAPH_RESILIENCE, type SubgraphResilienceOptions } from './resilience-config.js';
import { RetryBudget } from './retry-budget.js';
import { exchange, FetchStopped, isRetryable, parseGraphQLResponse, reasonOf, type Exchange } from './subgraph-exchange.js';

/** How one fetch to a subgraph ended, told once per fetch (a shared fetch once, whoever waited for it). */
export interface SubgraphFetchEvent {
  subgraph: string;
  /** Wall time of the whole fetch, retries included (0 for 'rejected'). */
  durationMs: number;
  /**
   * ok = a GraphQL answer with HTTP < 500 (GraphQL errors inside it still ok); error = transport failure,
   * HTTP >= 500, or not a GraphQL answer; timeout = the deadline passed; cancelled = every caller left;
   * rejected = the circuit breaker answered without fetching.
   */
  outcome: 'ok' | 'error' | 'timeout' | 'cancelled' | 'rejected';
  /** The HTTP status, when the subgraph answered at all. */
  status?: number;
  /** Number of GraphQL errors in the answer (0 unless outcome ok). */
  graphqlErrors: number;
}

export interface SubgraphClientOptions extends Partial<SubgraphResilienceOptions> {
  /** Subgraph name, as in the supergraph; named in every error about it. */
  name: string;
  /** The subgraph's GraphQL endpoint. */
  url: string;
  /**
   * The overall deadline of one fetch: connecting, the headers, the whole body and any retry
   * must fit in it (the gateway's SUBGRAPH_TIMEOUT_MS, default 10000 ms there; no default here).
   */
  timeoutMs: number;
  /** Keep-alive connections kept open to this subgraph. */
  connections: number;
  /** Adds headers to each outgoing request (request signing hooks in here). */
  decorate?: (body: string, headers: Record<string, string>, options: GraphQLDataSourceProcessOptions) => void;
  /**
   * Let identical queries in flight at the same time share one request (never mutations).
   * "Identical" means the same body and the same headers apart from `volatileHeaders`: the
   * caller's identity travels in a header, so callers who differ never share an answer.
   * Default false.
   */
  deduplicate?: boolean;
  /** Headers that change on every request without changing the answer (a signature's timestamp and MAC). Default none. */
  volatileHeaders?: readonly string[];
  /**
   * Sees every GraphQL answer once per fetch (shared answers once), before the planner does: the
   * generation's contract watch counts the answers that show the subgraph disagrees with the supergraph.
   */
  onAnswer?: (response: GatewayGraphQLResponse) => void;
  /**
   * Told once per fetch, however many callers shared it, when it ends (metrics, measured promises).
   * A caller that had already gone before anything was sent causes no fetch and no event. Default none.
   */
  onFetch?: (event: SubgraphFetchEvent) => void;
  /** Told once per call answered by joining a fetch already in flight (deduplication on). Default none. */
  onShared?: () => void;
  /** Told of every change of the circuit breaker's state. Default none. */
  onCircuitChange?: (state: CircuitState) => void;
  /** Where failures (warn), circuit changes (warn/info) and retries (debug) are logged. Default: nowhere. */
  logger?: Logger;
  /** The outgoing header carrying the caller's request id, named in the fetch's failure log line. */
  requestIdHeader?: string;
  /** The pause before a retry is drawn from this range, so callers that failed together do not retry together. Default 20–100 ms. */
  retryDelayMs?: { min: number; max: number };
  /** Retries per second the budget allows however quiet the subgraph. Default 3. */
  retryBudgetMinPerSecond?: number;
  /** Monotonic milliseconds for the circuit breaker, the retry budget and the deadline's arithmetic. Default `performance.now`. */
  clock?: () => number;
  /** A number in [0, 1) for the retry jitter. Default `Math.random`. */
  random?: () => number;
}

/**
 * What one fetch came to, shared by every caller waiting for it. An answer always holds a
 * GraphQL response; its parsed form goes to the first caller and later ones parse the text
 * again, because the planner writes into what it receives.
 */
type Outcome = { kind: 'answer'; status: number; text: string; unclaimed: GatewayGraphQLResponse | undefined } | { kind: 'failed'; reason: string };

const CANCELLED_REASON = 'the caller went away';
const CANCELLED: Outcome = { kind: 'failed', reason: CANCELLED_REASON };

/**
 * The one place where the gateway's outgoing subgraph requests are built and sent: a lean
 * keep-alive pool per subgraph (undici) in place of @apollo/gateway's default fetcher, which
 * costs about a quarter of the gateway's CPU. Failures never throw into the planner: they come
 * back as a GraphQL error naming the subgraph, so the rest of the response still arrives.
 *
 * Each fetch has one deadline for everything, a size bound, and stops when every caller waiting
 * for it has gone; queries are retried once on failures that happened before the subgraph did
 * any work, within a retry budget; a circuit breaker answers at once while the subgraph is down.
 */
export class SubgraphClient implements GraphQLDataSource {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly inflight: InflightRequests<Outcome>;
  private readonly volatileHeaders: ReadonlySet<string>;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly budget: RetryBudget;
  private readonly retries: number;
  private readonly maxResponseBytes: number;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly retryDelay: { min: number; max: number };
  private readonly log: Logger | undefined;
  private warnedAboutSignal = false;
  private warnedAboutObserver = false;

  constructor(private readonly options: SubgraphClientOptions) {
    const url = new URL(options.url);
    this.path = url.pathname + url.search;
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      // The fetch's own deadline covers headers and body; undici's idle timers would only race it.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.inflight = new InflightRequests<Outcome>(options.onShared ? { onShared: () => this.observe(options.onShared!) } : {});
    this.volatileHeaders = new Set(options.volatileHeaders ?? []);
    // Bound to the subgraph's name unless the caller already did, so a log line never carries the key twice.
    const logger = options.logger;
    this.log = logger && logger.bindings().subgraph !== options.name ? logger.child({ subgraph: options.name }) : logger;
    this.clock = options.clock ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.retries = options.retries ?? DEFAULT_SUBGRAPH_RESILIENCE.retries;
    this.retryDelay = options.retryDelayMs ?? { min: 20, max: 100 };
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_SUBGRAPH_RESILIENCE.maxResponseBytes;
    this.budget = new RetryBudget({
      percent: options.retryBudgetPercent ?? DEFAULT_SUBGRAPH_RESILIENCE.retryBudgetPercent,
      minPerSecond: options.retryBudgetMinPerSecond ?? 3,
      clock: this.clock,
    });
    const circuit = options.circuitBreaker ?? DEFAULT_SUBGRAPH_RESILIENCE.circuitBreaker;
    this.breaker = circuit
      ? new CircuitBreaker({
          ...circuit,
          clock: this.clock,
          onChange: ({ to, failures }) => {
            if (to === 'open') this.log?.warn({ failures, resetMs: circuit.resetMs }, `circuit open: subgraph "${options.name}" is answered at once until a probe succeeds`);
            else this.log?.info({ failures }, `circuit ${to}: subgraph "${options.name}"`);
            if (options.onCircuitChange) this.observe(() => options.onCircuitChange!(to));
          },
        })
      : undefined;
  }

  /** Requests sent, and requests answered by sharing one already in flight. */
  get stats(): { sent: number; shared: number } {
    return this.inflight.stats;
  }

  /** The circuit breaker's state ('closed' when there is none). */
  get circuitState(): CircuitState {
    return this.breaker?.state ?? 'closed';
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { query, variables, operationName } = options.request;
    const body = JSON.stringify({ query, variables, operationName });
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    this.options.decorate?.(body, headers, options);
    const mutation = isMutation(query ?? '', 'document' in options ? options.document : undefined);
    const signal = this.signalOf(options);
    let outcome: Outcome;
    if (this.options.deduplicate === true && !mutation) {
      try {
        outcome = await this.inflight.run(sharingKey(body, headers, this.volatileHeaders), (shared) => this.fetch(body, headers, true, shared), signal);
      } catch (error) {
        // Only this caller left; the others still wait for the shared fetch.
        if (!signal?.aborted) throw error;
        outcome = CANCELLED;
      }
    } else {
      outcome = await this.fetch(body, headers, !mutation, signal);
    }
    return this.interpret(outcome, options);
  }

  /** Closes the keep-alive connections. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** One fetch: admission by the breaker, attempts within one deadline, and one verdict and log line at the end. */
  private async fetch(body: string, headers: Record<string, string>, idempotent: boolean, signal: AbortSignal | undefined): Promise<Outcome> {
    if (signal?.aborted) return CANCELLED;
    const admission = this.breaker?.admit() ?? { admitted: true as const, probe: false };
    if (!admission.admitted) {
      // Not a warn per call: the open circuit was warned once, and would otherwise flood the log.
      this.log?.debug({ reason: admission.reason }, 'subgraph fetch refused by the circuit breaker');
      this.tell('rejected', 0, undefined, 0);
      return { kind: 'failed', reason: admission.reason };
    }
    const { timeoutMs } = this.options;
    const requestId = this.options.requestIdHeader ? headers[this.options.requestIdHeader] : undefined;
    const started = this.clock();
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(new FetchStopped('deadline')), timeoutMs);
    const cancel = () => controller.abort(new FetchStopped('cancelled'));
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      if (this.retries > 0) this.budget.recordRequest();
      const request = { path: this.path, body, headers, signal: controller.signal, maxResponseBytes: this.maxResponseBytes, timeoutMs };
      for (let attempt = 0; ; attempt++) {
        const result = await exchange(this.pool, request);
        if (!idempotent || attempt >= this.retries || !isRetryable(result)) return this.settle(result, admission.probe, requestId, started);
        const delay = this.retryDelay.min + this.random() * (this.retryDelay.max - this.retryDelay.min);
        if (this.clock() - started + delay >= timeoutMs) return this.settle(result, admission.probe, requestId, started);
        if (!this.budget.tryRetry()) {
          this.log?.debug({ reason: reasonOf(result) }, 'subgraph fetch not retried: retry budget spent');
          return this.settle(result, admission.probe, requestId, started);
        }
        this.log?.debug({ reason: reasonOf(result), attempt: attempt + 1, delayMs: Math.round(delay) }, 'subgraph fetch retried');
        await pause(delay, controller.signal);
        if (controller.signal.aborted) {
          const stopped: unknown = controller.signal.reason;
          const why = stopped instanceof FetchStopped ? stopped.why : 'cancelled';
          const reason = why === 'deadline' ? `no answer within ${timeoutMs} ms` : CANCELLED_REASON;
          return this.settle({ kind: 'failed', failure: why, reason }, admission.probe, requestId, started);
        }
      }
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Reads an exchange's result as GraphQL, tells the breaker, and logs a failure: once per fetch, whoever waits for it. */
  private settle(result: Exchange, probe: boolean, requestId: string | undefined, started: number): Outcome {
    let outcome: Outcome;
    let verdict: CircuitVerdict;
    let failure: string | undefined;
    let detail: string | undefined;
    if (result.kind === 'failed') {
      outcome = { kind: 'failed', reason: result.reason };
      verdict = result.failure === 'cancelled' ? 'neutral' : 'failure';
      if (verdict === 'failure') failure = result.reason;
      detail = result.detail;
      if (this.options.onFetch) this.tell(result.failure === 'cancelled' ? 'cancelled' : result.failure === 'deadline' ? 'timeout' : 'error', this.clock() - started, undefined, 0);
    } else {
      const parsed = parseGraphQLResponse(result.text);
      if (!parsed) {
        failure = `answered HTTP ${result.status} without a GraphQL response`;
        outcome = { kind: 'failed', reason: failure };
        verdict = 'failure';
      } else {
        // A GraphQL answer with errors is the subgraph working; a 5xx is not, whatever its body.
        outcome = { kind: 'answer', status: result.status, text: result.text, unclaimed: parsed };
        this.options.onAnswer?.(parsed);
        verdict = result.status >= 500 ? 'failure' : 'success';
        if (verdict === 'failure') failure = `answered HTTP ${result.status}`;
      }
      if (this.options.onFetch) {
        const ok = verdict === 'success';
        this.tell(ok ? 'ok' : 'error', this.clock() - started, result.status, ok ? (parsed?.errors?.length ?? 0) : 0);
      }
    }
    this.breaker?.record(verdict, probe);
    // A shared fetch names the request that started it: the others waited on the same failure.
    if (failure !== undefined) this.log?.warn({ reason: failure, ...(detail ? { detail } : {}), ...(requestId ? { requestId } : {}) }, `subgraph "${this.options.name}" fetch failed: ${failure}`);
    else if (verdict === 'neutral') this.log?.debug('subgraph fetch cancelled: every caller went away');
    return outcome;
  }

  /** Tells `onFetch` how a fetch ended. */
  private tell(outcome: SubgraphFetchEvent['outcome'], durationMs: number, status: number | undefined, graphqlErrors: number): void {
    const onFetch = this.options.onFetch;
    if (!onFetch) return;
    const event: SubgraphFetchEvent = { subgraph: this.options.name, durationMs, outcome, graphqlErrors };
    if (status !== undefined) event.status = status;
    try {
      onFetch(event);
    } catch (error) {
      this.observerFailed(error);
    }
  }

  /** Runs an observer: one that throws is logged once and never fails the fetch it was told of. */
  private observe(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.observerFailed(error);
    }
  }

  private observerFailed(error: unknown): void {
    if (this.warnedAboutObserver) return;
    this.warnedAboutObserver = true;
    this.log?.error({ err: error }, 'a subgraph fetch observer threw; its numbers for this subgraph may be incomplete');
  }

  private interpret(outcome: Outcome, options: GraphQLDataSourceProcessOptions): GatewayGraphQLResponse {
    if (outcome.kind === 'failed') return this.failure(outcome.reason, options);
    const { status } = outcome;
    let parsed = outcome.unclaimed;
    if (parsed) outcome.unclaimed = undefined;
    else parsed = JSON.parse(outcome.text) as GatewayGraphQLResponse;
    // A GraphQL answer (even with a 4xx, as for validation errors) is passed on as the subgraph gave it.
    if (status >= 200 && status < 300) return parsed;
    return { ...parsed, errors: parsed.errors ?? [{ message: `Subgraph "${this.options.name}" answered HTTP ${status}` }] };
  }

  private failure(reason: string, options: GraphQLDataSourceProcessOptions): GatewayGraphQLResponse {
    // An empty path makes the gateway report the error at the position this fetch was to fill
    // (e.g. ["products", "@"]); a root fetch has no such position, so its error has no path.
    const nested = 'pathInIncomingRequest' in options && (options.pathInIncomingRequest?.length ?? 0) > 0;
    return {
      errors: [
        {
          message: `Subgraph "${this.options.name}" is unavailable: ${reason}`,
          ...(nested ? { path: [] } : {}),
          extensions: { code: ErrorCode.SubgraphUnavailable, serviceName: this.options.name },
        },
      ],
    };
  }

  /** The incoming request's AbortSignal (`context.signal`), if the gateway put one there. */
  private signalOf(options: GraphQLDataSourceProcessOptions): AbortSignal | undefined {
    if (!('incomingRequestContext' in options)) return undefined;
    const signal: unknown = options.context.signal;
    if (signal === undefined) return undefined;
    if (isAbortSignal(signal)) return signal;
    // A wiring bug, but cancellation is an optimisation: serve the request and say so once.
    if (!this.warnedAboutSignal) {
      this.warnedAboutSignal = true;
      this.log?.error({ got: typeof signal }, 'expected context.signal to be an AbortSignal; subgraph fetches will not be cancelled');
    }
    return undefined;
  }
}

function isAbortSignal(value: unknown): value is AbortSignal {
  // Duck-typed: a signal from another realm (a test runner's VM context) fails `instanceof`.
  const v = value as Partial<AbortSignal> | null;
  return typeof v === 'object' && v !== null && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function';
}

/** Waits `ms`, or less if the signal aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
