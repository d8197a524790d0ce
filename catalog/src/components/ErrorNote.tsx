import type { CatalogApiError } from '../api/graphql';

/** A failed request, said plainly; `hint` says what the reader can do about it. */
export function ErrorNote({ what, error, hint }: { what: string; error: CatalogApiError; hint?: string }) {
  return (
    <div className="error-note" role="alert">
      <strong>Could not load {what}.</strong> {error.message}
      {error.code ? <code className="error-code">{error.code}</code> : null}
      {hint ? <p>{hint}</p> : null}
    </div>
  );
}
