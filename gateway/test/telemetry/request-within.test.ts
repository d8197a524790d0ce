import type { IncomingMessage } from 'node:http';
import { createLogger } from '../../../shared/logging.js';
import { startRequestTelemetry, type RequestPlugin } from '../../src/telemetry/plugins.js';
import { tracingPlugin } from '../../src/telemetry/tracing-plugin.js';

// `RequestTelemetry.within`: how the plugins' `within` wrap the rest of a request (the tracing
// plugin's puts the request's span context around the stages and Apollo Server).
const start = { http: { headers: {}, url: '/graphql' } as IncomingMessage, method: 'POST', generationId: 'g', startedAt: 0 };
const logger = createLogger('test', 'silent');
const wrapping = (name: string, calls: string[]): RequestPlugin => ({
  name,
  start: () => ({
    within: (run) => {
      calls.push(`${name} in`);
      try {
        return run();
      } finally {
        calls.push(`${name} out`);
      }
    },
  }),
});

describe('RequestTelemetry.within', () => {
  it('nests the plugins in list order, the first outermost, and returns what the request returned', () => {
    const calls: string[] = [];
    const telemetry = startRequestTelemetry(start, logger, [wrapping('a', calls), { name: 'none', start: () => ({}) }, wrapping('b', calls)]);
    expect(telemetry.within(() => (calls.push('run'), 42))).toBe(42);
    expect(calls).toEqual(['a in', 'b in', 'run', 'b out', 'a out']);
  });

  it('runs the request once and as is when no plugin wraps it, a falsy answer included', () => {
    let runs = 0;
    const telemetry = startRequestTelemetry(start, logger, [{ name: 'none', start: () => ({}) }]);
    expect(telemetry.within(() => (runs++, undefined))).toBeUndefined();
    expect(runs).toBe(1);
  });

  it('with tracing off, the tracing plugin adds nothing: no wrapper, no log binding, no end', () => {
    const observer = tracingPlugin.start(start);
    expect(observer).toEqual({});
  });
});
