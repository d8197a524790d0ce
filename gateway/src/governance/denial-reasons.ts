import type { AuthorizationIndex } from './authorization-index.js';
import type { DeniedSelection, IsSatisfied } from './authorize-operation.js';

/** Why a field was removed, in the few words a metric label can carry. */
export type DenialReason = 'unauthenticated' | 'scopes' | 'policy';

export type DenialCounts = Readonly<Record<DenialReason, number>>;

/**
 * How many of `denied` were removed for want of authentication, of scopes, or of a policy: each
 * denied field is counted once, under the most basic requirement it misses (authentication before
 * scopes before policies: a caller without a token lacks the token first). Pure over the index.
 */
export function denialReasons(index: Pick<AuthorizationIndex, 'requirements' | 'fieldRequirements' | 'typeRequirements'>, denied: readonly DeniedSelection[], isSatisfied: IsSatisfied): DenialCounts {
  const counts = { unauthenticated: 0, scopes: 0, policy: 0 };
  for (const selection of denied) counts[reasonOf(index, selection.coordinate, isSatisfied)]++;
  return counts;
}

function reasonOf(index: Pick<AuthorizationIndex, 'requirements' | 'fieldRequirements' | 'typeRequirements'>, coordinate: string, isSatisfied: IsSatisfied): DenialReason {
  const dot = coordinate.indexOf('.');
  const ids = dot === -1 ? index.typeRequirements(coordinate) : index.fieldRequirements(coordinate.slice(0, dot), coordinate.slice(dot + 1));
  let reason: DenialReason | undefined;
  for (const id of ids) {
    if (isSatisfied(id)) continue;
    const kind = index.requirements[id].kind;
    if (kind === 'authenticated') return 'unauthenticated';
    if (kind === 'scopes') reason = 'scopes';
    else reason ??= 'policy';
  }
  // Not expected (the index lists everything the filter judges a coordinate by): counted rather than lost.
  return reason ?? 'policy';
}
