import { context, propagation, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { HttpError } from '../errors.js';
import { describeTracing, loadTracingConfig, type SamplerConfig, type TracingConfig } from './tracing-config.js';

export { describeTracing, loadTracingConfig, type TracingConfig };

/**
 * The process's OpenTelemetry tracing: @opentelemetry/sdk-node 0.200, the last line that runs on
 * Node 20 (newer ones need Node 22.15+). Off unless an exporter is configured (tracing-config.ts):
 * then no SDK is started, `activeTracer()` is undefined, and every span site in Meshgate takes its
 * untraced path at the cost of one check. No auto-instrumentation: the spans are Meshgate's own
 * (request, stages, authorization, subgraph fetches, the subgraph's handling) plus the ones
 * @apollo/gateway emits through @opentelemetry/api (gateway.request, gateway.plan, gateway.execute,
 * gateway.fetch, gateway.postprocessing), which land in the same trees because the request's span
 * context is active while Apollo runs.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** The start-up log line: what is exported where, and how sampled. */
  readonly description: string;
  /** Exports every span ended so far (tests; a stop flushes anyway). */
  flush(): Promise<void>;
  /** Flushes (waiting at most 3 s for the collector), shuts the SDK down and unregisters it; later calls wait for the first. */
  stop(): Promise<void>;
}

/** The name every Meshgate span is created under (the instrumentation scope). */
export const TRACER_NAME = 'meshgate';

let tracer: Tracer | undefined;
let startedOnce = false;

/**
 * The tracer while tracing runs, else undefined: span sites check it first, so tracing off costs
 * no span objects, no context switches and no attribute objects.
 */
export function activeTracer(): Tracer | undefined {
  return tracer;
}

const OFF = (reason: string): Tracing => ({ enabled: false, description: `tracing off (${reason})`, flush: async () => undefined, stop: async () => undefined });

/**
 * Starts tracing for this process as `serviceName` (OTEL_SERVICE_NAME or a service.name in
 * OTEL_RESOURCE_ATTRIBUTES win over it), if the environment configures an exporter. Call it once,
 * from a service's main.ts, before the service is built; `config` is what `loadTracingConfig` read
 * (main.ts reads it beside the service's own configuration, so every wrong variable shows at once).
 *
 * Once per process: @apollo/gateway keeps the tracer it was first given (a module-level proxy), so
 * a second SDK would never see its spans; a second start is refused rather than half-working. Tests
 * start it at most once per test file (jest gives each file its own module registry and globals).
 */
export function startTracing(serviceName: string, config: TracingConfig = loadTracingConfig(process.env)): Tracing {
  if (!config.enabled) return OFF(config.reason);
  if (startedOnce) throw new Error('startTracing: tracing was already started in this process; it can be started once (see shared/telemetry/tracing.ts)');
  startedOnce = true;
  const sdk = new NodeSDK({
    // Detected attributes (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, host, process) merge over these.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    sampler: samplerOf(config.sampler),
    // Traces only: without this the SDK would start an OTLP log exporter nothing writes to.
    logRecordProcessors: [],
    // Span processors and exporters come from OTEL_TRACES_EXPORTER and the OTLP variables (checked in tracing-config.ts).
  });
  sdk.start();
  // Taken after the SDK registered, so it is the SDK's tracer and not a no-op proxy.
  tracer = trace.getTracer(TRACER_NAME);
  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    description: describeTracing(config),
    flush: async () => {
      // The API hands out a proxy whose delegate is the SDK's provider, the one that can flush.
      const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
      const real = (provider.getDelegate?.() ?? provider) as { forceFlush?: () => Promise<void> };
      await real.forceFlush?.();
    },
    stop: () =>
      (stopping ??= (async () => {
        tracer = undefined;
        try {
          await withinMs(sdk.shutdown(), STOP_TIMEOUT_MS);
        } finally {
          // Back to the API's no-ops, so code that asks for a tracer after the stop gets one that records nothing.
          trace.disable();
          propagation.disable();
          context.disable();
        }
      })()),
  };
}

/**
 * How long a stop waits for the last spans to leave: a collector that does not answer must not
 * hold a stopping service past its orchestrator's grace period (the exporter's own timeout is 10 s).
 */
const STOP_TIMEOUT_MS = 3000;

function withinMs(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function samplerOf(config: SamplerConfig): Sampler {
  switch (config.kind) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(config.ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.ratio) });
    default: {
      const unreachable: never = config;
      throw new Error(`Unknown sampler ${JSON.stringify((unreachable as { kind: unknown }).kind)}`);
    }
  }
}

/**
 * Marks a span failed with a short message. A deliberate refusal (an HttpError) is named by its
 * code in `error.type`; anything else thrown is recorded as an exception event, stack included
 * (the span goes to the operator's collector, never to a client).
 */
export function failSpan(span: Span, message: string, error?: unknown): void {
  if (error instanceof HttpError) span.setAttribute(ATTR_ERROR_TYPE, error.code);
  else if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: message.slice(0, 300) });
}

/**
 * Runs `run` in a new child span of the active one when tracing is on (just runs it when off).
 * A throw (or rejection) marks the span failed and passes through unchanged.
 */
export function inSpan<T>(name: string, run: (span: Span | undefined) => Promise<T>): Promise<T> {
  const active = tracer;
  if (!active) return run(undefined);
  return active.startActiveSpan(name, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      failSpan(span, error instanceof Error ? error.message : String(error), error);
      throw error;
    } finally {
      span.end();
    }
  });
}
