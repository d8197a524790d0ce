import type { CorsOptions } from 'cors';
import type { HttpConfig } from '../config.js';

/**
 * The `cors` package's options for CORS_ORIGINS / CORS_ALLOW_CREDENTIALS, or false (no CORS
 * headers at all) when no origin is configured. Preflights may send the headers GraphQL clients
 * use (authorization, Apollo's CSRF and client-awareness headers); answers expose none.
 */
export function corsOptions(http: Pick<HttpConfig, 'corsOrigins' | 'corsAllowCredentials'>): CorsOptions | false {
  if (http.corsOrigins === null) return false;
  return {
    origin: http.corsOrigins === '*' ? '*' : [...http.corsOrigins],
    credentials: http.corsAllowCredentials,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'apollographql-client-name', 'apollographql-client-version'],
    maxAge: 600,
  };
}
