import { activeTracer, failSpan } from '../../../shared/telemetry/tracing.js';

/** How many selections authorization removed (0: the operation runs as asked). */
export const ATTR_AUTHZ_DENIED = 'meshgate.authorization.denied';
/** The schema coordinates removed (at most `MAX_COORDINATES`, sorted): which fields, never which values. */
export const ATTR_AUTHZ_DENIED_COORDINATES = 'meshgate.authorization.denied_coordinates';
/** filter (null and error per removed path), reject (the whole operation), or dry_run (reported only). */
export const ATTR_AUTHZ_MODE = 'meshgate.authorization.mode';

const MAX_COORDINATES = 20;

/**
 * The authorization decision as a span (`authorize`) under the request's: how many selections
 * were denied and which coordinates. A denial is the decision working, not a failure: only a
 * throw marks the span failed. Tracing off: just the decision.
 */
export function traceAuthorization<D extends { readonly denied: readonly { readonly coordinate: string }[] }>(mode: 'filter' | 'reject' | 'dry_run', decide: () => D): D {
  const tracer = activeTracer();
  if (!tracer) return decide();
  return tracer.startActiveSpan('authorize', (span) => {
    try {
      const decision = decide();
      if (span.isRecording()) {
        span.setAttribute(ATTR_AUTHZ_MODE, mode);
        span.setAttribute(ATTR_AUTHZ_DENIED, decision.denied.length);
        if (decision.denied.length > 0) span.setAttribute(ATTR_AUTHZ_DENIED_COORDINATES, [...new Set(decision.denied.map((d) => d.coordinate))].sort().slice(0, MAX_COORDINATES));
      }
      return decision;
    } catch (error) {
      failSpan(span, error instanceof Error ? error.message : String(error), error);
      throw error;
    } finally {
      span.end();
    }
  });
}
