import type { DevelopmentToken } from '../api/types';
import type { QueryState } from '../api/use-query';

/** The gateway's development tokens, each one click away; says why when there are none. */
export function DevelopmentTokenList({ state, onPick }: { state: QueryState<{ developmentTokens: DevelopmentToken[] }>; onPick: (token: string) => void }) {
  if (state.status === 'loading') return <p className="loading">Looking for development tokens…</p>;
  if (state.status === 'error') return <p className="hint">Development tokens could not be listed: {state.error.message}</p>;
  const tokens = state.data.developmentTokens;
  if (!tokens.length) return <p className="hint">No development tokens: this gateway verifies real tokens only.</p>;
  return (
    <div className="development-tokens">
      <p>Or pick a development token:</p>
      <ul>
        {tokens.map((t) => (
          <li key={t.name}>
            <button type="button" className="secondary" onClick={() => onPick(t.token)} data-testid={`dev-token-${t.name}`}>
              {t.name}
            </button>
            <span>{t.description}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
