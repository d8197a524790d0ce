import { useEffect, useState } from 'react';
import { CatalogApiError, request, type Document } from './graphql';

export type QueryState<TData> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: CatalogApiError }
  | { readonly status: 'done'; readonly data: TData; readonly notes: readonly string[] };

/**
 * Runs `document` whenever its variables or the token change; an answer that arrives after a newer
 * request started is dropped (the older request is aborted), so a fast typist never sees stale
 * results. `skip` holds the request (e.g. an empty search box).
 */
export function useQuery<TData, TVariables>(
  document: Document<TData, TVariables>,
  variables: TVariables,
  options: { token?: string | null; skip?: boolean } = {},
): QueryState<TData> {
  const [state, setState] = useState<QueryState<TData>>({ status: 'loading' });
  // Variables are small plain objects: their JSON is a stable dependency.
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (options.skip) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    request(document, JSON.parse(key) as TVariables, { token: options.token, signal: controller.signal }).then(
      ({ data, notes }) => setState({ status: 'done', data, notes }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ status: 'error', error: error instanceof CatalogApiError ? error : new CatalogApiError(String(error), 'network') });
      },
    );
    return () => controller.abort();
  }, [document, key, options.token, options.skip]);
  return state;
}
