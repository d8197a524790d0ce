import type { OperationDefinitionNode } from 'graphql';
import { DEFAULT_OPERATION_LIMITS, firstViolation, limitError, measureOperation, type LimitViolation, type OperationLimits } from '../limits/operation-limits.js';
import type { GatewayRequest, Stage } from './stage.js';

/**
 * Refuses operations over a limit (depth, aliases, root fields, directives, expanded selections)
 * with HTTP 400 and the limit's code. Runs right after the parse stage, before validation.
 * Only the first violated limit is reported, in a fixed order (see LIMIT_ORDER): an HttpError
 * carries one code, and a client that fixes it learns about the next on its next try.
 */
export function useOperationLimits(limits: OperationLimits = DEFAULT_OPERATION_LIMITS): Stage {
  // Cached documents are shared, so their operation nodes are too: the verdict is measured once per
  // operation node and lives as long as its document does.
  const verdicts = new WeakMap<OperationDefinitionNode, LimitViolation | null>();
  return {
    name: 'operation-limits',
    run(request: GatewayRequest) {
      const { document, operation } = request;
      if (!document || !operation) {
        throw new Error('The operation-limits stage needs the parse stage before it: request.document and request.operation are not set');
      }
      let verdict = verdicts.get(operation);
      if (verdict === undefined) {
        verdict = firstViolation(measureOperation(document, operation), limits);
        verdicts.set(operation, verdict);
      }
      if (verdict) throw limitError(verdict);
    },
  };
}
