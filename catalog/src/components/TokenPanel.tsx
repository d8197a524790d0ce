import { useEffect, useRef, useState } from 'react';
import { DEVELOPMENT_TOKENS, VIEWER } from '../api/documents';
import { useQuery } from '../api/use-query';
import { normalizeToken, writeToken } from '../token-store';
import { useToken } from '../use-token';
import { DevelopmentTokenList } from './DevelopmentTokenList';

/**
 * Who the catalog asks as: anonymous, a pasted token, or one of the gateway's development tokens
 * (offered only when the gateway runs on the public development secret). The token is sent to the
 * catalog API only; every field's access on a product page follows it.
 */
export function TokenPanel() {
  const token = useToken();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const viewer = useQuery(VIEWER, {}, { token });
  const developmentTokens = useQuery(DEVELOPMENT_TOKENS, {}, { skip: !open });
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    // Closes as a menu does: Escape, or a click anywhere else.
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    const onClick = (event: MouseEvent) => panel.current && !panel.current.contains(event.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const use = (value: string | null) => {
    writeToken(value);
    setDraft('');
    setOpen(false);
  };

  let identity: string;
  if (viewer.status === 'loading') identity = token ? 'Checking token…' : 'Anonymous';
  else if (viewer.status === 'error') identity = token ? 'Token refused' : 'Gateway unreachable';
  else if (!viewer.data.viewer.authenticated) identity = 'Anonymous';
  else identity = viewer.data.viewer.subject ?? 'Signed in';

  return (
    <div className="token-panel" ref={panel}>
      <button type="button" className={`identity${viewer.status === 'error' ? ' refused' : ''}`} aria-expanded={open} onClick={() => setOpen(!open)} data-testid="identity">
        <span className="identity-label">Reading as</span> {identity}
      </button>
      {open ? (
        <div className="token-popover" role="dialog" aria-label="Token">
          {viewer.status === 'error' && token ? (
            <p className="error-note" role="alert">
              The gateway refused this token: {viewer.error.message}
            </p>
          ) : null}
          {viewer.status === 'done' && viewer.data.viewer.authenticated ? (
            <p className="scopes">
              Scopes: {viewer.data.viewer.scopes.length ? viewer.data.viewer.scopes.map((scope) => <code key={scope}>{scope}</code>) : <em>none</em>}
              {viewer.data.viewer.policies.length ? (
                <>
                  <br />
                  Policies met: {viewer.data.viewer.policies.map((policy) => <code key={policy}>{policy}</code>)}
                </>
              ) : null}
            </p>
          ) : null}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              const value = normalizeToken(draft);
              if (value) use(value);
            }}
          >
            <label htmlFor="token-input">Paste a token (JWT)</label>
            <textarea id="token-input" rows={3} value={draft} onChange={(event) => setDraft(event.target.value)} placeholder="eyJhbGciOi…" spellCheck={false} />
            <div className="token-actions">
              <button type="submit" disabled={!normalizeToken(draft)}>
                Use this token
              </button>
              {token ? (
                <button type="button" className="secondary" onClick={() => use(null)}>
                  Forget token
                </button>
              ) : null}
            </div>
          </form>
          <DevelopmentTokenList state={developmentTokens} onPick={use} />
          <p className="hint">Kept in this tab only (sessionStorage); the IDE uses it too.</p>
        </div>
      ) : null}
    </div>
  );
}
