import { GraphQLError, Source, parse, type DocumentNode } from 'graphql';
import { scanDocument } from '../../../gateway/src/limits/nesting-scan.js';
import { result, type CheckResult } from './types.js';

/**
 * Deepest `{ [ (` nesting an SDL may have. graphql-js parses by recursive descent, so a deeply nested
 * default value would overflow the stack before it reports anything; real schemas nest a few levels.
 */
export const MAX_SDL_NESTING = 64;

export type ParsedSdl = { ok: true; document: DocumentNode } | { ok: false; results: CheckResult[] };

/**
 * The candidate's SDL as a syntax tree. A syntax error becomes one `sdl-parse` error that says
 * where, as editors print it: `schema.graphql:12:5: Syntax Error: Expected Name, found "}".`
 */
export function parseSdl(sdl: string, sourceName = 'schema.graphql'): ParsedSdl {
  const scan = scanDocument(sdl, 0);
  if (scan.kind === 'scanned' && scan.nesting > MAX_SDL_NESTING) {
    return { ok: false, results: [result('error', 'sdl-parse', `${sourceName}: nests { [ ( ${scan.nesting} levels deep; at most ${MAX_SDL_NESTING} are accepted`)] };
  }
  try {
    return { ok: true, document: parse(new Source(sdl, sourceName)) };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const where = error.locations?.[0];
    const at = where ? `${sourceName}:${where.line}:${where.column}` : sourceName;
    return { ok: false, results: [result('error', 'sdl-parse', `${at}: ${error.message}`)] };
  }
}
