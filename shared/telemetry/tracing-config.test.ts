import { ConfigError } from '../config/env.js';
import { describeTracing, loadTracingConfig, type TracingConfig } from './tracing-config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadTracingConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
};

const ENDPOINT = 'http://collector:4318';

describe('whether tracing is on', () => {
  it.each<[string, Record<string, string>, Partial<TracingConfig>]>([
    ['nothing set: off', {}, { enabled: false }],
    ['only a service name: off', { OTEL_SERVICE_NAME: 'gateway' }, { enabled: false }],
    ['an OTLP endpoint: on, with the default exporter otlp', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, { enabled: true, exporters: ['otlp'], endpoint: ENDPOINT, protocol: 'http/protobuf' }],
    ['a traces endpoint wins over the base one', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/v1/traces' }, { endpoint: 'http://other:4318/v1/traces' }],
    ['an exporter named: on', { OTEL_TRACES_EXPORTER: 'console' }, { enabled: true, exporters: ['console'] }],
    ['several exporters, any case and spacing', { OTEL_TRACES_EXPORTER: ' OTLP , console' }, { enabled: true, exporters: ['otlp', 'console'] }],
    ['exporter none: off even with an endpoint', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, { enabled: false }],
    ['OTEL_SDK_DISABLED: off whatever else', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }, { enabled: false }],
    ['the traces protocol wins over the general one', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, { protocol: 'http/json' }],
    ['default sampler: parent-based always on', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, { sampler: { kind: 'parentbased_always_on' } }],
    ['a ratio sampler reads its argument', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, { sampler: { kind: 'parentbased_traceidratio', ratio: 0.25 } }],
    ['a ratio sampler without an argument keeps everything (the spec default 1.0)', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_SAMPLER: 'traceidratio' }, { sampler: { kind: 'traceidratio', ratio: 1 } }],
    ['an empty variable is unset', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_TRACES_SAMPLER_ARG: '' }, { enabled: false }],
  ])('%s', (_name, env, expected) => {
    expect(loadTracingConfig(env)).toEqual(expect.objectContaining(expected));
  });
});

describe('wrong values stop the start, naming the variable', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['a sampler ratio that is not a number', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '50%' }, /^OTEL_TRACES_SAMPLER_ARG: expected the share of traces to keep, a number from 0 to 1 \(e\.g\. 0\.25\) \(got "50%"\)$/],
    ['a sampler ratio above 1', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '25' }, /^OTEL_TRACES_SAMPLER_ARG: expected the share .* \(got "25"\)$/],
    ['a sampler ratio below 0', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '-0.1' }, /^OTEL_TRACES_SAMPLER_ARG: expected the share/],
    ['a ratio for a sampler that reads none', { OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: '0.5' }, /^OTEL_TRACES_SAMPLER_ARG: only traceidratio and parentbased_traceidratio read a ratio, and OTEL_TRACES_SAMPLER is always_on/],
    ['a ratio with the default sampler', { OTEL_TRACES_SAMPLER_ARG: '0.5' }, /OTEL_TRACES_SAMPLER is parentbased_always_on/],
    ['an unknown sampler', { OTEL_TRACES_SAMPLER: 'sometimes' }, /^OTEL_TRACES_SAMPLER: expected one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio \(got "sometimes"\)$/],
    ['an unknown exporter', { OTEL_TRACES_EXPORTER: 'otlp,datadog' }, /^OTEL_TRACES_EXPORTER: expected a comma list of otlp, console, zipkin, none; "datadog" is none of them/],
    ['jaeger, which is not shipped', { OTEL_TRACES_EXPORTER: 'jaeger' }, /^OTEL_TRACES_EXPORTER: jaeger needs @opentelemetry\/exporter-jaeger, which Meshgate does not ship: use otlp/],
    ['none beside another exporter', { OTEL_TRACES_EXPORTER: 'none,otlp' }, /^OTEL_TRACES_EXPORTER: "none" cannot be combined with other exporters/],
    ['an endpoint that is not a URL', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /^OTEL_EXPORTER_OTLP_ENDPOINT: expected a URL starting with http:\/\/ or https:\/\//],
    ['an unknown protocol', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http' }, /^OTEL_EXPORTER_OTLP_PROTOCOL: expected one of grpc, http\/protobuf, http\/json \(got "http"\)$/],
    ['an unknown propagator', { OTEL_PROPAGATORS: 'tracecontext,xray' }, /^OTEL_PROPAGATORS: expected a comma list of tracecontext, baggage, b3, b3multi, jaeger, none; "xray"/],
    ['a batch delay that is not milliseconds', { OTEL_BSP_SCHEDULE_DELAY: '5s' }, /^OTEL_BSP_SCHEDULE_DELAY: expected milliseconds, a positive whole number \(got "5s"\)$/],
    ['a batch larger than the queue', { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' }, /^OTEL_BSP_MAX_EXPORT_BATCH_SIZE: expected at most OTEL_BSP_MAX_QUEUE_SIZE \(100\), got 512$/],
    ['an unknown diagnostic level', { OTEL_LOG_LEVEL: 'loud' }, /^OTEL_LOG_LEVEL: expected one of none, error, warn, info, debug, verbose, all/],
  ])('%s', (_name, env, expected) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('names a malformed header item without echoing its value (it is often an API key)', () => {
    const [problem] = problemsOf({ OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc,secret-token-123' });
    expect(problem).toBe('OTEL_EXPORTER_OTLP_HEADERS: expected comma-separated key=value pairs, e.g. "authorization=Bearer%20…"; item 2 of 2 has no key=');
    expect(problem).not.toContain('secret-token-123');
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20x,x-tenant=a' })).toEqual(expect.objectContaining({ enabled: false }));
  });

  it('reports every wrong variable in one go', () => {
    const problems = problemsOf({ OTEL_TRACES_EXPORTER: 'jaeger', OTEL_TRACES_SAMPLER_ARG: 'half', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'novalue' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_TRACES_EXPORTER', 'OTEL_TRACES_SAMPLER_ARG']);
  });
});

describe('the start-up line', () => {
  it.each<[Record<string, string>, string]>([
    [{}, 'tracing off (no exporter: set OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) to send traces)'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'tracing on: otlp http/json to http://collector:4318; sampler parentbased_always_on'],
    [{ OTEL_TRACES_EXPORTER: 'otlp,console', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }, 'tracing on: otlp http/protobuf to the SDK default (localhost), console; sampler traceidratio 0.1'],
  ])('%j', (env, line) => {
    expect(describeTracing(loadTracingConfig(env))).toBe(line);
  });
});
