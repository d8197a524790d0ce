import { ErrorCode, HttpError } from '../../../shared/errors.js';
import type { CostEstimator } from '../demand-control/estimate-cost.js';
import type { Stage } from './stage.js';

export { createCostEstimator, MAX_COST, type CostEstimator, type CostEstimatorOptions } from '../demand-control/estimate-cost.js';
export { loadDemandControlConfig, type DemandControlConfig } from '../demand-control/demand-control-config.js';

/** What `measure` mode adds to the response's `extensions.cost`. */
export interface CostReport {
  readonly estimated: number;
  readonly max: number;
  readonly mode: 'measure';
}

export type DemandControlOptions =
  | { readonly mode: 'off' }
  | {
      /** `enforce` refuses an operation estimated above `maxCost`; `measure` only reports its estimate. */
      readonly mode: 'enforce' | 'measure';
      /** The highest estimated cost accepted (no default here; the configuration's is 5000). */
      readonly maxCost: number;
    };

/**
 * Estimates the operation's cost from the supergraph's `@cost` and `@listSize` before anything
 * is planned or fetched (Apollo Router's demand control), with the estimator of the request's own
 * generation: a new supergraph brings its own without rebuilding the pipeline. Runs after the parse stage. In `enforce`
 * mode an operation above the maximum is answered 400 COST_ESTIMATED_TOO_EXPENSIVE; in `measure`
 * mode nothing is refused and the estimate goes to `extensions.cost`. Estimates are not cached:
 * they depend on the variables, and a typical operation takes microseconds.
 */
export function useDemandControl(options: DemandControlOptions): Stage {
  switch (options.mode) {
    case 'off':
      return { name: 'demand-control', run() {} };
    case 'enforce':
    case 'measure': {
      const { mode, maxCost } = options;
      return {
        name: 'demand-control',
        run(request) {
          if (!request.document) {
            // A pipeline listing this stage before parsing would let every operation through unmeasured.
            throw new Error('demand control expected the parse stage to have set request.document, but it is not set: list it after parsing');
          }
          const estimator: CostEstimator | undefined = request.generation.costEstimator;
          if (!estimator) {
            // Demand control on with a generation built without its cost model: a wiring bug, and serving unmeasured would hide it.
            throw new Error(`demand control expected generation ${request.generation.id} to have a cost estimator, but it has none`);
          }
          const estimated = estimator.estimate(request.document, request.operation ?? request.params.operationName, request.params.variables);
          if (mode === 'measure') {
            const report: CostReport = { estimated, max: maxCost, mode };
            request.extensions.cost = report;
            if (estimated > maxCost) request.logger.warn({ estimatedCost: estimated, maxCost }, 'operation estimated above the cost maximum (measure mode: served)');
            return;
          }
          if (estimated > maxCost) {
            throw new HttpError(
              400,
              ErrorCode.CostEstimatedTooExpensive,
              `Operation estimated cost ${estimated} exceeds the maximum of ${maxCost}`,
              {},
              { estimatedCost: estimated, maxCost },
            );
          }
        },
      };
    }
    default: {
      const unreachable: never = options;
      throw new Error(`Unknown demand control mode ${JSON.stringify(unreachable)}`);
    }
  }
}
