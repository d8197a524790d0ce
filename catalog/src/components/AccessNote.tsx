import type { FieldAccess, Viewer } from '../api/types';
import type { QueryState } from '../api/use-query';
import { ErrorNote } from './ErrorNote';

/** Whom the fields are marked for, and how many of them that caller may read. */
export function AccessNote({ access, hasToken }: { access: QueryState<{ viewer: Viewer; access: FieldAccess[] }>; hasToken: boolean }) {
  if (access.status === 'loading') return <p className="loading">Checking what you may read…</p>;
  if (access.status === 'error') {
    return <ErrorNote what="what you may read" error={access.error} hint={hasToken ? 'The token may have expired or be for another gateway: paste another one, or forget it to read anonymously.' : undefined} />;
  }
  const { viewer } = access.data;
  const readable = access.data.access.filter((a) => a.readable).length;
  return (
    <p className="access-note" data-testid="access-note">
      Marked for <strong>{viewer.authenticated ? (viewer.subject ?? 'a signed-in caller') : 'an anonymous caller'}</strong>
      {viewer.authenticated ? <> with {viewer.scopes.length ? viewer.scopes.map((s) => <code key={s}>{s}</code>) : 'no scopes'}</> : null}: <strong>{readable} of {access.data.access.length}</strong> fields readable.
      {!viewer.authenticated ? ' Use a token (top right) to see what you may read.' : null}
    </p>
  );
}
