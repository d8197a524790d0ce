import type { Principal } from '../../../shared/principal.js';
import { forbidden } from '../errors.js';

/** The registry's scopes (CONTRACTS: registry:admin, registry:publish:<name>, registry:read, registry:usage:report). */
export const Scope = {
  Admin: 'registry:admin',
  Read: 'registry:read',
  UsageReport: 'registry:usage:report',
  publish: (name: string) => `registry:publish:${name}`,
} as const;

const PUBLISH_PREFIX = 'registry:publish:';

export const isAdmin = (principal: Principal): boolean => principal.scopes.includes(Scope.Admin);

/** Who may read (the API's queries, `GET /supergraph`): readers, admins and every publishing team. */
export function canRead(principal: Principal): boolean {
  return principal.scopes.some((scope) => scope === Scope.Read || scope === Scope.Admin || (scope.startsWith(PUBLISH_PREFIX) && scope.length > PUBLISH_PREFIX.length));
}

/**
 * Each check throws FORBIDDEN (HTTP 403) naming the scope that is missing. A team's token carries
 * `registry:publish:<its subgraph>`, so a team reaches only its own data product.
 */
export const requireAccess = {
  read(principal: Principal): void {
    if (!canRead(principal)) throw forbidden(`Reading the registry needs the scope ${Scope.Read} (or ${Scope.Admin}, or any ${PUBLISH_PREFIX}<name>)`);
  },
  publish(principal: Principal, name: string): void {
    if (isAdmin(principal) || principal.scopes.includes(Scope.publish(name))) return;
    const own = principal.scopes.filter((s) => s.startsWith(PUBLISH_PREFIX)).map((s) => s.slice(PUBLISH_PREFIX.length));
    const has = own.length > 0 ? `; this token may publish only ${own.map((n) => `"${n}"`).join(', ')}` : '';
    throw forbidden(`Publishing or checking subgraph "${name}" needs the scope ${Scope.publish(name)} (or ${Scope.Admin})${has}`);
  },
  admin(principal: Principal, what: string): void {
    if (!isAdmin(principal)) throw forbidden(`${what} needs the scope ${Scope.Admin}`);
  },
  reportUsage(principal: Principal): void {
    if (!isAdmin(principal) && !principal.scopes.includes(Scope.UsageReport)) throw forbidden(`Reporting usage needs the scope ${Scope.UsageReport} (or ${Scope.Admin})`);
  },
};
