/**
 * The caller's token, shared by the catalog and the IDE (same origin): kept in sessionStorage so
 * it lasts for the tab and is gone when the tab closes, never in localStorage.
 */
export const TOKEN_KEY = 'meshgate.token';
const CHANGED = 'meshgate:token-changed';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    // Storage refused (privacy settings): the catalog still works, anonymously.
    return null;
  }
}

export function writeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // As above: the token then lives only until the page changes.
  }
  window.dispatchEvent(new CustomEvent(CHANGED));
}

/** Calls `listener` whenever the token changes in this tab. */
export function onTokenChange(listener: () => void): () => void {
  window.addEventListener(CHANGED, listener);
  return () => window.removeEventListener(CHANGED, listener);
}

/** "Bearer x" pasted whole, or surrounding whitespace: the token itself. */
export function normalizeToken(input: string): string {
  return input.trim().replace(/^bearer\s+/i, '').trim();
}
