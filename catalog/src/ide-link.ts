/**
 * Where an example opens in the IDE: the gateway's own GraphiQL at /graphql (a browser's GET with
 * `Accept: text/html` gets the IDE), which reads `query` and `variables` from the address.
 */
export function ideHref(example: { query: string; variables?: string | null }): string {
  const params = new URLSearchParams({ query: example.query });
  if (example.variables) params.set('variables', example.variables);
  return `/graphql?${params.toString()}`;
}
