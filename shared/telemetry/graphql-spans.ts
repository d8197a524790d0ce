import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';

// The GraphQL semantic conventions (https://opentelemetry.io/docs/specs/semconv/graphql/graphql-spans/)
// are still "development" status, exported only from the package's unstable entry point: named here.
export const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
export const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
/** Meshgate's own: how many GraphQL errors the answer carried. */
export const ATTR_GRAPHQL_ERRORS = 'meshgate.graphql.errors';

/** Longest operation name put on a span (the name comes from the client). */
const MAX_OPERATION_NAME = 100;

/** `{type} {name}`, `{type}` without a name, as the GraphQL conventions name a span. */
export function graphqlSpanName(type: string, name: string | undefined): string {
  return name ? `${type} ${name.slice(0, MAX_OPERATION_NAME)}` : type;
}

/** An answer with GraphQL errors is a failed span (a partial answer included): the count says how many. */
export function markGraphQLErrors(span: Span, errors: number): void {
  if (errors <= 0) return;
  span.setAttribute(ATTR_GRAPHQL_ERRORS, errors);
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${errors} GraphQL error${errors === 1 ? '' : 's'} in the answer` });
}

/**
 * Annotates the span active while Apollo Server runs (the subgraph's SERVER span) with the
 * operation's name and type once resolved, and marks it failed when the answer carries errors.
 * Nothing happens for a request without a recording span (tracing off, or not sampled).
 */
export function graphqlSpanPlugin<Ctx extends BaseContext>(): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return undefined;
      return {
        async willSendResponse({ operation, operationName, response }) {
          if (operation) {
            span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, operation.operation);
            if (operationName) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, operationName.slice(0, MAX_OPERATION_NAME));
            span.updateName(graphqlSpanName(operation.operation, operationName ?? undefined));
          }
          markGraphQLErrors(span, response.body.kind === 'single' ? (response.body.singleResult.errors?.length ?? 0) : 0);
        },
      };
    },
  };
}
