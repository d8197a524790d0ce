import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../shared/errors.js';
import type { Principal } from '../../../shared/principal.js';
import { parseId } from '../../../shared/subgraph/arguments.js';
import type { RowFilter } from './store.js';

/**
 * Customer service's row-level rule: "a customer may read their own tickets, and a caller nobody
 * identified reads none". The gateway has already applied the field and type rules of the contract
 * (`@authenticated`, `@requiresScopes`); which ROWS a caller may see is this domain's to say, and
 * is said here alone, without relying on the gateway's rules.
 *
 * - anonymous (no credential): no row at all, no ticket opened or resolved. The rule fails closed
 *   on its own, so a contract that lost its `@authenticated`, or a gateway with authorization
 *   switched off or in dry-run, still cannot hand every customer to a caller nobody identified;
 * - staff (signed in, without the customer role): everything;
 * - customer: only their own `Customer` row and their own tickets; `customerId` is null when the
 *   token names no valid `customer_id`, and then they see nothing at all (never everything).
 */
export type AccessScope = { kind: 'anonymous' } | { kind: 'staff' } | { kind: 'customer'; customerId: number | null };

/** The role that makes a caller a customer; matched case-insensitively, so a variant spelling errs towards restriction. */
export const CUSTOMER_ROLE = 'customer';

/** `roles` as an array of strings, or one space- or comma-separated string. */
function rolesOf(claim: unknown): string[] {
  const values = typeof claim === 'string' ? claim.split(/[\s,]+/) : Array.isArray(claim) ? claim.filter((r) => typeof r === 'string') : [];
  return values.map((role) => role.trim().toLowerCase()).filter((role) => role !== '');
}

/** `customer_id` as a string of digits or a whole number; anything else (absent, "", "42a", 4.2, ["42"]) is no id. */
function customerIdOf(claim: unknown): number | null {
  return typeof claim === 'string' || typeof claim === 'number' ? parseId(claim) : null;
}

export function accessScope(principal: Principal): AccessScope {
  // Checked first: claims are empty for an anonymous caller, so "no customer role" must not read as staff.
  if (!principal.authenticated) return { kind: 'anonymous' };
  if (!rolesOf(principal.claims.roles).includes(CUSTOMER_ROLE)) return { kind: 'staff' };
  return { kind: 'customer', customerId: customerIdOf(principal.claims.customer_id) };
}

/**
 * The restriction every read of this request passes to the store, or null when the caller may
 * read no row at all (an anonymous caller, a customer without a customer id): then no SQL is run.
 */
export function rowFilter(scope: AccessScope): RowFilter | null {
  switch (scope.kind) {
    case 'anonymous':
      return null;
    case 'staff':
      return {};
    case 'customer':
      return scope.customerId === null ? null : { customerId: scope.customerId };
    default:
      return unhandled(scope);
  }
}

/** Throws unless the caller may open a ticket for `customerId`: staff for anyone, a customer for themselves, an anonymous caller never. */
export function checkMayOpenTicketFor(scope: AccessScope, customerId: number): void {
  switch (scope.kind) {
    case 'anonymous':
      throw forbidden('Opening a ticket needs a signed-in caller (staff, or the customer themselves), got an anonymous request (no credential)', 'customerId');
    case 'staff':
      return;
    case 'customer':
      if (scope.customerId === null) {
        throw forbidden('A customer may open tickets only for themselves, and this token carries no valid customer_id claim', 'customerId');
      }
      if (scope.customerId !== customerId) {
        throw forbidden(`A customer may open tickets only for themselves (customer ${scope.customerId}), got customerId "${customerId}"`, 'customerId');
      }
      return;
    default:
      return unhandled(scope);
  }
}

/** Throws unless the caller may resolve tickets: staff only. */
export function checkMayResolveTickets(scope: AccessScope): void {
  switch (scope.kind) {
    case 'anonymous':
      throw forbidden('Only customer-service staff may resolve tickets; an anonymous caller (no credential) may not');
    case 'staff':
      return;
    case 'customer':
      throw forbidden('Only customer-service staff may resolve tickets; a customer may not');
    default:
      return unhandled(scope);
  }
}

function forbidden(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden, ...(argument ? { argument } : {}) } });
}

function unhandled(scope: never): never {
  throw new Error(`unhandled access scope ${JSON.stringify(scope)}`);
}
