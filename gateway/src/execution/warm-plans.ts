import { createHash } from 'node:crypto';
import type { ApolloGateway } from '@apollo/gateway';
import { operationFromDocument, type Schema } from '@apollo/federation-internals';
import type { QueryPlan, QueryPlanner } from '@apollo/query-planner';
import { validate, type DocumentNode } from 'graphql';
import type { Logger } from '../../../shared/logging.js';
import { ANONYMOUS } from '../../../shared/principal.js';
import type { Generation } from '../generations/generation.js';

/** An operation known before any request asks for it (a persisted operations manifest's). */
export interface KnownOperation {
  readonly name: string | null;
  readonly body: string;
  readonly document: DocumentNode;
}

/**
 * The parts of @apollo/gateway's ApolloGateway that planning ahead needs. They are not public API:
 * this file is the one place that knows them, checks they are there, and says so when they are not.
 */
interface PlannerInternals {
  apiSchema: Schema;
  queryPlanner: QueryPlanner;
  queryPlanStore: { set(key: string, plan: QueryPlan): Promise<void> };
}

function internalsOf(planner: ApolloGateway): PlannerInternals | undefined {
  const candidate = planner as unknown as Partial<PlannerInternals>;
  const ok = candidate.apiSchema && typeof candidate.queryPlanner?.buildQueryPlan === 'function' && typeof candidate.queryPlanStore?.set === 'function';
  return ok ? (candidate as PlannerInternals) : undefined;
}

/**
 * Plans each known operation into @apollo/gateway's plan cache, under the key its executor looks
 * up (sha256 of the text, and of text + name when a name is sent), so its first call costs no
 * planning. The operation as written serves callers who may read all of it; the anonymous caller's
 * filtered operation is planned (and its authorization decision cached) too. Returns how many plans.
 */
export async function warmPlans(generation: Pick<Generation, 'planner' | 'prepared' | 'authorizer'>, operations: readonly KnownOperation[], logger: Logger): Promise<number> {
  if (!operations.length) return 0;
  const internals = internalsOf(generation.planner);
  if (!internals) {
    logger.warn('cannot plan the persisted operations ahead: this @apollo/gateway version keeps its planner elsewhere; they are planned on first use');
    return 0;
  }
  const anonymous = generation.prepared.index.satisfiedSet(ANONYMOUS, new Map());
  let planned = 0;
  for (const operation of operations) {
    const [invalid] = validate(generation.prepared.apiSchema, operation.document);
    if (invalid) {
      logger.warn({ operationName: operation.name, error: invalid.message }, 'a persisted operation does not validate against the supergraph: every call of it will be refused');
      continue;
    }
    const queryHash = sha256(operation.body);
    const documents: [DocumentNode, string][] = [[operation.document, queryHash]];
    const filtered = generation.authorizer.authorize(operation.document, queryHash, operation.name, anonymous.key, anonymous.isSatisfied);
    if (filtered.document && filtered.queryHash && filtered.queryHash !== queryHash) documents.push([filtered.document, filtered.queryHash]);
    for (const [document, hash] of documents) {
      try {
        const plan = internals.queryPlanner.buildQueryPlan(operationFromDocument(internals.apiSchema, document, { operationName: operation.name ?? undefined }));
        // The executor's key: the query hash, with the operation name folded in when the request names one.
        await internals.queryPlanStore.set(hash, plan);
        if (operation.name) await internals.queryPlanStore.set(createHash('sha256').update(hash).update(operation.name).digest('hex'), plan);
        planned++;
      } catch (error) {
        logger.warn({ err: error, operationName: operation.name }, 'a persisted operation cannot be planned ahead; it will fail or be planned when called');
      }
    }
  }
  return planned;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
