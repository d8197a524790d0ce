import { context, propagation, ROOT_CONTEXT, SpanKind, trace, isSpanContextValid, type Link } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { failSpan, activeTracer } from '../../../shared/telemetry/tracing.js';
import { ATTR_GRAPHQL_OPERATION_NAME, ATTR_GRAPHQL_OPERATION_TYPE, graphqlSpanName, markGraphQLErrors } from '../../../shared/telemetry/graphql-spans.js';
import { MAX_LOGGED_OPERATION_NAME } from './access-log.js';
import type { RequestObserver, RequestPlugin } from './plugins.js';

/** The supergraph generation that served the request. */
export const ATTR_SUPERGRAPH_ID = 'meshgate.supergraph.id';

const GRAPHQL_ROUTE = '/graphql';
/** Longest request path put on a span: the path comes from the client. */
const MAX_PATH = 200;

function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const query = target.indexOf('?');
  return (query === -1 ? target : target.slice(0, query)).slice(0, MAX_PATH);
}

/** What the plugin returns when tracing is off: shared, nothing to do. */
const UNTRACED: RequestObserver = {};

/**
 * The request's SERVER span: HTTP attributes (OTel HTTP semantic conventions) at the start,
 * `graphql.operation.name` / `.type` (GraphQL conventions, which also name the span) and the status
 * at the end. While the pipeline's stages and Apollo Server run, its context is the active one
 * (`within`), so stage spans, the authorization span, @apollo/gateway's own spans and the subgraph
 * fetches below them all land in its tree.
 *
 * A client's `traceparent` is a link, not the parent: the gateway is where untrusted traffic
 * enters, and a caller must not decide the trace id or force sampling (a sampled flag on every
 * request would make the collector pay for all of them). The trace id is bound to the request's
 * logger, so every log line of the request (the access log's too) leads to its trace.
 */
export const tracingPlugin: RequestPlugin = {
  name: 'tracing',
  start({ http, method, generationId }) {
    const tracer = activeTracer();
    if (!tracer) return UNTRACED;
    const incoming = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, http.headers));
    const links: Link[] | undefined = incoming && isSpanContextValid(incoming) ? [{ context: incoming }] : undefined;
    // The HTTP front also reports what it refused before routing (a 404 elsewhere, a 405): the route is only named when it is GraphQL's.
    const path = pathOf(http.url);
    const route = path === GRAPHQL_ROUTE ? GRAPHQL_ROUTE : undefined;
    const span = tracer.startSpan(route ? `${method} ${route}` : method, { kind: SpanKind.SERVER, root: true, ...(links ? { links } : {}) }, ROOT_CONTEXT);
    // A request the sampler dropped still runs in its (non-recording) context, so subgraphs learn not to sample it either.
    const active = trace.setSpan(ROOT_CONTEXT, span);
    const within = <T>(run: () => T): T => context.with(active, run);
    if (!span.isRecording()) return { within, end: () => span.end() };
    span.setAttributes({
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_URL_PATH]: path,
      [ATTR_URL_SCHEME]: 'encrypted' in http.socket ? 'https' : 'http',
      [ATTR_NETWORK_PROTOCOL_VERSION]: http.httpVersion,
      [ATTR_CLIENT_ADDRESS]: http.socket.remoteAddress ?? 'unknown',
      [ATTR_SUPERGRAPH_ID]: generationId,
    });
    if (route) span.setAttribute(ATTR_HTTP_ROUTE, route);
    const agent = http.headers['user-agent'];
    if (agent) span.setAttribute(ATTR_USER_AGENT_ORIGINAL, agent.slice(0, 200));
    return {
      within,
      logBindings: { traceId: span.spanContext().traceId },
      end(result) {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
        const name = result.operationName?.slice(0, MAX_LOGGED_OPERATION_NAME);
        if (name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
        if (result.operationType) {
          span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, result.operationType);
          span.updateName(graphqlSpanName(result.operationType, name));
        }
        // HTTP conventions for a SERVER span: a 5xx is the gateway's failure, a 4xx (a refusal) the client's, status left unset.
        if (result.status >= 400) span.setAttribute(ATTR_ERROR_TYPE, String(result.status));
        if (result.status >= 500) failSpan(span, `HTTP ${result.status}`);
        else if (result.status < 400) markGraphQLErrors(span, result.errors);
        span.end();
      },
    };
  },
};
