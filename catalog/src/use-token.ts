import { useSyncExternalStore } from 'react';
import { onTokenChange, readToken } from './token-store';

/** The current token (null when anonymous); components re-render when it changes. */
export function useToken(): string | null {
  return useSyncExternalStore(onTokenChange, readToken);
}
