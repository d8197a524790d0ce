import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Logger } from '../../../shared/logging.js';

/** Where a subgraph's answer shows its running schema is not the contract the supergraph composed. */
export interface ContractMismatch {
  /** `Type.field`, `Type.field(arg:)`, `Type`, or `unknown` when the message names none. */
  coordinate: string;
  message: string;
}

const CANNOT_QUERY = /Cannot query field "([^"]+)" on type "([^"]+)"/;
const UNKNOWN_ARGUMENT = /Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"/;
const UNKNOWN_TYPE = /Unknown type "([^"]+)"/;

/**
 * The errors of a subgraph answer that say the subgraph refused, as invalid, an operation the
 * gateway planned from the supergraph: its code is GRAPHQL_VALIDATION_FAILED, or its message is
 * graphql-js's "Cannot query field ... on type ..." / "Unknown argument ...". The planner only
 * sends what the supergraph says the subgraph has, so each one is a contract disagreement.
 */
export function contractMismatches(response: GatewayGraphQLResponse): ContractMismatch[] {
  const found: ContractMismatch[] = [];
  for (const error of response.errors ?? []) {
    const message = typeof error?.message === 'string' ? error.message : '';
    const code = (error?.extensions as { code?: unknown } | undefined)?.code;
    const field = CANNOT_QUERY.exec(message);
    const argument = UNKNOWN_ARGUMENT.exec(message);
    if (!field && !argument && code !== 'GRAPHQL_VALIDATION_FAILED') continue;
    const type = UNKNOWN_TYPE.exec(message);
    const coordinate = field ? `${field[2]}.${field[1]}` : argument ? `${argument[2]}.${argument[3]}(${argument[1]}:)` : type ? type[1] : 'unknown';
    found.push({ coordinate, message: message.slice(0, 300) });
  }
  return found;
}

/** How many subgraph answers showed a disagreement, per subgraph, since the gateway started. */
export class ContractMismatchCounts {
  readonly #counts = new Map<string, number>();

  increment(subgraph: string): void {
    this.#counts.set(subgraph, (this.#counts.get(subgraph) ?? 0) + 1);
  }

  of(subgraph: string): number {
    return this.#counts.get(subgraph) ?? 0;
  }
}

export interface ContractWatch {
  /** Looks at one answer of `subgraph`: counts it if it shows a disagreement, and warns once per coordinate. */
  observe(subgraph: string, response: GatewayGraphQLResponse): void;
}

/**
 * One generation's watch. The warning names the subgraph, the generation and the coordinate, once
 * per (subgraph, coordinate) in this generation: steady traffic on a broken field is one line, not
 * one per request, and a later generation that still disagrees says so again.
 */
export function createContractWatch(options: { generation: string; counts: ContractMismatchCounts; logger: Logger; maxWarnings?: number }): ContractWatch {
  const warned = new Set<string>();
  const maxWarnings = options.maxWarnings ?? 1000;
  return {
    observe(subgraph, response) {
      if (!response.errors?.length) return;
      const mismatches = contractMismatches(response);
      if (!mismatches.length) return;
      options.counts.increment(subgraph);
      for (const { coordinate, message } of mismatches) {
        const key = `${subgraph}\u0000${coordinate}`;
        if (warned.has(key) || warned.size >= maxWarnings) continue;
        warned.add(key);
        options.logger.warn(
          { subgraph, generation: options.generation, coordinate, error: message },
          `subgraph "${subgraph}" refused what the supergraph says it serves (${coordinate}): its running schema is not the published contract`,
        );
      }
    },
  };
}
