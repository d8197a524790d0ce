import { ErrorCode, HttpError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logging.js';
import type { Authenticator } from '../governance/authentication.js';
import type { Stage } from './stage.js';

export interface AuthenticationStageOptions {
  authenticator: Authenticator;
  /** Answer anonymous requests 401 AUTH_ERROR (REQUIRE_AUTHENTICATION). */
  requireAuthentication: boolean;
  /** Where refused credentials are recorded: they are security events, audited like served requests. */
  audit: Logger;
}

/**
 * Verifies the request's credential once and sets `request.principal` (ANONYMOUS without one).
 * An invalid credential is not "anonymous": it is answered 401 AUTH_ERROR, and audited.
 */
export function useAuthentication(options: AuthenticationStageOptions): Stage {
  return {
    name: 'authenticate',
    async run(request) {
      try {
        const principal = await options.authenticator.authenticate(request.http.headers.authorization);
        if (options.requireAuthentication && !principal.authenticated) {
          throw new HttpError(401, ErrorCode.AuthError, 'Authentication required: send "Authorization: Bearer <token>"', { 'www-authenticate': 'Bearer' });
        }
        request.principal = principal;
      } catch (error) {
        if (error instanceof HttpError) options.audit.warn({ reason: error.message, remoteAddress: request.clientAddress }, 'request refused: authentication');
        throw error;
      }
    },
  };
}
