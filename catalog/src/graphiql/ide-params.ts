/**
 * What the IDE opens with: `?query=`, `?variables=` and `?headers=` from the address (the
 * catalog's "Open in IDE" links), and, when no headers are given, the catalog's token as an
 * Authorization header, so an example runs as the caller the catalog showed it for.
 */
export interface IdeParams {
  query?: string;
  variables?: string;
  headers?: string;
}

/** Longest value taken from the address: the gateway refuses longer URLs anyway. */
const MAX_PARAM = 64 * 1024;

export function ideParams(search: string, token: string | null): IdeParams {
  const params = new URLSearchParams(search);
  const take = (name: string) => {
    const value = params.get(name);
    return value && value.length <= MAX_PARAM ? value : undefined;
  };
  const headers = take('headers') ?? (token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : undefined);
  return { query: take('query'), variables: take('variables'), headers };
}
