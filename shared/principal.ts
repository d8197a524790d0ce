/**
 * Who is asking. The gateway builds it once per request from a verified credential and forwards
 * it to subgraphs only in signed form; a subgraph never trusts a plain header for it.
 */
export interface Principal {
  /** True when the request carried a valid credential. */
  readonly authenticated: boolean;
  /** The credential's subject (`sub`), when authenticated. */
  readonly subject?: string;
  /** Scopes granted, gathered from the configured claims. */
  readonly scopes: readonly string[];
  /** The verified claims, as the token carried them (empty when anonymous). */
  readonly claims: Readonly<Record<string, unknown>>;
}

export const ANONYMOUS: Principal = Object.freeze({ authenticated: false, scopes: Object.freeze([]) as readonly string[], claims: Object.freeze({}) });
