import type { Logger } from '../../../shared/logging.js';
import type { Principal } from '../../../shared/principal.js';

/** What a policy function is given: the verified caller and the request's headers. */
export interface PolicyInput {
  principal: Principal;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Decides one `@policy` name for one request. Throwing or rejecting counts as "no": a policy
 * that cannot decide must not grant access.
 */
export type PolicyFunction = (input: PolicyInput) => boolean | Promise<boolean>;

export type PolicyRegistry = Readonly<Record<string, PolicyFunction>>;

/**
 * A supergraph that names a policy no function decides would deny silently forever (or, worse,
 * be mistaken for enforced): start-up fails and names every such policy.
 */
export function undecidedPolicies(policyNames: Iterable<string>, registry: PolicyRegistry): string[] {
  return [...policyNames].filter((name) => typeof registry[name] !== 'function').sort();
}

/**
 * Evaluates every policy the supergraph uses, once per request, all at once. A policy that throws
 * is "no" for this request and an error line naming it: it denies everyone until it is fixed,
 * and the operator must hear about that.
 */
export async function evaluatePolicies(
  policyNames: readonly string[],
  registry: PolicyRegistry,
  input: PolicyInput,
  logger?: Logger,
): Promise<Map<string, boolean>> {
  const results = await Promise.all(
    policyNames.map(async (name) => {
      const decide = registry[name];
      if (!decide) return false;
      try {
        return (await decide(input)) === true;
      } catch (error) {
        logger?.error({ err: error, policy: name }, `policy "${name}" threw: it counts as false for this request`);
        return false;
      }
    }),
  );
  return new Map(policyNames.map((name, i) => [name, results[i]]));
}
