import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../../shared/logging.js';
import type { Principal } from '../../../shared/principal.js';
import type { AuthorizationOptions } from '../config.js';
import type { SatisfiedSet } from '../governance/authorization-index.js';
import type { Authorizer } from '../governance/authorizer.js';
import type { AuditRecord } from '../governance/audit.js';
import { auditSubject } from '../governance/audit.js';
import { selectedCoordinates } from '../governance/selected-coordinates.js';
import { dryRunReport, rejectionResponse, shapeResponse } from '../governance/shape-response.js';
import type { PreparedSupergraph } from '../supergraph/security-features.js';
import type { Masker } from '../governance/masking.js';
import type { DeniedSelection } from '../governance/authorize-operation.js';
import { denialReasons, type DenialCounts, type DenialReason } from '../governance/denial-reasons.js';
import { traceAuthorization } from '../telemetry/authorization-span.js';
import type { TelemetryHooks } from '../telemetry/plugins.js';

/** What the gateway's context carries, built once per HTTP request by the pipeline. */
export interface GovernedContext {
  principal: Principal;
  /** Which of the supergraph's requirements this caller meets; its key keys the filter cache. */
  satisfied: SatisfiedSet;
  /** Aborted when the client goes away: the subgraph calls made for it are cancelled (subgraph-client.ts). */
  signal?: AbortSignal;
  /** What the pipeline's stages add to the response's `extensions` (e.g. the cost estimate). */
  extensions?: Record<string, unknown>;
  /** The request's telemetry (telemetry/plugins.ts): headers for subgraph requests, subgraphs called, error count. */
  telemetry?: TelemetryHooks;
}

export interface GovernanceDependencies {
  prepared: PreparedSupergraph;
  authorizer: Authorizer;
  options: AuthorizationOptions;
  /** Classified coordinates (from the domains' descriptors) the audit record reports when served. */
  classified: ReadonlySet<string>;
  audit: (record: AuditRecord) => void;
  logger: Logger;
  /** Coordinate -> masker: a denied value is fetched and served masked instead of null. Empty by default. */
  masking: ReadonlyMap<string, Masker>;
  /** Counts the fields each denied request lost, by reason (metrics; not in a dry run). Default none. */
  countDenials?: (reason: DenialReason, fields: number) => void;
}

interface Plan {
  /** What to execute: null when everything was removed. */
  document: GatewayGraphQLRequestContext['document'] | null;
  query: string | null;
  queryHash: string | null;
  /** Paths to null with an error. */
  denied: readonly DeniedSelection[];
  /** Coordinates whose values are served masked. */
  masked: ReadonlySet<string>;
  typeProbes: boolean;
}

/**
 * Puts authorization between Apollo Server and @apollo/gateway's executor: the operation is
 * filtered for the caller BEFORE query planning (so no subgraph is asked for what the caller may
 * not see), the filtered operation is planned under its own hash, and the response is shaped back
 * to the original operation with nulls and one error per removed path.
 */
export function governGateway(inner: GatewayInterface, deps: GovernanceDependencies): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => inner.onSchemaLoadOrUpdate(callback),
    stop: () => inner.stop(),
    load: async (options) => {
      const loaded = await inner.load(options);
      return { ...loaded, executor: loaded.executor && withStageExtensions(governExecutor(loaded.executor, deps)) };
    },
  };
}

/** Adds what the pipeline's stages put in `context.extensions` (e.g. the cost estimate) to every result. */
function withStageExtensions(execute: GatewayExecutor): GatewayExecutor {
  return async (rc) => {
    const result = await execute(rc);
    const added = (rc.context as Partial<GovernedContext>).extensions;
    if (!added || Object.keys(added).length === 0) return result;
    return { ...result, extensions: { ...result.extensions, ...added } };
  };
}

