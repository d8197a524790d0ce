import { activeTracer, inSpan } from '../../../shared/telemetry/tracing.js';
import type { GatewayRequest, Stage } from './stage.js';

/** The span attribute naming the pipeline stage a span is for. */
export const ATTR_STAGE = 'meshgate.stage';

/**
 * Runs the stages in order; the first that refuses (throws) ends the request. With tracing on,
 * each stage is a span (`stage <name>`) under the request's, a refusal marking it failed with
 * its reason, so a trace shows which stage said no and what each one cost.
 */
export async function runStages(stages: readonly Stage[], request: GatewayRequest): Promise<void> {
  if (!activeTracer()) {
    for (const stage of stages) await stage.run(request);
    return;
  }
  for (const stage of stages) {
    await inSpan(`stage ${stage.name}`, async (span) => {
      span?.setAttribute(ATTR_STAGE, stage.name);
      await stage.run(request);
    });
  }
}
