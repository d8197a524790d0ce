import { mintToken } from '../../gateway/src/governance/dev-token.js';

/** Every scope and role the demo supergraph asks for: the same data flows as with governance off. */
export const ALL_SCOPES = ['finance:read', 'marketing:budget', 'marketing:write', 'support:read', 'support:write', 'inventory:write'];

/** `Authorization` header with a development token (the gateway's default HS256 secret in tests). */
export async function bearer(input: { subject?: string; scopes?: readonly string[]; roles?: readonly string[]; claims?: Record<string, unknown> } = {}) {
  const token = await mintToken({ subject: input.subject ?? 'tester', scopes: input.scopes, roles: input.roles, claims: input.claims });
  return { authorization: `Bearer ${token}` };
}

/** A caller allowed everything in the demo supergraph. */
export const allowedEverything = () => bearer({ subject: 'analyst', scopes: ALL_SCOPES, roles: ['pii-reader'] });