function governExecutor(execute: GatewayExecutor, deps: GovernanceDependencies): GatewayExecutor {
  const { authorizer, options, prepared } = deps;
  const classifiedByHash = new Map<string, string[]>();
  // A decision is cached and frozen (authorizer.ts), so its reasons are worked out once per decision.
  const reasonsOf = new WeakMap<ReturnType<Authorizer['authorize']>, DenialCounts>();
  const countDenials = (decision: ReturnType<Authorizer['authorize']>, satisfied: SatisfiedSet) => {
    const count = deps.countDenials;
    if (!count) return;
    let reasons = reasonsOf.get(decision);
    if (!reasons) reasonsOf.set(decision, (reasons = denialReasons(prepared.index, decision.denied, satisfied.isSatisfied)));
    if (reasons.unauthenticated) count('unauthenticated', reasons.unauthenticated);
    if (reasons.scopes) count('scopes', reasons.scopes);
    if (reasons.policy) count('policy', reasons.policy);
  };

  /** Classified coordinates an executed operation selects; cached per operation hash. */
  const classifiedIn = (rc: GatewayGraphQLRequestContext, hash: string): string[] => {
    let found = classifiedByHash.get(hash);
    if (!found) {
      found = [...selectedCoordinates(prepared.apiSchema, rc.document)].filter((c) => deps.classified.has(c)).sort();
      if (classifiedByHash.size > 5000) classifiedByHash.clear();
      classifiedByHash.set(hash, found);
    }
    return found;
  };

  /**
   * Masking: denied fields the operator masks are planned after all (as if their requirements
   * held) and served masked. That is only safe when lifting those requirements lifts nothing
   * else the caller may not see; otherwise the operation keeps the spec's null-and-error answer.
   */
  const planWithMasking = (
    rc: GatewayGraphQLRequestContext,
    operationName: string | null,
    decision: ReturnType<Authorizer['authorize']>,
    satisfied: SatisfiedSet,
  ): Plan => {
    const unmasked: Plan = { ...decision, masked: new Set() };
    const maskable = deps.masking.size ? decision.denied.filter((d) => deps.masking.has(d.coordinate)) : [];
    if (maskable.length === 0) return unmasked;
    const lifted = new Set(maskable.flatMap((d) => requirementsOf(d.coordinate)));
    const key = [...satisfied.key].map((bit, id) => (lifted.has(id) ? '1' : bit)).join('');
    const relaxed = authorizer.authorize(rc.document, rc.queryHash, operationName, key, (id) => key[id] === '1');
    const remaining = decision.denied.filter((d) => !deps.masking.has(d.coordinate));
    if (relaxed.denied.length !== remaining.length) return unmasked;
    return { ...relaxed, denied: remaining, masked: new Set(maskable.map((d) => d.coordinate)) };
  };
  const requirementsOf = (coordinate: string) => {
    const [type, field] = coordinate.split('.');
    return prepared.index.fieldRequirements(type, field);
  };

  return async (rc) => {
    const context = rc.context as Partial<GovernedContext>;
    const { principal, satisfied } = context;
    if (!principal || !satisfied) throw new Error('governed executor: the request context has no principal (the HTTP front must build it)');
    const operationName = rc.request.operationName ?? null;
    const audit = (denied: AuditRecord['denied'], executed: GatewayGraphQLRequestContext | null, dryRun = false) =>
      deps.audit({
        ...auditSubject(principal),
        // The name Apollo resolved (also for a single anonymous-in-request but named operation).
        operationName: rc.operationName ?? operationName,
        operationHash: rc.queryHash,
        denied,
        classifiedReturned: executed ? classifiedIn(executed, executed.queryHash) : [],
        dryRun,
      });

    if (!options.enabled) {
      const result = await execute(rc);
      audit([], rc);
      return result;
    }
    const mode = options.dryRun ? 'dry_run' : options.rejectUnauthorized ? 'reject' : 'filter';
    const decision = traceAuthorization(mode, () => authorizer.authorize(rc.document, rc.queryHash, operationName, satisfied.key, satisfied.isSatisfied));
    const deniedForAudit = decision.denied.map((d) => ({ path: d.path.join('.'), coordinate: d.coordinate }));
    if (decision.denied.length === 0) {
      const result = await execute(rc);
      audit([], rc);
      return result;
    }
    if (options.dryRun) {
      const result = await execute(rc);
      audit(deniedForAudit, rc, true);
      deps.logger.warn({ denied: deniedForAudit, operationName }, 'authorization dry run: would deny');
      return { ...result, extensions: { ...result.extensions, ...dryRunReport(decision.denied) } };
    }
    countDenials(decision, satisfied);
    if (options.rejectUnauthorized) {
      audit(deniedForAudit, null);
      return toExecutionResult(rejectionResponse(decision.denied));
    }
    const plan = planWithMasking(rc, operationName, decision, satisfied);
    let executed: GatewayGraphQLRequestContext | null = null;
    let result: GatewayExecutionResult = { data: null };
    if (plan.document) {
      executed = {
        ...rc,
        document: plan.document,
        queryHash: plan.queryHash ?? rc.queryHash,
        request: { ...rc.request, query: plan.query ?? rc.request.query },
      };
      result = await execute(executed);
    }
    audit(deniedForAudit, executed);
    const shaped = shapeResponse(rc.document, operationName, prepared.apiSchema, result.data, plan.denied, {
      errors: options.errors,
      typeProbes: plan.typeProbes,
      ...(plan.masked.size ? { mask: (coordinate: string, value: unknown) => deps.masking.get(coordinate)?.(value), maskCoordinates: plan.masked } : {}),
    });
    return toExecutionResult(shaped, result);
  };
}

function toExecutionResult(
  shaped: { data: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[]; extensions?: Record<string, unknown> },
  executed?: GatewayExecutionResult,
): GatewayExecutionResult {
  const errors = [...(shaped.errors ?? []).map(toGraphQLError), ...(executed?.errors ?? [])];
  const extensions = { ...executed?.extensions, ...shaped.extensions };
  return {
    data: shaped.data,
    ...(errors.length ? { errors } : {}),
    ...(Object.keys(extensions).length ? { extensions } : {}),
  };
}

function toGraphQLError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: error.extensions });
}
