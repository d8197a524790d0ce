import { z } from 'zod';
import { ConfigError, envVar, parseEnvInto } from '../config/env.js';

/**
 * Tracing is configured only by the standard OpenTelemetry variables, the same for every service
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/). This reads
 * the ones that decide whether tracing is on and how it samples, and checks the values the SDK
 * (0.200) would otherwise drop with a diagnostic nobody reads (an unknown exporter exports
 * nothing; a sampler ratio of "50%" silently becomes 1). The SDK still reads the rest itself
 * (headers, timeouts, compression, batch sizes) from the same environment.
 */

export type TraceExporterName = 'otlp' | 'console' | 'zipkin';
export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';

export type SamplerConfig =
  | { kind: 'always_on' | 'always_off' | 'parentbased_always_on' | 'parentbased_always_off' }
  | { kind: 'traceidratio' | 'parentbased_traceidratio'; ratio: number };

export type TracingConfig =
  | { enabled: false; /** Why not, for the start-up line. */ reason: string }
  | {
      enabled: true;
      exporters: readonly TraceExporterName[];
      /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL; default http/protobuf (the SDK's). */
      protocol: OtlpProtocol;
      /** Where OTLP spans go: the traces endpoint as given, or the base endpoint (the exporter adds /v1/traces); unset: the SDK's localhost default. */
      endpoint?: string;
      /** OTEL_TRACES_SAMPLER (+ _ARG). Default parentbased_always_on. */
      sampler: SamplerConfig;
    };

const EXPORTERS = ['otlp', 'console', 'zipkin', 'none'] as const;
const PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'] as const;
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none'] as const;
const DIAG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
const RATIO_SAMPLERS = new Set(['traceidratio', 'parentbased_traceidratio']);

/** A comma list whose every item is one of `allowed` (case-insensitive, as the SDK reads them). */
function list<const T extends string>(allowed: readonly T[], extra: (item: string) => string | undefined = () => undefined) {
  return z.string().transform((value, ctx) => {
    const items = value.split(',').map((item) => item.trim().toLowerCase()).filter((item) => item !== '');
    for (const item of items) {
      if ((allowed as readonly string[]).includes(item)) continue;
      ctx.addIssue({ code: 'custom', message: extra(item) ?? `expected a comma list of ${allowed.join(', ')}; "${item.slice(0, 40)}" is none of them` });
      return z.NEVER;
    }
    return items as T[];
  });
}

const ms = () =>
  z.coerce.number({ error: 'expected milliseconds, a positive whole number' }).int('expected milliseconds, a positive whole number').positive('expected milliseconds, a positive whole number').optional();
const count = () => z.coerce.number({ error: 'expected a positive whole number' }).int('expected a positive whole number').positive('expected a positive whole number').optional();

const schema = z.object({
  OTEL_SDK_DISABLED: envVar.boolean(false),
  OTEL_TRACES_EXPORTER: list(EXPORTERS, (item) =>
    item === 'jaeger' ? 'jaeger needs @opentelemetry/exporter-jaeger, which Meshgate does not ship: use otlp (Jaeger accepts OTLP)' : undefined,
  ).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: envVar.url(['http', 'https']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: envVar.url(['http', 'https']).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(PROTOCOLS, { error: `expected one of ${PROTOCOLS.join(', ')}` }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(PROTOCOLS, { error: `expected one of ${PROTOCOLS.join(', ')}` }).optional(),
  OTEL_EXPORTER_OTLP_TIMEOUT: ms(),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: ms(),
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: envVar.url(['http', 'https']).optional(),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS, { error: `expected one of ${SAMPLERS.join(', ')}` }).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number({ error: 'expected the share of traces to keep, a number from 0 to 1 (e.g. 0.25)' })
    .min(0, 'expected the share of traces to keep, a number from 0 to 1 (e.g. 0.25)')
    .max(1, 'expected the share of traces to keep, a number from 0 to 1 (e.g. 0.25)')
    .optional(),
  OTEL_PROPAGATORS: list(PROPAGATORS).optional(),
  OTEL_BSP_SCHEDULE_DELAY: ms(),
  OTEL_BSP_EXPORT_TIMEOUT: ms(),
  OTEL_BSP_MAX_QUEUE_SIZE: count(),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: count(),
  OTEL_LOG_LEVEL: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(DIAG_LEVELS, { error: `expected one of ${DIAG_LEVELS.join(', ')}` }))
    .optional(),
});

/**
 * Reads the tracing variables. On when OTEL_TRACES_EXPORTER names an exporter, or when it is
 * unset and an OTLP endpoint is set (otlp is the SDK's default exporter); off otherwise, and
 * always with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Every wrong variable is
 * reported at once, each by name (a ConfigError, as every other loader's).
 */
export function loadTracingConfig(env: Record<string, string | undefined> = process.env): TracingConfig {
  const problems: string[] = [];
  const parsed = parseEnvInto(schema, env, problems);
  // Checked apart from the schema: a header value is often an API key, and must not be echoed back.
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const problem = headersProblem(env[name]);
    if (problem) problems.push(`${name}: ${problem}`);
  }
  if (parsed) {
    const exporters = parsed.OTEL_TRACES_EXPORTER;
    if (exporters && exporters.includes('none') && exporters.length > 1) {
      problems.push(`OTEL_TRACES_EXPORTER: "none" cannot be combined with other exporters (got "${env.OTEL_TRACES_EXPORTER?.trim()}")`);
    }
    if (parsed.OTEL_TRACES_SAMPLER_ARG !== undefined && !RATIO_SAMPLERS.has(parsed.OTEL_TRACES_SAMPLER)) {
      problems.push(
        `OTEL_TRACES_SAMPLER_ARG: only traceidratio and parentbased_traceidratio read a ratio, and OTEL_TRACES_SAMPLER is ${parsed.OTEL_TRACES_SAMPLER}: unset it or choose a ratio sampler (got "${env.OTEL_TRACES_SAMPLER_ARG?.trim()}")`,
      );
    }
    const queue = parsed.OTEL_BSP_MAX_QUEUE_SIZE ?? 2048;
    const batch = parsed.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ?? 512;
    if (batch > queue) problems.push(`OTEL_BSP_MAX_EXPORT_BATCH_SIZE: expected at most OTEL_BSP_MAX_QUEUE_SIZE (${queue}), got ${batch}`);
  }
  if (problems.length || !parsed) throw new ConfigError(problems);

  if (parsed.OTEL_SDK_DISABLED) return { enabled: false, reason: 'OTEL_SDK_DISABLED is true' };
  const endpoint = parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? parsed.OTEL_EXPORTER_OTLP_ENDPOINT;
  const named = parsed.OTEL_TRACES_EXPORTER?.filter((e): e is TraceExporterName => e !== 'none');
  if (parsed.OTEL_TRACES_EXPORTER?.includes('none')) return { enabled: false, reason: 'OTEL_TRACES_EXPORTER is none' };
  const exporters = named && named.length > 0 ? named : endpoint !== undefined ? (['otlp'] as const) : undefined;
  if (!exporters) return { enabled: false, reason: 'no exporter: set OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) to send traces' };
  const kind = parsed.OTEL_TRACES_SAMPLER;
  const sampler: SamplerConfig = kind === 'traceidratio' || kind === 'parentbased_traceidratio' ? { kind, ratio: parsed.OTEL_TRACES_SAMPLER_ARG ?? 1 } : { kind };
  return {
    enabled: true,
    exporters,
    protocol: parsed.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? parsed.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    ...(endpoint !== undefined ? { endpoint } : {}),
    sampler,
  };
}

/** `key=value` pairs separated by commas (values URL-encoded), as the OTLP exporters parse them; the reason names the item, never its value. */
function headersProblem(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const items = value.split(',');
  for (const [index, item] of items.entries()) {
    const eq = item.indexOf('=');
    if (eq <= 0 || item.slice(0, eq).trim() === '') return `expected comma-separated key=value pairs, e.g. "authorization=Bearer%20…"; item ${index + 1} of ${items.length} has no key=`;
  }
  return undefined;
}

/** One line for the start-up log: what is exported where, and how sampled. */
export function describeTracing(config: TracingConfig): string {
  if (!config.enabled) return `tracing off (${config.reason})`;
  const where = config.exporters
    .map((e) => (e === 'otlp' ? `otlp ${config.protocol} to ${config.endpoint ?? 'the SDK default (localhost)'}` : e))
    .join(', ');
  const sampled = 'ratio' in config.sampler ? `${config.sampler.kind} ${config.sampler.ratio}` : config.sampler.kind;
  return `tracing on: ${where}; sampler ${sampled}`;
}
