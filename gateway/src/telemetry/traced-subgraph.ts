import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { context, propagation, SpanKind, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import { ErrorCode } from '../../../shared/errors.js';
import { ATTR_GRAPHQL_OPERATION_NAME, ATTR_GRAPHQL_OPERATION_TYPE, markGraphQLErrors } from '../../../shared/telemetry/graphql-spans.js';
import { activeTracer, failSpan } from '../../../shared/telemetry/tracing.js';
import { ATTR_SUBGRAPH_NAME } from '../../../shared/telemetry/server-span.js';
import type { RequestDecorator } from '../execution/request-signing.js';


/** The W3C trace context headers the default propagator writes. */
export const TRACE_CONTEXT_HEADERS = ['traceparent', 'tracestate'] as const;

/**
 * The headers trace propagation may add to a subgraph request: the W3C ones, plus whatever the
 * configured propagators write (OTEL_PROPAGATORS=b3 writes `b3`). Each request has its own values,
 * so they go into the SubgraphClient's `volatileHeaders`: two identical queries from two traces
 * still share one fetch (the first caller's trace context is the one sent).
 */
export function traceContextHeaders(): string[] {
  return [...new Set([...TRACE_CONTEXT_HEADERS, ...propagation.fields().map((field) => field.toLowerCase())])];
}

/**
 * Wraps a subgraph's `decorate` hook: writes the active trace context into the outgoing headers.
 * SubgraphClient calls `decorate` synchronously at the start of `process`, so the active context
 * there is the fetch span `tracedSubgraph` opened, and the subgraph's span becomes its child.
 * The subgraph adopts it only once the gateway's signature on the request verified.
 */
export function withTraceContext(decorate: RequestDecorator): RequestDecorator {
  return (body, headers, options) => {
    if (activeTracer()) propagation.inject(context.active(), headers);
    decorate(body, headers, options);
  };
}

/**
 * A subgraph's data source with a CLIENT span around each fetch made for a request: `subgraph.name`,
 * the target, the operation, and a failed status for an unavailable subgraph (its reason) or an
 * answer with GraphQL errors. A call that joined a fetch already in flight has its own span too
 * (it waited as long), without a subgraph span below it. Tracing off: the client's own `process`.
 */
export function tracedSubgraph(client: GraphQLDataSource, subgraph: { name: string; url: string }): GraphQLDataSource {
  const url = new URL(subgraph.url);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return {
    process(options) {
      const tracer = activeTracer();
      // A request the gateway makes on its own behalf (a health check) belongs to no request's trace.
      if (!tracer || !('incomingRequestContext' in options)) return client.process(options);
      return tracer.startActiveSpan(`subgraph ${subgraph.name}`, { kind: SpanKind.CLIENT }, async (span) => {
        if (span.isRecording()) {
          span.setAttributes({
            [ATTR_SUBGRAPH_NAME]: subgraph.name,
            [ATTR_HTTP_REQUEST_METHOD]: 'POST',
            [ATTR_SERVER_ADDRESS]: url.hostname,
            [ATTR_SERVER_PORT]: port,
            [ATTR_URL_FULL]: url.origin + url.pathname,
          });
          describeOperation(span, options);
        }
        try {
          const response = await client.process(options);
          if (span.isRecording()) describeAnswer(span, response);
          return response;
        } catch (error) {
          failSpan(span, error instanceof Error ? error.message : String(error), error);
          throw error;
        } finally {
          span.end();
        }
      });
    },
  };
}

function describeOperation(span: Span, options: GraphQLDataSourceProcessOptions): void {
  const name = options.request.operationName;
  if (name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name.slice(0, 100));
  if ('document' in options && options.document) {
    const operation = options.document.definitions.find((d) => d.kind === 'OperationDefinition');
    if (operation && operation.kind === 'OperationDefinition') span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, operation.operation);
  }
}

/** SubgraphClient never throws for a failed fetch: it answers with a coded error, read here. */
function describeAnswer(span: Span, response: GatewayGraphQLResponse): void {
  const errors = response.errors ?? [];
  const unavailable = errors.find((e) => e.extensions?.code === ErrorCode.SubgraphUnavailable);
  if (unavailable) {
    span.setAttribute(ATTR_ERROR_TYPE, ErrorCode.SubgraphUnavailable);
    failSpan(span, unavailable.message);
    return;
  }
  markGraphQLErrors(span, errors.length);
}
