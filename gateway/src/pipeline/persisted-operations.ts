import { createHash } from 'node:crypto';
import { Lexer, Source, TokenKind } from 'graphql';
import { InMemoryApqStore, type ApqStore } from '../persisted-operations/apq-store.js';
import { createLogThrottle, type LogThrottleOptions } from '../persisted-operations/log-throttle.js';
import type { PersistedOperationManifest } from '../persisted-operations/manifest.js';
import {
  bodyDiffersFromManifest,
  hashMismatch,
  idAndBodyWithoutApq,
  malformedPersistedQuery,
  operationNotInSafelist,
  persistedQueryNotFound,
  persistedQueryNotInList,
  persistedQueryNotSupported,
  unsupportedVersion,
} from '../persisted-operations/refusals.js';
import { createSafelist, type Safelist } from '../persisted-operations/safelist.js';
import type { GatewayRequest, Stage } from './stage.js';

/** Automatic persisted queries (Apollo's protocol, as Apollo Client's persisted-queries link speaks it). */
export interface ApqOptions {
  /** Bound on the in-memory store's total size in bytes. Default 16 MiB (DEFAULT_APQ_MAX_BYTES). */
  maxBytes?: number;
  /** Where registered queries live. Default: an InMemoryApqStore of `maxBytes`. */
  store?: ApqStore;
}

interface CommonOptions {
  /** How often the same operation outside the manifest is logged. Default once per hash per minute, 10000 hashes remembered. */
  unknownOperationLog?: LogThrottleOptions;
}

/**
 * What the stage serves. A safelist (`log` or `enforce`) needs a manifest and rules APQ out, as in
 * Apollo Router (APQ would let any client add any operation): the types make both impossible.
 */
export type PersistedOperationsOptions = CommonOptions &
  (
    | {
        /** `off` (the default): every operation runs; the manifest, if any, only resolves ids. */
        safelist?: 'off';
        /** Operations clients may send by id. Default none. */
        manifest?: PersistedOperationManifest;
        /** APQ, or `false` for none. Default on with a 16 MiB in-memory store. */
        apq?: ApqOptions | false;
      }
    | {
        /** `log`: operations outside the manifest run and are logged; `enforce`: they are refused with PERSISTED_QUERY_NOT_IN_LIST. */
        safelist: 'log' | 'enforce';
        manifest: PersistedOperationManifest;
        apq?: false;
      }
  );

/**
 * Resolves which operation text a request runs, and whether it may run: an id from the manifest
 * becomes the manifest's body; otherwise, with the safelist off, Apollo's automatic persisted
 * queries; with the safelist on, a full text must be a manifest operation's. Runs first, before
 * parsing. It removes `extensions.persistedQuery` from every request it lets through, since
 * Apollo Server runs with its own APQ off (`persistedQueries: false`) and refuses any request
 * still carrying one.
 */
export function usePersistedOperations(options: PersistedOperationsOptions): Stage {
  const manifest = options.manifest;
  const safelist: Safelist | undefined = manifest && createSafelist(manifest);
  const apq = resolveApq(options);
  const throttle = createLogThrottle(options.unknownOperationLog);

  function resolvePersisted(request: GatewayRequest, persistedQuery: unknown): void {
    // Apollo Server refuses any persisted query it cannot serve before looking at the version.
    if (!manifest && !apq) throw persistedQueryNotSupported();
    const id = readPersistedQueryId(persistedQuery);
    const { query, operationName } = request.params;

    const operation = manifest?.byId.get(id);
    if (operation) {
      if (query !== undefined && !safelist?.matches(query, operation)) throw bodyDiffersFromManifest(id);
      setQuery(request, operation.body);
      return;
    }
    if (!apq) {
      if (query !== undefined) throw idAndBodyWithoutApq(id);
      // In log mode nothing may break: Apollo Client's APQ link answers NOT_SUPPORTED by resending the
      // full text, which then runs (and is logged); NOT_IN_LIST would fail the request instead.
      if (options.safelist === 'log') throw persistedQueryNotSupported();
      throw persistedQueryNotInList(id, operationName);
    }
    if (query === undefined) {
      const stored = apq.get(id);
      if (stored === undefined) throw persistedQueryNotFound();
      setQuery(request, stored);
      return;
    }
    const computed = sha256(query);
    if (computed !== id) throw hashMismatch(id, computed);
    apq.set(id, query);
    setQuery(request, query);
  }

  function checkFreeform(request: GatewayRequest): void {
    const { query, operationName } = request.params;
    if (options.safelist === undefined || options.safelist === 'off' || query === undefined) return;
    if (safelist?.match(query)) return;
    const hash = sha256(query);
    if (throttle.take(hash)) {
      const fields = { operationHash: hash, operationName: operationName ?? leadingOperationName(query) ?? null, safelist: options.safelist };
      switch (options.safelist) {
        case 'log':
          request.logger.warn(fields, 'operation not in the persisted operations manifest (safelist: log, it runs)');
          break;
        case 'enforce':
          request.logger.warn(fields, 'operation refused: not in the persisted operations manifest (safelist: enforce)');
          break;
        default: {
          const unknown: never = options.safelist;
          throw new Error(`usePersistedOperations: expected safelist off, log or enforce, got ${String(unknown)}`);
        }
      }
    }
    if (options.safelist === 'enforce') throw operationNotInSafelist();
  }

  return {
    name: 'persisted-operations',
    run(request) {
      const persistedQuery = request.params.extensions?.persistedQuery;
      // Apollo Server treats a null or absent extension alike: a request without a persisted query.
      if (persistedQuery === undefined || persistedQuery === null) checkFreeform(request);
      else resolvePersisted(request, persistedQuery);
    },
  };
}

function resolveApq(options: PersistedOperationsOptions): ApqStore | undefined {
  if (options.safelist === 'log' || options.safelist === 'enforce' || options.apq === false) return undefined;
  return options.apq?.store ?? new InMemoryApqStore({ maxBytes: options.apq?.maxBytes });
}

/** `{ version: 1, sha256Hash }` or a 400 naming what is wrong with it. */
function readPersistedQueryId(persistedQuery: unknown): string {
  const fields = typeof persistedQuery === 'object' && persistedQuery !== null ? (persistedQuery as Record<string, unknown>) : {};
  if (fields.version !== 1) throw unsupportedVersion(fields.version);
  const id = fields.sha256Hash;
  if (typeof id !== 'string' || id === '') throw malformedPersistedQuery('.sha256Hash', id);
  return id;
}

/** Puts the text to run in place and drops the extension Apollo Server would refuse. */
function setQuery(request: GatewayRequest, query: string): void {
  const { persistedQuery: _resolved, ...extensions } = request.params.extensions ?? {};
  request.params = { ...request.params, query, extensions };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The name of the document's first operation when the document starts with it, for a log line
 * about a request that sent no `operationName`. Reads two tokens, never the whole text: the
 * operation limits have not been applied yet.
 */
function leadingOperationName(query: string): string | undefined {
  try {
    const lexer = new Lexer(new Source(query));
    const keyword = lexer.advance();
    if (keyword.kind !== TokenKind.NAME || !['query', 'mutation', 'subscription'].includes(keyword.value)) return undefined;
    const name = lexer.advance();
    return name.kind === TokenKind.NAME ? name.value : undefined;
  } catch {
    // A text that does not lex has no name to report; the parse stage will refuse it.
    return undefined;
  }
}
