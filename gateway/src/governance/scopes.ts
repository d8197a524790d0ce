/**
 * Reads the caller's scopes out of verified claims. Identity providers disagree on where scopes
 * live (`scope` as a space-separated string per RFC 8693, `scp` as an array in Azure AD, roles in
 * `realm_access.roles` in Keycloak), so the claim paths are configuration and the result is the
 * union of all of them.
 */

/** A claim exists but has a shape scopes cannot be read from; the credential is refused. */
export class ClaimShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimShapeError';
  }
}

/**
 * The value at `path` in `claims`, or undefined when any step is missing. A claim whose own name
 * contains dots (Auth0's namespaced `https://example.com/roles`) is found first by its whole name;
 * only when there is no such claim is the path split at dots into nested objects.
 */
export function readClaim(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let current: unknown = claims;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/**
 * The deduplicated union of the scopes found at each of `scopeClaims`, in first-seen order.
 * A claim may be a space-separated string or an array of strings; a missing claim adds nothing;
 * any other shape throws {@link ClaimShapeError} rather than being silently read as "no scopes".
 */
export function extractScopes(claims: Readonly<Record<string, unknown>>, scopeClaims: readonly string[]): string[] {
  const scopes = new Set<string>();
  for (const path of scopeClaims) {
    const value = readClaim(claims, path);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      for (const scope of value.split(/\s+/)) if (scope !== '') scopes.add(scope);
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      for (const scope of value as string[]) if (scope.trim() !== '') scopes.add(scope.trim());
    } else {
      throw new ClaimShapeError(`the "${path}" claim must be a space-separated string or an array of strings, got ${describeShape(value)}`);
    }
  }
  return [...scopes];
}

function describeShape(value: unknown): string {
  if (Array.isArray(value)) return 'an array with non-string members';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
