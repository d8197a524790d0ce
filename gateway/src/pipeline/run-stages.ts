import type { GatewayRequest, Stage } from './stage.js';

/** Runs the stages in order; the first that refuses (throws) ends the request. */
export async function runStages(stages: readonly Stage[], request: GatewayRequest): Promise<void> {
  for (const stage of stages) await stage.run(request);
}
