import type { Principal } from '../../../shared/principal.js';

/**
 * Remembers the principal of recently verified tokens, keyed by the token string, so steady
 * traffic with the same token pays one Map lookup instead of a signature check. An entry is
 * never served at or after the token's `exp`: the clock skew tolerated at verification does not
 * extend a cached entry. Least recently used entries are dropped first (a Map keeps insertion
 * order, so re-inserting on a hit moves the entry to the end).
 *
 * Only successes are cached: a bad token is verified (and refused) every time, which keeps a
 * flood of garbage from evicting the tokens of real callers.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(private readonly capacity: number) {}

  get(token: string, nowMs: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    this.entries.delete(token);
    if (nowMs >= entry.expiresAtMs) return undefined;
    this.entries.set(token, entry);
    return entry.principal;
  }

  set(token: string, principal: Principal, expiresAtMs: number, nowMs: number): void {
    if (this.capacity <= 0 || nowMs >= expiresAtMs) return;
    this.entries.delete(token);
    this.entries.set(token, { principal, expiresAtMs });
    if (this.entries.size > this.capacity) {
      // The first key is the least recently used one.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
