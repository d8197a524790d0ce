import type { IncomingMessage } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_NETWORK_PROTOCOL_VERSION, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { activeTracer, failSpan } from './tracing.js';

/** The data product a span is for (in tests every service shares one process, and a resource names only one). */
export const ATTR_SUBGRAPH_NAME = 'subgraph.name';

/** One GraphQL request's SERVER span in a subgraph or the registry: run its work `within`, `end` it with the status answered. */
export interface ServerSpan {
  within<T>(run: () => T): T;
  end(status: number): void;
}

export interface ServerSpanInput {
  req: IncomingMessage;
  /**
   * Whether the request's `traceparent` may make it part of the caller's trace: in a subgraph, only
   * once the gateway's signature on it verified. Anyone can send headers, and an unverified caller
   * must not choose the trace a span lands in (nor force it sampled); such a span starts its own.
   */
  adoptTraceContext: boolean;
  /** `performance.now()` when the request arrived: the span then covers what ran before it could start (the signature check). */
  startTime: number;
  /** Set for a data product's span: its name as `subgraph.name`. */
  subgraph?: string;
}

/**
 * Starts the span of a GraphQL request at `/graphql` (graphqlSpanPlugin names it after its
 * operation once Apollo Server resolved it), or returns undefined when tracing is off.
 */
export function startServerSpan(input: ServerSpanInput): ServerSpan | undefined {
  const tracer = activeTracer();
  if (!tracer) return undefined;
  const parent = input.adoptTraceContext ? propagation.extract(ROOT_CONTEXT, input.req.headers) : ROOT_CONTEXT;
  const method = input.req.method ?? 'POST';
  const span = tracer.startSpan(`${method} /graphql`, { kind: SpanKind.SERVER, startTime: input.startTime }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_URL_PATH]: '/graphql',
      [ATTR_HTTP_ROUTE]: '/graphql',
      [ATTR_NETWORK_PROTOCOL_VERSION]: input.req.httpVersion,
    });
    if (input.subgraph) span.setAttribute(ATTR_SUBGRAPH_NAME, input.subgraph);
  }
  const active = trace.setSpan(parent, span);
  return {
    within: (run) => context.with(active, run),
    end: (status) => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 400) span.setAttribute(ATTR_ERROR_TYPE, String(status));
      if (status >= 500) failSpan(span, `HTTP ${status}`);
      span.end();
    },
  };
}
