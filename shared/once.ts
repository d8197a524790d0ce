/** Wraps an async stop function so that calling it again returns the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
