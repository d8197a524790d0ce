import { GraphQLError, Source, parse, type DocumentNode } from 'graphql';
import { result, type CheckResult } from './types.js';

export type ParsedSdl = { ok: true; document: DocumentNode } | { ok: false; results: CheckResult[] };

/**
 * The candidate's SDL as a syntax tree. A syntax error becomes one `sdl-parse` error that says
 * where, as editors print it: `schema.graphql:12:5: Syntax Error: Expected Name, found "}".`
 */
export function parseSdl(sdl: string, sourceName = 'schema.graphql'): ParsedSdl {
  try {
    return { ok: true, document: parse(new Source(sdl, sourceName)) };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const where = error.locations?.[0];
    const at = where ? `${sourceName}:${where.line}:${where.column}` : sourceName;
    return { ok: false, results: [result('error', 'sdl-parse', `${at}: ${error.message}`)] };
  }
}
