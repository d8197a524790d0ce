import { stripIgnoredCharacters } from 'graphql';
import type { PersistedOperation, PersistedOperationManifest } from './manifest.js';

/** Decides whether an operation text sent in full is one of the manifest's operations. */
export interface Safelist {
  /** The manifest operation whose body is `query`, exactly or once ignored characters are stripped from both. */
  match(query: string): PersistedOperation | undefined;
  /** Whether `query` is `operation`'s body under the same rule. */
  matches(query: string, operation: PersistedOperation): boolean;
}

/**
 * Builds the safelist of a manifest. The stripped bodies are computed here, once, so a request
 * pays one strip of its own text (linear in its size, which the HTTP front bounds) and two lookups.
 * Only whitespace, commas and comments are ignored; unlike the router, the order of definitions is
 * not, since clients send a manifest operation's text as the manifest generator printed it.
 */
export function createSafelist(manifest: PersistedOperationManifest): Safelist {
  const byBody = new Map<string, PersistedOperation>();
  const byStrippedBody = new Map<string, PersistedOperation>();
  const strippedOf = new Map<PersistedOperation, string>();
  for (const operation of manifest.operations) {
    // Every body parsed at load, so stripping it cannot throw.
    const stripped = stripIgnoredCharacters(operation.body);
    if (!byBody.has(operation.body)) byBody.set(operation.body, operation);
    if (!byStrippedBody.has(stripped)) byStrippedBody.set(stripped, operation);
    strippedOf.set(operation, stripped);
  }
  return {
    match(query) {
      const exact = byBody.get(query);
      if (exact) return exact;
      const stripped = strip(query);
      return stripped === undefined ? undefined : byStrippedBody.get(stripped);
    },
    matches(query, operation) {
      if (query === operation.body) return true;
      const stripped = strip(query);
      return stripped !== undefined && stripped === strippedOf.get(operation);
    },
  };
}

/** The text without ignored characters, or undefined when it does not lex (it then matches nothing but itself). */
function strip(query: string): string | undefined {
  try {
    return stripIgnoredCharacters(query);
  } catch {
    return undefined;
  }
}
