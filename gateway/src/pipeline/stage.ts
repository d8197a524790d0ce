import type { IncomingMessage } from 'node:http';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { Logger } from '../../../shared/logging.js';
import type { Principal } from '../../../shared/principal.js';
import type { GraphQLParams } from '../../../shared/http/graphql-params.js';
import type { CostEstimator } from '../demand-control/estimate-cost.js';

export type { GraphQLParams };

/**
 * What stages read of the request's supergraph generation (generations/generation.ts): taken once,
 * when the request arrives, and kept to its answer, so no stage sees another supergraph's parts.
 */
export interface RequestGeneration {
  readonly id: string;
  /** Absent when demand control is off. */
  readonly costEstimator?: CostEstimator;
}

/**
 * One request on its way through the gateway's pipeline (see stages.ts). Each stage reads what
 * the stages before it established and adds its own part; none reaches into another's state.
 */
export interface GatewayRequest {
  readonly http: IncomingMessage;
  readonly method: 'GET' | 'POST';
  /** The peer's address (the socket's; no forwarding header is trusted). */
  readonly clientAddress: string;
  /** The generation serving this request, from its first stage to its answer. */
  readonly generation: RequestGeneration;
  /** What the client asked. The persisted-operations stage may fill in `query` from an id. */
  params: GraphQLParams;
  /** Set by the parse stage: the parsed document and the operation `operationName` selects. */
  document?: DocumentNode;
  operation?: OperationDefinitionNode;
  /** Set by the authentication stage: the verified caller (ANONYMOUS without a credential). */
  principal?: Principal;
  /** Merged into the response's `extensions` (e.g. the cost estimate in measure mode). */
  readonly extensions: Record<string, unknown>;
  /** Aborted when the client goes away before its answer: subgraph calls made for it are cancelled. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/**
 * A step of the pipeline. It refuses a request by throwing an `HttpError` (status, code and a
 * message naming the limit or the problem); it never writes to the response itself.
 */
export interface Stage {
  readonly name: string;
  run(request: GatewayRequest): void | Promise<void>;
  /** Releases what the stage holds (a Redis connection); called once when the gateway stops. */
  close?(): Promise<void>;
}
